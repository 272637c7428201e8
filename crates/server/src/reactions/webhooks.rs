//! Every event goes to the workspace's outgoing-webhook endpoints that want
//! its type, one [`Job::DeliverWebhook`] per endpoint. The body is made here,
//! once, so every retry sends (and signs) the same bytes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{EventKind, WorkspaceId};
use serde::Serialize;
use store::log::LoggedEvent;
use store::webhooks::Endpoint;
use store::Conn;

use super::Planned;
use crate::jobs::Job;
use crate::services::ServiceError;

/// The JSON body of a delivery (Standard Webhooks: `type`, `timestamp`, `data`).
#[derive(Debug, Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: DateTime<Utc>,
    data: Data<'a>,
}

/// The event, as the SSE stream shows it.
#[derive(Debug, Serialize)]
struct Data<'a> {
    seq: i64,
    workspace_id: &'a str,
    inbox_id: &'a str,
    conversation_id: &'a str,
    actor_id: Option<&'a str>,
    created_at: DateTime<Utc>,
    #[serde(flatten)]
    kind: &'a EventKind,
}

/// One delivery per event and endpoint that wants it.
pub async fn plan(
    conn: &mut Conn<'_>,
    events: &[LoggedEvent],
) -> Result<Vec<Planned>, ServiceError> {
    let mut endpoints: HashMap<WorkspaceId, Vec<Endpoint>> = HashMap::new();
    let mut planned = Vec::new();
    for LoggedEvent { event, .. } in events {
        if !endpoints.contains_key(&event.workspace_id) {
            let found = store::webhooks::list(conn, &event.workspace_id).await?;
            endpoints.insert(event.workspace_id.clone(), found);
        }
        let kind = event.kind.name();
        let wanting: Vec<&Endpoint> = endpoints
            .get(&event.workspace_id)
            .into_iter()
            .flatten()
            .filter(|e| e.enabled && e.wants(kind))
            .collect();
        if wanting.is_empty() {
            continue;
        }
        let body = Body {
            kind,
            timestamp: event.created_at,
            data: Data {
                seq: event.seq,
                workspace_id: event.workspace_id.as_str(),
                inbox_id: event.inbox_id.as_str(),
                conversation_id: event.conversation_id.as_str(),
                actor_id: event.actor_id.as_ref().map(|a| a.as_str()),
                created_at: event.created_at,
                kind: &event.kind,
            },
        };
        let body = serde_json::to_string(&body).map_err(ServiceError::internal)?;
        for endpoint in wanting {
            planned.push(Planned {
                seq: event.seq,
                workspace_id: event.workspace_id.clone(),
                job: Job::DeliverWebhook {
                    endpoint_id: endpoint.id.clone(),
                    event_seq: event.seq,
                    event_type: kind.to_string(),
                    body: body.clone(),
                },
                run_at: event.created_at,
            });
        }
    }
    Ok(planned)
}

//! SLA due times follow the conversation: a customer message starts a
//! response clock, a reply stops it, done stops them all, a new priority
//! changes the targets. Each such event in an inbox with targets becomes a
//! [`Job::SlaRefresh`] due at once; the job reads the conversation as it is
//! when it runs, so replays and reordering cannot leave a stale due time.
//!
//! Why a reaction and not the changes' own transactions: messages, status
//! and priority are written by half a dozen paths (inbound channels, the
//! composer, the lifecycle timers); the log sees them all in one place.

use std::collections::HashMap;

use domain::{EventKind, InboxId, MessageKind};
use store::log::LoggedEvent;
use store::Conn;

use super::Planned;
use crate::jobs::Job;
use crate::services::ServiceError;

/// One refresh per relevant event of an inbox that has SLA targets.
pub async fn plan(
    conn: &mut Conn<'_>,
    events: &[LoggedEvent],
) -> Result<Vec<Planned>, ServiceError> {
    // Each inbox's targets are read once per batch.
    let mut has_targets: HashMap<InboxId, bool> = HashMap::new();
    let mut planned = Vec::new();
    for LoggedEvent { event, .. } in events {
        let relevant = matches!(
            event.kind,
            EventKind::Created { .. }
                | EventKind::Message {
                    message_kind: MessageKind::Inbound | MessageKind::Outbound,
                    ..
                }
                | EventKind::StatusChanged { .. }
                | EventKind::PriorityChanged { .. }
        );
        if !relevant {
            continue;
        }
        if !has_targets.contains_key(&event.inbox_id) {
            let policy = store::sla::get(conn, &event.inbox_id).await?;
            has_targets.insert(event.inbox_id.clone(), policy.is_some());
        }
        if has_targets.get(&event.inbox_id) == Some(&true) {
            planned.push(Planned {
                seq: event.seq,
                workspace_id: event.workspace_id.clone(),
                job: Job::SlaRefresh {
                    conversation_id: event.conversation_id.clone(),
                },
                run_at: event.created_at,
            });
        }
    }
    Ok(planned)
}

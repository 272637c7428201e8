//! An inbound message that arrives while its inbox is away (outside its
//! business hours, on a holiday, or switched "away now") is answered with
//! the out-of-office message by a [`Job::AutoReply`] due at once. The job
//! decides again when it runs (opt-out, the once-per-period rule).

use std::collections::HashMap;

use domain::{EventKind, InboxId, MessageKind, OutOfOffice};
use store::log::LoggedEvent;
use store::Conn;

use super::Planned;
use crate::jobs::Job;
use crate::services::ServiceError;

/// One job per inbound message of an inbox that was away when it arrived.
pub async fn plan(
    conn: &mut Conn<'_>,
    events: &[LoggedEvent],
) -> Result<Vec<Planned>, ServiceError> {
    // Each inbox's setting is read once per batch.
    let mut settings: HashMap<InboxId, Option<OutOfOffice>> = HashMap::new();
    let mut planned = Vec::new();
    for LoggedEvent { event, .. } in events {
        let EventKind::Message {
            message_id,
            message_kind: MessageKind::Inbound,
        } = &event.kind
        else {
            continue;
        };
        if !settings.contains_key(&event.inbox_id) {
            let setting = store::out_of_office::get(conn, &event.inbox_id).await?;
            settings.insert(event.inbox_id.clone(), setting);
        }
        let away = settings
            .get(&event.inbox_id)
            .and_then(Option::as_ref)
            .is_some_and(|s| s.enabled && s.is_away(event.created_at));
        if away {
            planned.push(Planned {
                seq: event.seq,
                workspace_id: event.workspace_id.clone(),
                job: Job::AutoReply {
                    message_id: message_id.clone(),
                },
                run_at: event.created_at,
            });
        }
    }
    Ok(planned)
}

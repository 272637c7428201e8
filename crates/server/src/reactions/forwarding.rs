//! An inbound message of an inbox that forwards to an email address
//! (`forward_to_email`, seed 000's "forward messages to an email") is
//! emailed there by a [`Job::ForwardMessage`] due at once.

use std::collections::HashMap;

use domain::{EmailAddress, EventKind, InboxId, MessageKind};
use store::log::LoggedEvent;
use store::Conn;

use super::Planned;
use crate::jobs::Job;
use crate::services::ServiceError;

/// One forwarding job per inbound message of a forwarding inbox.
pub async fn plan(
    conn: &mut Conn<'_>,
    events: &[LoggedEvent],
) -> Result<Vec<Planned>, ServiceError> {
    // Each inbox is read once per batch: a burst of texts to one inbox
    // costs one lookup.
    let mut forwards: HashMap<InboxId, Option<EmailAddress>> = HashMap::new();
    let mut planned = Vec::new();
    for LoggedEvent { event, .. } in events {
        let EventKind::Message {
            message_id,
            message_kind: MessageKind::Inbound,
        } = &event.kind
        else {
            continue;
        };
        if !forwards.contains_key(&event.inbox_id) {
            let to = store::inboxes::get(conn, &event.inbox_id)
                .await?
                .and_then(|inbox| inbox.forward_to_email);
            forwards.insert(event.inbox_id.clone(), to);
        }
        if let Some(Some(to)) = forwards.get(&event.inbox_id) {
            planned.push(Planned {
                seq: event.seq,
                workspace_id: event.workspace_id.clone(),
                job: Job::ForwardMessage {
                    message_id: message_id.clone(),
                    to: to.to_string(),
                },
                run_at: event.created_at,
            });
        }
    }
    Ok(planned)
}

//! An outbound reply, once committed, is handed to its channel by a
//! [`Job::DeliverMessage`] due at once. A scheduled reply (and each edit of
//! it) plans a [`Job::SendScheduled`] at its `send_at`; when it goes it
//! becomes a `message` event like any reply and is delivered as above. A
//! customer's message in a conversation with a reply still scheduled plans
//! a [`Job::CancelScheduled`] (the inbox's policy is read when it runs).

use domain::{EventKind, MessageKind};
use store::log::LoggedEvent;
use store::Conn;

use super::Planned;
use crate::jobs::Job;
use crate::services::ServiceError;

/// One job per outbound message, scheduled reply, or customer message that
/// finds a reply waiting.
pub async fn plan(
    conn: &mut Conn<'_>,
    events: &[LoggedEvent],
) -> Result<Vec<Planned>, ServiceError> {
    let mut planned = Vec::new();
    for LoggedEvent { event, .. } in events {
        let (job, run_at) = match &event.kind {
            EventKind::Message {
                message_id,
                message_kind: MessageKind::Outbound,
            } => (
                Job::DeliverMessage {
                    message_id: message_id.clone(),
                },
                event.created_at,
            ),
            EventKind::MessageScheduled {
                message_id,
                send_at,
            }
            | EventKind::ScheduledMessageEdited {
                message_id,
                send_at,
            } => (
                Job::SendScheduled {
                    message_id: message_id.clone(),
                },
                *send_at,
            ),
            // One probe of a partial index: ingest stays as fast as it was.
            EventKind::Message {
                message_kind: MessageKind::Inbound,
                ..
            } if store::scheduled::any_waiting(conn, &event.conversation_id).await? => (
                Job::CancelScheduled {
                    conversation_id: event.conversation_id.clone(),
                    inbound_at: event.created_at,
                },
                event.created_at,
            ),
            _ => continue,
        };
        planned.push(Planned {
            seq: event.seq,
            workspace_id: event.workspace_id.clone(),
            job,
            run_at,
        });
    }
    Ok(planned)
}

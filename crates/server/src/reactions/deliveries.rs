//! An outbound reply, once committed, is handed to its channel by a
//! [`Job::DeliverMessage`] due at once.

use domain::{EventKind, MessageKind};
use store::log::LoggedEvent;

use super::Planned;
use crate::jobs::Job;

/// One delivery job per outbound message.
pub fn plan(events: &[LoggedEvent]) -> Vec<Planned> {
    events
        .iter()
        .filter_map(|logged| match &logged.event.kind {
            EventKind::Message {
                message_id,
                message_kind: MessageKind::Outbound,
            } => Some(Planned {
                seq: logged.event.seq,
                workspace_id: logged.event.workspace_id.clone(),
                job: Job::DeliverMessage {
                    message_id: message_id.clone(),
                },
                run_at: logged.event.created_at,
            }),
            _ => None,
        })
        .collect()
}

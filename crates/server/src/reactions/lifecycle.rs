//! The lifecycle's timers: a conversation snoozed until a time is woken by a
//! [`Job::WakeConversation`] due then. The job itself checks that it is
//! still snoozed and due, so a snooze changed or cancelled since leaves an
//! earlier job with nothing to do.

use domain::{EventKind, Status};
use store::log::LoggedEvent;

use super::Planned;
use crate::jobs::Job;

/// One wake-up per snooze.
pub fn plan(events: &[LoggedEvent]) -> Vec<Planned> {
    events
        .iter()
        .filter_map(|logged| match &logged.event.kind {
            EventKind::StatusChanged {
                to: Status::Snoozed,
                snoozed_until: Some(until),
                ..
            } => Some(Planned {
                seq: logged.event.seq,
                workspace_id: logged.event.workspace_id.clone(),
                job: Job::WakeConversation {
                    conversation_id: logged.event.conversation_id.clone(),
                },
                run_at: *until,
            }),
            _ => None,
        })
        .collect()
}

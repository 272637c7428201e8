//! Auto-assignment follows the queue: a conversation that enters the
//! Unassigned queue (created, returned, reopened or woken without an
//! assignee) becomes a [`Job::AutoAssign`] when its inbox is not manual;
//! a member whose open work shrinks (done, snoozed, transferred away,
//! returned) becomes a [`Job::FillFreedCapacity`] when the inbox is
//! balanced. The jobs decide under the inbox's turn with the state then,
//! so one planned for a conversation someone took meanwhile does nothing.

use std::collections::HashMap;

use domain::{AssignmentPolicy, EventKind, InboxId, UserId, View};
use store::log::LoggedEvent;
use store::Conn;

use super::Planned;
use crate::jobs::Job;
use crate::services::ServiceError;

/// The jobs of these events, in order.
pub async fn plan(
    conn: &mut Conn<'_>,
    events: &[LoggedEvent],
) -> Result<Vec<Planned>, ServiceError> {
    let mut policies: HashMap<InboxId, AssignmentPolicy> = HashMap::new();
    let mut planned = Vec::new();
    for LoggedEvent { event, .. } in events {
        let Some(what) = wanted(&event.kind) else {
            continue;
        };
        let policy = match policies.get(&event.inbox_id) {
            Some(policy) => *policy,
            None => {
                let policy = store::assignment::policy(conn, &event.inbox_id).await?;
                policies.insert(event.inbox_id.clone(), policy);
                policy
            }
        };
        if !policy.is_automatic() {
            continue;
        }
        let mut jobs = Vec::new();
        if what.enters {
            jobs.push(Job::AutoAssign {
                conversation_id: event.conversation_id.clone(),
                skip_user: what.freed.clone(),
            });
        }
        if policy.fills_freed_capacity() {
            let freed = match (&what.freed, what.done) {
                (Some(user), _) => Some(user.clone()),
                // Done or snoozed: whoever holds it now held it then.
                (None, true) => store::conversations::get(conn, &event.conversation_id)
                    .await?
                    .and_then(|c| c.assignee_id),
                (None, false) => None,
            };
            if let Some(user_id) = freed {
                jobs.push(Job::FillFreedCapacity {
                    workspace_id: event.workspace_id.clone(),
                    inbox_id: event.inbox_id.clone(),
                    user_id,
                    skip: what.enters.then(|| event.conversation_id.clone()),
                });
            }
        }
        planned.extend(jobs.into_iter().map(|job| Planned {
            seq: event.seq,
            workspace_id: event.workspace_id.clone(),
            job,
            run_at: event.created_at,
        }));
    }
    Ok(planned)
}

/// What an event means for the queue.
struct Wanted {
    /// The conversation may now be waiting in the Unassigned queue.
    enters: bool,
    /// This member's open work shrank.
    freed: Option<UserId>,
    /// It left the Open view (its holder's work shrank).
    done: bool,
}

fn wanted(kind: &EventKind) -> Option<Wanted> {
    match kind {
        EventKind::Created { .. } => Some(Wanted {
            enters: true,
            freed: None,
            done: false,
        }),
        EventKind::Returned { from_id } => Some(Wanted {
            enters: true,
            freed: Some(from_id.clone()),
            done: false,
        }),
        EventKind::Transferred { from_id, .. } => Some(Wanted {
            enters: false,
            freed: Some(from_id.clone()),
            done: false,
        }),
        EventKind::StatusChanged { from, to, .. } => {
            let (was_open, is_open) = (from.view() == View::Open, to.view() == View::Open);
            (was_open != is_open).then_some(Wanted {
                enters: is_open,
                freed: None,
                done: was_open,
            })
        }
        _ => None,
    }
}

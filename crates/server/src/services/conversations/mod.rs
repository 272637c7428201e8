//! Conversations: the queue, the conversation page, and the buttons people
//! press on it.
//!
//! Each action reads the conversation, asks the permission table and the
//! lifecycle, and writes the new state with its events (and any job) in one
//! transaction, retrying if someone changed the conversation in between
//! ([`change`]). The submodules are grouped by concept; everything public is
//! re-exported here, so callers write `services::conversations::assign`.

mod actions;
mod compose;
mod detail;
mod links;
mod lock;
mod queue;
mod read;

pub(crate) use actions::return_all_to_inbox;
pub use actions::{
    assign, assign_to_me, edit, mark_done, reopen, return_to_inbox, set_priority, set_status,
    set_subject, set_tags, snooze, transfer, Edit,
};
pub use compose::{compose, continued, workspace_for_code, Compose, Composed, InboxRef};
pub use detail::{get, message, timeline, Detail, LockHolder, Viewer, PRESENCE_LEASE};
pub use links::{add_link, remove_link, NewLink};
pub use lock::{lock, unlock, LOCK_LEASE};
pub use queue::{counts, list, ContactOwner, QueueQuery};
pub use read::mark_read;

use domain::{Action, Conversation, ConversationId, EventKind, Timestamp, Trigger, UserId};
use store::StoreError;

use super::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How often a change is retried when another writer got there first.
const ATTEMPTS: usize = 5;

/// What an action decided: the events that describe it. What must follow
/// (a reply sent, a snooze woken) is a reaction to those events once they
/// are committed (`crate::reactions`), never enqueued here.
#[derive(Debug, Default)]
pub struct Change {
    /// Events to append; none means nothing changed.
    pub events: Vec<EventKind>,
}

impl Change {
    pub(crate) fn event(mut self, event: Option<EventKind>) -> Self {
        self.events.extend(event);
        self
    }
}

/// Moves `conversation` through the lifecycle on `trigger` (the domain's
/// [`Conversation::apply`]), as a use case's error.
pub fn apply_trigger(
    conversation: &mut Conversation,
    trigger: Trigger,
    now: Timestamp,
    snoozed_until: Option<Timestamp>,
) -> Result<Option<EventKind>, ServiceError> {
    Ok(conversation.apply(trigger, now, snoozed_until)?)
}

/// Reads, authorises, decides and writes one change. `decide` edits a copy
/// of the conversation and says what happened; it runs again on a retry.
pub async fn change<F>(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    action: Action,
    decide: F,
) -> Result<Conversation, ServiceError>
where
    F: Fn(&mut Conversation, Timestamp) -> Result<Change, ServiceError>,
{
    for _ in 0..ATTEMPTS {
        let mut reader = state.store.read().await?;
        let (current, _inbox) = access::conversation(&mut reader.conn(), who, id, action).await?;
        drop(reader);
        if let Some(done) = commit(state, Some(&who.user.id), current, &decide).await? {
            return Ok(done);
        }
    }
    Err(kept_changing())
}

/// A change made by the system (a job), not by a person: no permission check.
/// `Ok(None)` when the conversation no longer exists.
pub async fn change_as_system<F>(
    state: &AppState,
    id: &ConversationId,
    decide: F,
) -> Result<Option<Conversation>, ServiceError>
where
    F: Fn(&mut Conversation, Timestamp) -> Result<Change, ServiceError>,
{
    for _ in 0..ATTEMPTS {
        let mut reader = state.store.read().await?;
        let Some(current) = store::conversations::get(&mut reader.conn(), id).await? else {
            return Ok(None);
        };
        drop(reader);
        if let Some(done) = commit(state, None, current, &decide).await? {
            return Ok(Some(done));
        }
    }
    Err(kept_changing())
}

/// Decides on a copy of `current` and writes it with its events and jobs.
/// `Ok(None)` means someone else changed the conversation first: read again.
async fn commit<F>(
    state: &AppState,
    actor: Option<&UserId>,
    current: Conversation,
    decide: &F,
) -> Result<Option<Conversation>, ServiceError>
where
    F: Fn(&mut Conversation, Timestamp) -> Result<Change, ServiceError>,
{
    let now = state.clock.now();
    let mut next = current.clone();
    let change = decide(&mut next, now)?;
    if change.events.is_empty() {
        return Ok(Some(current));
    }
    let mut tx = state.store.begin().await?;
    let events = match store::conversations::update(
        &mut tx,
        &next,
        current.version,
        actor,
        now,
        change.events,
    )
    .await
    {
        Err(StoreError::VersionConflict) => return Ok(None),
        other => other?,
    };
    tx.commit().await?;
    state.hub.publish(events);
    next.version = current.version + 1;
    Ok(Some(next))
}

fn kept_changing() -> ServiceError {
    ServiceError::conflict("conflict", "the conversation kept changing; try again")
}

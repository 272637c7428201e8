//! Auto-assignment: the jobs that give a conversation entering the
//! Unassigned queue to a member by the inbox's policy, and that give a
//! member whose capacity freed the oldest waiting conversation (balanced).
//!
//! Each choice is one transaction that first takes the inbox's turn (locks
//! its policy row, so that nodes choosing for one inbox wait for each
//! other), reads the conversation and the members again, asks the domain
//! ([`domain::assignment::choose`]), writes the assignment conditionally on
//! the conversation's version (a person who took it meanwhile wins) and
//! moves the round-robin pointer. The event says which mode chose.

use domain::assignment::{choose, Turn};
use domain::{
    AssignmentMode, Conversation, ConversationId, EventKind, InboxId, UserId, View, WorkspaceId,
};
use store::StoreError;

use crate::services::state::AppState;
use crate::services::ServiceError;

/// How often a choice is retried when a person changed the conversation first.
const ATTEMPTS: usize = 5;

/// Gives conversation `id` to a member by its inbox's policy, if it is
/// still waiting in the Unassigned queue and someone can take it. `skip`
/// (the member who just returned it) is not chosen.
#[tracing::instrument(skip_all, fields(conversation_id = %id), err(level = "debug"))]
pub async fn assign_waiting(
    state: &AppState,
    id: &ConversationId,
    skip: Option<&UserId>,
) -> Result<(), ServiceError> {
    for _ in 0..ATTEMPTS {
        let mut tx = state.store.begin().await?;
        let Some(inbox) = store::conversations::get(&mut tx.conn(), id)
            .await?
            .map(|c| c.inbox_id)
        else {
            return Ok(());
        };
        let Some(turn) = store::assignment::take_turn(&mut tx, &inbox).await? else {
            return Ok(());
        };
        if !turn.policy.is_automatic() {
            return Ok(());
        }
        // Read again under the turn: what a person or another node did
        // before it is visible now.
        let Some(current) = store::conversations::get(&mut tx.conn(), id).await? else {
            return Ok(());
        };
        if !waiting(&current) {
            return Ok(());
        }
        let mut candidates =
            store::assignment::candidates(&mut tx.conn(), &current.workspace_id, &inbox).await?;
        candidates.retain(|c| Some(&c.user_id) != skip);
        let owner = match store::contacts::get(&mut tx.conn(), &current.contact_id).await? {
            Some(contact) => contact.owner_id,
            None => None,
        };
        let choice = choose(
            &candidates,
            Turn {
                policy: turn.policy,
                last: turn.last.as_ref(),
                contact_owner: owner.as_ref(),
            },
        );
        let Some((user, mode)) = choice else {
            return Ok(());
        };
        match give(state, tx, current, &user, mode, true).await? {
            Some(()) => return Ok(()),
            None => continue,
        }
    }
    Err(kept_changing())
}

/// `user`'s capacity in `inbox` freed (a conversation of theirs was done,
/// transferred or returned): when the inbox is balanced and they are
/// available and under the cap, they get the oldest waiting conversation
/// (not `skip`, the one they just returned).
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, user_id = %user), err(level = "debug"))]
pub async fn fill_freed_capacity(
    state: &AppState,
    workspace: &WorkspaceId,
    inbox: &InboxId,
    user: &UserId,
    skip: Option<&ConversationId>,
) -> Result<(), ServiceError> {
    for _ in 0..ATTEMPTS {
        let mut tx = state.store.begin().await?;
        let Some(turn) = store::assignment::take_turn(&mut tx, inbox).await? else {
            return Ok(());
        };
        if !turn.policy.fills_freed_capacity() {
            return Ok(());
        }
        let candidates = store::assignment::candidates(&mut tx.conn(), workspace, inbox).await?;
        let cap = turn.policy.cap.map(i64::from);
        let has_room = candidates
            .iter()
            .any(|c| &c.user_id == user && cap.is_none_or(|cap| c.open < cap));
        if !has_room {
            return Ok(());
        }
        let Some(next) =
            store::assignment::oldest_unassigned(&mut tx.conn(), workspace, inbox, skip).await?
        else {
            return Ok(());
        };
        let Some(current) = store::conversations::get(&mut tx.conn(), &next).await? else {
            return Ok(());
        };
        if !waiting(&current) {
            continue;
        }
        match give(state, tx, current, user, AssignmentMode::Balanced, false).await? {
            Some(()) => return Ok(()),
            None => continue,
        }
    }
    Err(kept_changing())
}

/// Whether a conversation sits in the Unassigned queue.
fn waiting(conversation: &Conversation) -> bool {
    conversation.assignee_id.is_none() && conversation.status.view() == View::Open
}

/// Writes the assignment in the turn's transaction, if the conversation is
/// still as read (`None`: someone changed it, choose again), moving the
/// round-robin pointer when `turn_taken`.
async fn give(
    state: &AppState,
    mut tx: store::Tx<'_>,
    current: Conversation,
    user: &UserId,
    mode: AssignmentMode,
    turn_taken: bool,
) -> Result<Option<()>, ServiceError> {
    let now = state.clock.now();
    let mut next = current.clone();
    next.assignee_id = Some(user.clone());
    // Not an agent's action: a `new` conversation stays new for its assignee.
    let event = EventKind::Assigned {
        assignee_id: user.clone(),
        auto: Some(mode),
    };
    let events =
        match store::conversations::update(&mut tx, &next, current.version, None, now, vec![event])
            .await
        {
            Err(StoreError::VersionConflict) => return Ok(None),
            other => other?,
        };
    if turn_taken && mode != AssignmentMode::ContactOwner {
        store::assignment::record_turn(&mut tx, &current.inbox_id, user).await?;
    }
    tx.commit().await?;
    state.hub.publish(events);
    tracing::debug!(conversation_id = %current.id, user_id = %user, mode = ?mode, "auto-assigned");
    Ok(Some(()))
}

fn kept_changing() -> ServiceError {
    ServiceError::conflict("conflict", "the conversation kept changing; try again")
}

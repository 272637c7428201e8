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
//!
//! Work that waited while nobody could take it is handed out at once when
//! that changes: a member comes back from away, or the inbox turns
//! automatic ([`plan_hand_out`], in the change's own transaction, then
//! [`hand_out_waiting`]).

use domain::assignment::{choose, Turn};
use domain::{
    AssignmentMode, Conversation, ConversationId, EventKind, InboxId, Timestamp, UserId, View,
    WorkspaceId,
};
use store::{StoreError, Tx};

use crate::jobs::Job;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How often a choice is retried when a person changed the conversation first.
const ATTEMPTS: usize = 5;

/// How many waiting conversations [`hand_out_waiting`] reads at a time.
const HAND_OUT_BATCH: u32 = 100;

/// Gives conversation `id` to a member by its inbox's policy, if it is
/// still waiting in the Unassigned queue and someone can take it. `skip`
/// (the member who just returned it) is not chosen.
#[tracing::instrument(skip_all, fields(conversation_id = %id), err(level = "debug"))]
pub async fn assign_waiting(
    state: &AppState,
    id: &ConversationId,
    skip: Option<&UserId>,
) -> Result<(), ServiceError> {
    assign(state, id, skip).await.map(|_| ())
}

/// What became of one waiting conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Someone has it now.
    Given,
    /// It is not waiting (any more), or its inbox is manual.
    NotWaiting,
    /// Nobody could take it (away, at the cap, or manual fallback).
    NoRoom,
}

/// [`assign_waiting`], saying what became of the conversation.
async fn assign(
    state: &AppState,
    id: &ConversationId,
    skip: Option<&UserId>,
) -> Result<Outcome, ServiceError> {
    for _ in 0..ATTEMPTS {
        let mut tx = state.store.begin().await?;
        let Some(inbox) = store::conversations::get(&mut tx.conn(), id)
            .await?
            .map(|c| c.inbox_id)
        else {
            return Ok(Outcome::NotWaiting);
        };
        let Some(turn) = store::assignment::take_turn(&mut tx, &inbox).await? else {
            return Ok(Outcome::NotWaiting);
        };
        if !turn.policy.is_automatic() {
            return Ok(Outcome::NotWaiting);
        }
        // Read again under the turn: what a person or another node did
        // before it is visible now.
        let Some(current) = store::conversations::get(&mut tx.conn(), id).await? else {
            return Ok(Outcome::NotWaiting);
        };
        if !waiting(&current) {
            return Ok(Outcome::NotWaiting);
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
            return Ok(Outcome::NoRoom);
        };
        match give(state, tx, current, &user, mode, true).await? {
            Some(()) => return Ok(Outcome::Given),
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

/// Hands the inbox's waiting conversations out by its policy, oldest first,
/// each in its own turn as [`assign_waiting`] does, until none waits or
/// nobody has room (caps and availability as for a new conversation).
/// Under contact owner a conversation nobody could take does not stop the
/// rest: the next one's owner may be free.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn hand_out_waiting(
    state: &AppState,
    workspace: &WorkspaceId,
    inbox: &InboxId,
) -> Result<(), ServiceError> {
    let per_contact = {
        let mut reader = state.store.read().await?;
        let policy = store::assignment::policy(&mut reader.conn(), inbox).await?;
        if !policy.is_automatic() {
            return Ok(());
        }
        policy.mode == AssignmentMode::ContactOwner
    };
    loop {
        let batch = {
            let mut reader = state.store.read().await?;
            store::assignment::waiting(&mut reader.conn(), workspace, inbox, HAND_OUT_BATCH).await?
        };
        let mut given = 0;
        for id in &batch {
            match assign(state, id, None).await? {
                Outcome::Given => given += 1,
                Outcome::NoRoom if !per_contact => return Ok(()),
                Outcome::NoRoom | Outcome::NotWaiting => {}
            }
        }
        // A short batch was the last; a batch of which nothing went out
        // will not go out on a second read either.
        if given == 0 || batch.len() < HAND_OUT_BATCH as usize {
            return Ok(());
        }
    }
}

/// Plans [`hand_out_waiting`] for `inbox` in `tx`, the transaction of the
/// change that may let waiting work go out; one pending job per inbox
/// however often it is asked for. The caller wakes the worker after commit.
pub async fn plan_hand_out(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    inbox: &InboxId,
    now: Timestamp,
) -> Result<(), ServiceError> {
    let job = Job::HandOutWaiting {
        workspace_id: workspace.clone(),
        inbox_id: inbox.clone(),
    };
    let new = job
        .to_new(now)
        .with_workspace(workspace.clone())
        .with_dedupe_key(format!("hand_out:{inbox}"));
    store::jobs::enqueue(tx, new).await?;
    Ok(())
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

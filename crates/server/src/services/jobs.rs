//! What the durable jobs do: the lifecycle's timers (wake a snoozed
//! conversation, close a resolved one). Delivery jobs live with the channels.

use domain::{Conversation, ConversationId, Status, Trigger};
use store::jobs::NewJob;

use super::conversations::{apply_trigger, change_as_system, Change};
use crate::error::ApiError;
use crate::state::AppState;

/// Wakes a snoozed conversation at its `snoozed_until`.
pub const WAKE_JOB: &str = "wake_conversation";

/// The jobs a conversation's new state needs: a snoozed one is woken by a
/// durable job at its time (one per conversation: a new snooze replaces it).
pub fn lifecycle_jobs(conversation: &Conversation) -> Vec<NewJob> {
    match (conversation.status, conversation.snoozed_until) {
        (Status::Snoozed, Some(until)) => vec![NewJob::new(
            WAKE_JOB,
            serde_json::json!({ "conversation_id": conversation.id }),
            until,
        )
        .with_conversation(conversation.id.clone())
        .with_dedupe_key(format!("wake:{}", conversation.id))],
        _ => Vec::new(),
    }
}

/// Runs a wake job: the conversation opens if it is still snoozed and its
/// time has come (it may have been reopened or re-snoozed since).
pub async fn wake(state: &AppState, id: &ConversationId) -> Result<(), ApiError> {
    change_as_system(state, id, |c, now| {
        let due = c.status == Status::Snoozed && c.snoozed_until.is_some_and(|t| t <= now);
        if !due {
            return Ok(Change::default());
        }
        Ok(Change {
            events: apply_trigger(c, Trigger::Wake, now, None)?
                .into_iter()
                .collect(),
            jobs: Vec::new(),
        })
    })
    .await?;
    Ok(())
}

/// Closes resolved conversations whose inbox's auto-close time has passed.
/// Returns how many were closed.
pub async fn close_resolved(state: &AppState, limit: u32) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let mut reader = state.store.read().await?;
    let due = store::conversations::due_to_close(&mut reader.conn(), now, limit).await?;
    drop(reader);
    let mut closed = 0;
    for conversation in due {
        let done = change_as_system(state, &conversation.id, |c, now| {
            Ok(Change {
                events: apply_trigger(c, Trigger::AutoClose, now, None)?
                    .into_iter()
                    .collect(),
                jobs: Vec::new(),
            })
        })
        .await?;
        closed += usize::from(done.is_some_and(|c| c.status == Status::Closed));
    }
    Ok(closed)
}

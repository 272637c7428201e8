//! What the durable jobs do: the lifecycle's timers (wake a snoozed
//! conversation, close a resolved one). Delivery jobs live with the channels.

use domain::{ConversationId, Status, Trigger};

use super::conversations::{apply_trigger, change_as_system, Change};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// Runs a wake job: the conversation opens if it is still snoozed and its
/// time has come (it may have been reopened or re-snoozed since).
pub async fn wake(state: &AppState, id: &ConversationId) -> Result<(), ServiceError> {
    change_as_system(state, id, |c, now| {
        let due = c.status == Status::Snoozed && c.snoozed_until.is_some_and(|t| t <= now);
        if !due {
            return Ok(Change::default());
        }
        Ok(Change {
            events: apply_trigger(c, Trigger::Wake, now, None)?
                .into_iter()
                .collect(),
        })
    })
    .await?;
    Ok(())
}

/// Closes resolved conversations whose inbox's auto-close time has passed.
/// Returns how many were closed.
pub async fn close_resolved(state: &AppState, limit: u32) -> Result<usize, ServiceError> {
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
            })
        })
        .await?;
        closed += usize::from(done.is_some_and(|c| c.status == Status::Closed));
    }
    Ok(closed)
}

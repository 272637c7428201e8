//! Read cursors (DESIGN.md §3, Unread): opening a conversation and reading
//! it moves the caller's cursor, or the team's in a `shared` inbox.

use domain::{Action, ConversationId};

use crate::services::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// Marks the conversation read up to now for the caller (per-user inboxes)
/// or for the whole team (shared inboxes). A cursor never moves back.
#[tracing::instrument(skip_all, fields(conversation = %id), err(level = "debug"))]
pub async fn mark_read(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let mut reader = state.store.read().await?;
    let (_, inbox) = access::conversation(&mut reader.conn(), who, id, Action::SeeInbox).await?;
    drop(reader);
    let cursor = store::cursors::reader_for(inbox.unread_mode, &who.user.id);
    let mut tx = state.store.begin().await?;
    store::cursors::mark_read(&mut tx, id, &cursor, now).await?;
    tx.commit().await?;
    Ok(())
}

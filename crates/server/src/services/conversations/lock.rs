//! The reply lock (DESIGN.md §3): taken when someone starts replying,
//! renewed while they type, released when they send or leave.

use std::time::Duration;

use domain::{Action, ConversationId};
use store::locks::Acquired;

use super::detail::{name_of, LockHolder};
use crate::services::access::{self, Principal};
use crate::services::messages::locked_by;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How long a lock holds without renewal.
pub const LOCK_LEASE: Duration = Duration::from_secs(90);

/// Takes the reply lock, or renews the caller's; 409 `conflict_locked`,
/// naming the holder, while someone else's lease is live.
#[tracing::instrument(skip_all, fields(conversation = %id), err(level = "debug"))]
pub async fn lock(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<LockHolder, ServiceError> {
    let now = state.clock.now();
    let mut reader = state.store.read().await?;
    let (conversation, _) =
        access::conversation(&mut reader.conn(), who, id, Action::Reply).await?;
    drop(reader);
    let mut tx = state.store.begin().await?;
    let (acquired, event) =
        store::locks::acquire_with_event(&mut tx, &conversation, &who.user.id, now, LOCK_LEASE)
            .await?;
    let lock = match acquired {
        Acquired::Taken(lock) | Acquired::Renewed(lock) => lock,
        Acquired::HeldBy(lock) => return Err(locked_by(&mut tx.conn(), &lock.holder_id).await?),
    };
    let name = name_of(&mut tx.conn(), &who.user.id).await?;
    tx.commit().await?;
    state.hub.publish(event);
    Ok(LockHolder {
        id: lock.holder_id,
        name,
        expires_at: lock.expires_at,
    })
}

/// Releases the caller's reply lock. Releasing a lock one does not hold
/// (never taken, expired and taken by someone else) changes nothing.
#[tracing::instrument(skip_all, fields(conversation = %id), err(level = "debug"))]
pub async fn unlock(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let mut reader = state.store.read().await?;
    let (conversation, _) =
        access::conversation(&mut reader.conn(), who, id, Action::Reply).await?;
    drop(reader);
    let mut tx = state.store.begin().await?;
    let event = store::locks::release_with_event(&mut tx, &conversation, &who.user.id, now).await?;
    tx.commit().await?;
    state.hub.publish(event);
    Ok(())
}

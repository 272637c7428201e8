//! The in-app notification centre: a member's own notifications in this
//! workspace, newest first, with how many are unread.

use store::notifications::Notification;
use store::Page;

use crate::services::access::Principal;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// One page of the caller's notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentrePage {
    /// The notifications, newest first.
    pub page: Page<Notification>,
    /// How many of all their notifications are unread.
    pub unread: i64,
}

/// The caller's notifications older than `cursor` (the last id of the
/// previous page), at most `limit`.
#[tracing::instrument(skip_all, fields(user_id = %who.user.id), err(level = "debug"))]
pub async fn list(
    state: &AppState,
    who: &Principal,
    cursor: Option<&str>,
    limit: u32,
) -> Result<CentrePage, ServiceError> {
    if let Some(raw) = cursor {
        uuid::Uuid::parse_str(raw).map_err(|_| {
            ServiceError::malformed("validation", "cursor: not a cursor of this list")
        })?;
    }
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let mut items = store::notifications::list(
        &mut conn,
        &who.workspace_id,
        &who.user.id,
        cursor,
        limit + 1,
    )
    .await?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next_cursor = more.then(|| items.last().map(|n| n.id.clone())).flatten();
    let unread = store::notifications::unread(&mut conn, &who.workspace_id, &who.user.id).await?;
    Ok(CentrePage {
        page: Page { items, next_cursor },
        unread,
    })
}

/// Marks one of the caller's notifications read; anyone else's is "not found".
#[tracing::instrument(skip_all, fields(user_id = %who.user.id, id), err(level = "debug"))]
pub async fn mark_read(state: &AppState, who: &Principal, id: &str) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    let found = store::notifications::mark_read(
        &mut tx,
        &who.workspace_id,
        &who.user.id,
        id,
        state.clock.now(),
    )
    .await?;
    if !found {
        return Err(ServiceError::not_found("no such notification"));
    }
    tx.commit().await?;
    Ok(())
}

/// Marks all the caller's notifications read. Returns how many were unread.
#[tracing::instrument(skip_all, fields(user_id = %who.user.id), err(level = "debug"))]
pub async fn mark_all_read(state: &AppState, who: &Principal) -> Result<u64, ServiceError> {
    let mut tx = state.store.begin().await?;
    let marked = store::notifications::mark_all_read(
        &mut tx,
        &who.workspace_id,
        &who.user.id,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(marked)
}

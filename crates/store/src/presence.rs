//! Presence: who is viewing a conversation right now (DESIGN.md §5, collision).
//!
//! Each viewer holds a short lease that the client renews while the page is
//! open; a viewer whose lease ran out (a closed tab, a dead node) simply stops
//! being listed, so nothing has to clean up for the list to be right.

use domain::{ConversationId, Timestamp, UserId};

use crate::{time, Conn, Result, Tx};

/// Records that `user` is viewing the conversation until `expires_at`
/// (creating or extending the lease).
#[tracing::instrument(skip_all, fields(conversation = %conversation_id, user = %user_id), err(level = "debug"))]
pub async fn touch(
    tx: &mut Tx<'_>,
    conversation_id: &ConversationId,
    user_id: &UserId,
    expires_at: Timestamp,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO presence (conversation_id, user_id, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET expires_at = excluded.expires_at",
    )
    .bind(conversation_id.as_str())
    .bind(user_id.as_str())
    .bind(time::to_millis(expires_at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Records that `user` left the conversation (closed it, navigated away).
#[tracing::instrument(skip_all, fields(conversation = %conversation_id, user = %user_id), err(level = "debug"))]
pub async fn leave(
    tx: &mut Tx<'_>,
    conversation_id: &ConversationId,
    user_id: &UserId,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM presence WHERE conversation_id = $1 AND user_id = $2",
    )
    .bind(conversation_id.as_str())
    .bind(user_id.as_str())
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Who is viewing the conversation at `now`, in id order.
#[tracing::instrument(skip_all, fields(conversation = %conversation_id), err(level = "debug"))]
pub async fn viewers(
    conn: &mut Conn<'_>,
    conversation_id: &ConversationId,
    now: Timestamp,
) -> Result<Vec<UserId>> {
    let ids: Vec<String> = crate::on_backend!(conn, c => sqlx::query_scalar(
        "SELECT user_id FROM presence WHERE conversation_id = $1 AND expires_at > $2
         ORDER BY user_id",
    )
    .bind(conversation_id.as_str())
    .bind(time::to_millis(now))
    .fetch_all(&mut **c)
    .await)?;
    Ok(ids.into_iter().map(UserId::from_trusted).collect())
}

/// Deletes every lease that ended before `now` (for a periodic job; readers
/// already ignore them). Returns how many were removed.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn purge_expired(tx: &mut Tx<'_>, now: Timestamp) -> Result<u64> {
    let removed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM presence WHERE expires_at <= $1",
    )
    .bind(time::to_millis(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(removed)
}

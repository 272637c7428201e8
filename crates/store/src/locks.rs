//! The reply lock (DESIGN.md §3): a short lease on replying to a conversation.
//!
//! The lease lives in the database so that it holds across server nodes. It
//! is taken with one atomic upsert that only succeeds when the row is absent,
//! already ours, or expired: two nodes racing for it can never both win.

use std::time::Duration;

use domain::event::NewEvent;
use domain::{Conversation, ConversationId, Event, EventKind, Timestamp, UserId};

use crate::{time, Conn, Result, StoreError, Tx};

/// A live (or just read) reply lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// The conversation it guards.
    pub conversation_id: ConversationId,
    /// Who may reply.
    pub holder_id: UserId,
    /// When the lease runs out unless renewed.
    pub expires_at: Timestamp,
}

/// What [`acquire`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquired {
    /// The caller did not hold it (free, expired or someone else's expired
    /// lease) and now does; a `Locked` event was appended.
    Taken(Lock),
    /// The caller already held a live lease; it was extended.
    Renewed(Lock),
    /// Someone else holds a live lease; nothing changed.
    HeldBy(Lock),
}

#[derive(sqlx::FromRow)]
struct LockRow {
    conversation_id: String,
    holder_id: String,
    expires_at: i64,
}

impl LockRow {
    fn into_lock(self) -> Result<Lock> {
        Ok(Lock {
            conversation_id: ConversationId::from_trusted(self.conversation_id),
            holder_id: UserId::from_trusted(self.holder_id),
            expires_at: time::from_millis(self.expires_at)?,
        })
    }
}

/// Between reading the row and upserting it, another node may release or
/// take the lock; each attempt re-reads, so a few are always enough.
const ATTEMPTS: usize = 3;

/// Takes or renews the reply lock for `user` until `now + lease`.
///
/// A lease the caller held and that is still live is renewed (no event); a
/// free or expired lock is taken and a `Locked` event is appended in the same
/// transaction; a live lease of someone else is reported as [`Acquired::HeldBy`].
pub async fn acquire(
    tx: &mut Tx<'_>,
    conversation: &Conversation,
    user_id: &UserId,
    now: Timestamp,
    lease: Duration,
) -> Result<Acquired> {
    Ok(acquire_with_event(tx, conversation, user_id, now, lease)
        .await?
        .0)
}

/// [`acquire`], also returning the `Locked` event it appended (when the lock
/// was taken), for the caller to publish after commit.
#[tracing::instrument(skip_all, fields(conversation = %conversation.id, user = %user_id), err(level = "debug"))]
pub async fn acquire_with_event(
    tx: &mut Tx<'_>,
    conversation: &Conversation,
    user_id: &UserId,
    now: Timestamp,
    lease: Duration,
) -> Result<(Acquired, Option<Event>)> {
    let now_ms = time::to_millis(now);
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    let expires_ms = now_ms.saturating_add(lease_ms);
    for _ in 0..ATTEMPTS {
        // Only tells taken from renewed; the upsert below decides who wins.
        let before = select(tx, &conversation.id).await?;
        let renewing = before
            .as_ref()
            .is_some_and(|row| row.holder_id == user_id.as_str() && row.expires_at > now_ms);
        let won: Option<LockRow> = crate::on_backend!(tx.conn(), c => sqlx::query_as(
            "INSERT INTO reply_locks (conversation_id, holder_id, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (conversation_id) DO UPDATE
                SET holder_id = excluded.holder_id, expires_at = excluded.expires_at
              WHERE reply_locks.holder_id = excluded.holder_id OR reply_locks.expires_at <= $4
             RETURNING conversation_id, holder_id, expires_at",
        )
        .bind(conversation.id.as_str())
        .bind(user_id.as_str())
        .bind(expires_ms)
        .bind(now_ms)
        .fetch_optional(&mut *c)
        .await)?;
        if let Some(row) = won {
            let lock = row.into_lock()?;
            if renewing {
                return Ok((Acquired::Renewed(lock), None));
            }
            let event = crate::events::append(
                tx,
                NewEvent {
                    workspace_id: conversation.workspace_id.clone(),
                    inbox_id: conversation.inbox_id.clone(),
                    conversation_id: conversation.id.clone(),
                    actor_id: Some(user_id.clone()),
                    kind: EventKind::Locked {
                        holder_id: user_id.clone(),
                    },
                    created_at: now,
                },
            )
            .await?;
            return Ok((Acquired::Taken(lock), Some(event)));
        }
        if let Some(row) = select(tx, &conversation.id).await? {
            return Ok((Acquired::HeldBy(row.into_lock()?), None));
        }
        // Released between the upsert and the read: try again.
    }
    Err(StoreError::VersionConflict)
}

/// Releases the lock if `user` holds it (live or expired) and appends an
/// `Unlocked` event stamped `now`. Returns whether there was such a lock;
/// someone else's lock is left alone.
pub async fn release(
    tx: &mut Tx<'_>,
    conversation: &Conversation,
    user_id: &UserId,
    now: Timestamp,
) -> Result<bool> {
    Ok(release_with_event(tx, conversation, user_id, now)
        .await?
        .is_some())
}

/// [`release`], returning the `Unlocked` event it appended (`None` when the
/// user held no lock), for the caller to publish after commit.
#[tracing::instrument(skip_all, fields(conversation = %conversation.id, user = %user_id), err(level = "debug"))]
pub async fn release_with_event(
    tx: &mut Tx<'_>,
    conversation: &Conversation,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Option<Event>> {
    let removed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM reply_locks WHERE conversation_id = $1 AND holder_id = $2",
    )
    .bind(conversation.id.as_str())
    .bind(user_id.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if removed == 0 {
        return Ok(None);
    }
    let event = crate::events::append(
        tx,
        NewEvent {
            workspace_id: conversation.workspace_id.clone(),
            inbox_id: conversation.inbox_id.clone(),
            conversation_id: conversation.id.clone(),
            actor_id: Some(user_id.clone()),
            kind: EventKind::Unlocked,
            created_at: now,
        },
    )
    .await?;
    Ok(Some(event))
}

/// The live lock on the conversation at `now`; an expired lease is no lock.
#[tracing::instrument(skip_all, fields(conversation = %conversation_id), err(level = "debug"))]
pub async fn current(
    conn: &mut Conn<'_>,
    conversation_id: &ConversationId,
    now: Timestamp,
) -> Result<Option<Lock>> {
    let row: Option<LockRow> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT conversation_id, holder_id, expires_at FROM reply_locks
         WHERE conversation_id = $1 AND expires_at > $2",
    )
    .bind(conversation_id.as_str())
    .bind(time::to_millis(now))
    .fetch_optional(&mut **c)
    .await)?;
    row.map(LockRow::into_lock).transpose()
}

/// The live lock if someone other than `user` holds it: what refuses a reply
/// with `conflict_locked`.
#[tracing::instrument(skip_all, fields(conversation = %conversation_id, user = %user_id), err(level = "debug"))]
pub async fn held_by_other(
    conn: &mut Conn<'_>,
    conversation_id: &ConversationId,
    user_id: &UserId,
    now: Timestamp,
) -> Result<Option<Lock>> {
    let row: Option<LockRow> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT conversation_id, holder_id, expires_at FROM reply_locks
         WHERE conversation_id = $1 AND expires_at > $2 AND holder_id <> $3",
    )
    .bind(conversation_id.as_str())
    .bind(time::to_millis(now))
    .bind(user_id.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(LockRow::into_lock).transpose()
}

async fn select(tx: &mut Tx<'_>, conversation_id: &ConversationId) -> Result<Option<LockRow>> {
    let row = crate::on_backend!(tx.conn(), c => sqlx::query_as(
        "SELECT conversation_id, holder_id, expires_at FROM reply_locks WHERE conversation_id = $1",
    )
    .bind(conversation_id.as_str())
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row)
}

//! Read cursors: how far a reader has read a conversation (DESIGN.md §3, Unread).
//!
//! A conversation is unread for a reader while its `last_inbound_at` is later
//! than the reader's `read_at`. In a `per_user` inbox each member has a cursor;
//! in a `shared` inbox the team shares one, stored under the reader `*`.

use domain::{ConversationId, Timestamp, UnreadMode, UserId};

use crate::{time, Conn, Result, Tx};

/// The reader word of the team's shared cursor; user ids are UUIDs, so it
/// can never collide with one.
pub(crate) const TEAM_READER: &str = "*";

/// Whose cursor is read or moved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReadCursor {
    /// One member's own cursor (`per_user` inboxes).
    User(UserId),
    /// The team's one cursor (`shared` inboxes).
    Team,
}

impl ReadCursor {
    /// The value stored in `read_cursors.reader`.
    pub fn reader(&self) -> &str {
        match self {
            ReadCursor::User(user) => user.as_str(),
            ReadCursor::Team => TEAM_READER,
        }
    }
}

/// The cursor that applies to `user` in an inbox with this unread mode.
pub fn reader_for(unread_mode: UnreadMode, user: &UserId) -> ReadCursor {
    match unread_mode {
        UnreadMode::PerUser => ReadCursor::User(user.clone()),
        UnreadMode::Shared => ReadCursor::Team,
    }
}

/// Moves the cursor forward to `at`. A cursor never moves backwards: a late
/// or replayed request with an older time leaves it where it is. Returns
/// whether the cursor moved (or was created).
#[tracing::instrument(skip_all, fields(conversation = %conversation_id, reader = reader.reader()), err(level = "debug"))]
pub async fn mark_read(
    tx: &mut Tx<'_>,
    conversation_id: &ConversationId,
    reader: &ReadCursor,
    at: Timestamp,
) -> Result<bool> {
    let moved = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO read_cursors (conversation_id, reader, read_at) VALUES ($1, $2, $3)
         ON CONFLICT (conversation_id, reader) DO UPDATE SET read_at = excluded.read_at
         WHERE read_cursors.read_at < excluded.read_at",
    )
    .bind(conversation_id.as_str())
    .bind(reader.reader())
    .bind(time::to_millis(at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(moved > 0)
}

/// Where the cursor stands; `None` when this reader never read the conversation.
#[tracing::instrument(skip_all, fields(conversation = %conversation_id, reader = reader.reader()), err(level = "debug"))]
pub async fn get(
    conn: &mut Conn<'_>,
    conversation_id: &ConversationId,
    reader: &ReadCursor,
) -> Result<Option<Timestamp>> {
    let read_at: Option<i64> = crate::on_backend!(conn, c => sqlx::query_scalar(
        "SELECT read_at FROM read_cursors WHERE conversation_id = $1 AND reader = $2",
    )
    .bind(conversation_id.as_str())
    .bind(reader.reader())
    .fetch_optional(&mut **c)
    .await)?;
    time::from_millis_opt(read_at)
}

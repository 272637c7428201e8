//! The append-only event log: every change to a conversation, in one
//! sequence per database. The timeline, the SSE stream (resumed with
//! `Last-Event-ID` = `seq`), the audit log and the reports read from here.
//!
//! Only the modules that change conversations call [`append`], inside the
//! transaction of the change, so an event exists exactly when its change does.

use domain::event::NewEvent;
use domain::{ConversationId, Event, EventKind, Id, WorkspaceId};

use crate::time::{from_millis, to_millis};
use crate::{Conn, InboxScope, Result, StoreError, Tx};

/// An `events` row as stored.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EventRow {
    pub(crate) seq: i64,
    pub(crate) workspace_id: String,
    pub(crate) inbox_id: String,
    pub(crate) conversation_id: String,
    pub(crate) actor_id: Option<String>,
    pub(crate) kind: String,
    pub(crate) data: String,
    pub(crate) created_at: i64,
}

/// A stored event read back. The `kind` column is a copy of the data's tag
/// kept for SQL filters; a row where they disagree was not written by us.
pub(crate) fn event_from_row(row: EventRow) -> Result<Event> {
    let kind: EventKind =
        serde_json::from_str(&row.data).map_err(|e| StoreError::corrupt("events.data", e))?;
    if kind.name() != row.kind {
        return Err(StoreError::corrupt(
            "events.kind",
            format!("{} but data says {}", row.kind, kind.name()),
        ));
    }
    Ok(Event {
        seq: row.seq,
        workspace_id: Id::from_trusted(row.workspace_id),
        inbox_id: Id::from_trusted(row.inbox_id),
        conversation_id: Id::from_trusted(row.conversation_id),
        actor_id: row.actor_id.map(Id::from_trusted),
        kind,
        created_at: from_millis(row.created_at)?,
    })
}

/// `$first, $first+1, …` for `n` binds: the one way this store writes an
/// `IN (…)` list, so the same SQL text serves both backends.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `items` repeated at the end up to the next power of two: an `IN (…)` list
/// of that length. A batch's lookups then use one of a few statement texts
/// (1, 2, 4, … 256 binds), which stay prepared in each connection's cache,
/// instead of one per batch size, which would push the others out.
pub(crate) fn padded<T: Copy>(items: &[T]) -> Vec<T> {
    let mut padded = items.to_vec();
    if let Some(&last) = items.last() {
        padded.resize(items.len().next_power_of_two(), last);
    }
    padded
}

/// Appends one event and returns it with its sequence number.
///
/// Changes to a conversation do not call this directly: they go through the
/// store function for that change ([`crate::conversations::update`],
/// [`crate::messages::insert`], …), which appends the events itself in the
/// same transaction. Call it only for events that change no row (a forwarded
/// call, a lock taken).
#[tracing::instrument(skip_all, fields(conversation_id = %event.conversation_id, kind = event.kind.name()), err(level = "debug"))]
pub async fn append(tx: &mut Tx<'_>, event: NewEvent) -> Result<Event> {
    let data =
        serde_json::to_string(&event.kind).map_err(|e| StoreError::corrupt("events.data", e))?;
    let seq: i64 = crate::on_backend!(tx.conn(), c => sqlx::query_scalar(
        "INSERT INTO events (workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
    )
    .bind(event.workspace_id.as_str())
    .bind(event.inbox_id.as_str())
    .bind(event.conversation_id.as_str())
    .bind(event.actor_id.as_ref().map(|a| a.as_str()))
    .bind(event.kind.name())
    .bind(&data)
    .bind(to_millis(event.created_at))
    .fetch_one(&mut *c)
    .await)?;
    // Other nodes learn of the event when this transaction commits.
    crate::notify::notify(tx, &event.workspace_id, seq).await?;
    Ok(Event {
        seq,
        workspace_id: event.workspace_id,
        inbox_id: event.inbox_id,
        conversation_id: event.conversation_id,
        actor_id: event.actor_id,
        kind: event.kind,
        created_at: event.created_at,
    })
}

/// The workspace's events after `after_seq`, in order, limited to the
/// inboxes of `scope`: what an SSE client missed since its `Last-Event-ID`.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, after_seq = after_seq), err(level = "debug"))]
pub async fn since(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    after_seq: i64,
    scope: &InboxScope,
    limit: u32,
) -> Result<Vec<Event>> {
    let inboxes: &[domain::InboxId] = match scope {
        InboxScope::All => &[],
        // An agent in no inbox sees nothing; `IN ()` is not valid SQL anyway.
        InboxScope::Only(ids) if ids.is_empty() => return Ok(Vec::new()),
        InboxScope::Only(ids) => ids,
    };
    let filter = if inboxes.is_empty() {
        String::new()
    } else {
        format!("AND inbox_id IN ({})", placeholders(4, inboxes.len()))
    };
    let sql = format!(
        "SELECT seq, workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at \
         FROM events WHERE workspace_id = $1 AND seq > $2 {filter} ORDER BY seq LIMIT $3"
    );
    let rows = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as::<_, EventRow>(&sql)
            .bind(workspace.as_str())
            .bind(after_seq)
            .bind(i64::from(limit));
        for inbox in inboxes {
            query = query.bind(inbox.as_str());
        }
        query.fetch_all(&mut **c).await
    })?;
    rows.into_iter().map(event_from_row).collect()
}

/// The workspace's latest sequence number (0 before its first event): where
/// a live stream that starts now would resume from if it fell behind.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn last_seq(conn: &mut Conn<'_>, workspace: &WorkspaceId) -> Result<i64> {
    let seq: Option<i64> = crate::on_backend!(conn, c => sqlx::query_scalar(
        "SELECT MAX(seq) FROM events WHERE workspace_id = $1",
    )
    .bind(workspace.as_str())
    .fetch_one(&mut **c)
    .await)?;
    Ok(seq.unwrap_or(0))
}

/// The event `seq`, if it exists.
#[tracing::instrument(skip_all, fields(seq), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, seq: i64) -> Result<Option<Event>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, EventRow>(
        "SELECT seq, workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at \
         FROM events WHERE seq = $1",
    )
    .bind(seq)
    .fetch_optional(&mut **c)
    .await)?;
    row.map(event_from_row).transpose()
}

/// One conversation's events after `after_seq`, in order (its history).
#[tracing::instrument(skip_all, fields(conversation_id = %conversation, after_seq = after_seq), err(level = "debug"))]
pub async fn for_conversation(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
    after_seq: i64,
    limit: u32,
) -> Result<Vec<Event>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, EventRow>(
        "SELECT seq, workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at \
         FROM events WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(conversation.as_str())
    .bind(after_seq)
    .bind(i64::from(limit))
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter().map(event_from_row).collect()
}

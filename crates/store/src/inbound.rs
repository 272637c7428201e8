//! Inbound messages written many at a time: the ingest writer's fast path.
//!
//! [`crate::messages::insert`] writes one message in three statements (the
//! message, its conversation's activity and version, its event). Each
//! statement is a round trip to the database; on SQLite that round trip
//! (a hand-off to the connection's thread and back) costs far more than the
//! statement itself, and it bounded group-committed ingest at a few thousand
//! messages a second. [`insert_many`] writes a whole batch of customer
//! messages with the same effects in three statements in all (four on
//! PostgreSQL, with the NOTIFY).
//!
//! The effects are exactly those of calling [`crate::messages::insert`] for
//! each message in order; keep the two in step.

use std::collections::HashMap;

use domain::event::NewEvent;
use domain::text::Word;
use domain::{ChannelId, Conversation, ConversationId, Event, EventKind, Message, MessageKind};

use crate::time::to_millis;
use crate::{Backend, Conn, Result, StoreError, Tx};

/// `first…first+n-1` as bind placeholders, binds given in that order.
///
/// SQLite gets anonymous `?`: it files `$N` (and `?N`) under a name, and
/// sqlx asks for every parameter's name, which SQLite finds by a linear
/// search: quadratic in a statement with hundreds of binds. PostgreSQL
/// knows only `$N`.
fn binds(backend: Backend, first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| bind(backend, i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Placeholder `i` (see [`binds`]).
fn bind(backend: Backend, i: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${i}"),
    }
}

/// One customer message to store.
#[derive(Debug, Clone, Copy)]
pub struct NewInbound<'a> {
    /// The message (kind `inbound`).
    pub message: &'a Message,
    /// The channel it came in on (its provider id is unique per channel).
    pub channel_id: &'a ChannelId,
    /// Its conversation as it was before this message: the first message of
    /// a conversation in the batch carries the version read; each further
    /// one the version after the message before it.
    pub conversation: &'a Conversation,
}

/// Stores `items` (in order) and appends their `Message` events, which are
/// returned in the same order.
///
/// [`StoreError::Duplicate`] when any provider id is already stored, and
/// [`StoreError::VersionConflict`] when any conversation changed since it
/// was read: either way part of the batch may be written, so the caller must
/// roll the transaction back (unlike [`crate::messages::insert`]).
#[tracing::instrument(skip_all, fields(messages = items.len()), err(level = "debug"))]
pub async fn insert_many(tx: &mut Tx<'_>, items: &[NewInbound<'_>]) -> Result<Vec<Event>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    if items.iter().any(|i| i.message.kind != MessageKind::Inbound) {
        return Err(StoreError::Database(sqlx::Error::InvalidArgument(
            "insert_many stores inbound messages only".into(),
        )));
    }
    let backend = tx.backend();
    insert_messages(tx, backend, items).await?;
    touch_conversations(tx, backend, items).await?;
    append_events(tx, backend, items).await
}

async fn insert_messages(
    tx: &mut Tx<'_>,
    backend: Backend,
    items: &[NewInbound<'_>],
) -> Result<()> {
    const COLUMNS: usize = 12;
    let rows: Vec<String> = (0..items.len())
        .map(|i| format!("({})", binds(backend, i * COLUMNS + 1, COLUMNS)))
        .collect();
    let sql = format!(
        "INSERT INTO messages (id, conversation_id, channel_id, kind, author_id, body, attachments, \
         delivery_status, provider_id, error_code, error_message, created_at) VALUES {} \
         ON CONFLICT (channel_id, provider_id) DO NOTHING",
        rows.join(", ")
    );
    let attachments = items
        .iter()
        .map(|i| {
            serde_json::to_string(&i.message.attachments)
                .map_err(|e| StoreError::corrupt("messages.attachments", e))
        })
        .collect::<Result<Vec<_>>>()?;
    let inserted = crate::on_backend!(tx.conn(), c => {
        // The text changes with the batch size: not worth a cached statement.
        let mut query = sqlx::query(&sql).persistent(false);
        for (item, attachments) in items.iter().zip(&attachments) {
            let m = item.message;
            query = query
                .bind(m.id.as_str())
                .bind(item.conversation.id.as_str())
                .bind(item.channel_id.as_str())
                .bind(MessageKind::Inbound.as_str())
                .bind(None::<&str>)
                .bind(m.body.as_str())
                .bind(attachments.as_str())
                .bind(None::<&str>)
                .bind(m.provider_id.as_deref())
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(to_millis(m.created_at));
        }
        query.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    if inserted != items.len() as u64 {
        return Err(StoreError::Duplicate("messages_provider_id".into()));
    }
    Ok(())
}

/// What one conversation's messages in the batch do to it.
struct Touch<'a> {
    id: &'a ConversationId,
    expected: i64,
    count: i64,
    at: i64,
    last_message: &'a str,
}

async fn touch_conversations(
    tx: &mut Tx<'_>,
    backend: Backend,
    items: &[NewInbound<'_>],
) -> Result<()> {
    let mut order: Vec<Touch<'_>> = Vec::new();
    let mut index: HashMap<&ConversationId, usize> = HashMap::new();
    for item in items {
        let at = to_millis(item.message.created_at);
        match index.get(&item.conversation.id) {
            Some(&i) => {
                let touch = &mut order[i];
                if item.conversation.version != touch.expected + touch.count {
                    return Err(StoreError::VersionConflict);
                }
                touch.count += 1;
                touch.at = touch.at.max(at);
                touch.last_message = item.message.id.as_str();
            }
            None => {
                index.insert(&item.conversation.id, order.len());
                order.push(Touch {
                    id: &item.conversation.id,
                    expected: item.conversation.version,
                    count: 1,
                    at,
                    last_message: item.message.id.as_str(),
                });
            }
        }
    }
    // A VALUES list names its columns column1… on both backends; the casts
    // in its first row type the binds on PostgreSQL.
    let rows: Vec<String> = (0..order.len())
        .map(|i| {
            if i == 0 {
                let b = |i| bind(backend, i);
                format!(
                    "(CAST({} AS TEXT), CAST({} AS BIGINT), CAST({} AS BIGINT), \
                     CAST({} AS BIGINT), CAST({} AS TEXT))",
                    b(1),
                    b(2),
                    b(3),
                    b(4),
                    b(5)
                )
            } else {
                format!("({})", binds(backend, i * 5 + 1, 5))
            }
        })
        .collect();
    // The same changes as `messages::insert`, `count` messages at a time:
    // v is (id, expected version, count, time, last message).
    let sql = format!(
        "UPDATE conversations SET \
         last_activity_at = CASE WHEN conversations.last_activity_at < v.column4 THEN v.column4 \
                            ELSE conversations.last_activity_at END, \
         last_inbound_at = CASE WHEN conversations.last_inbound_at IS NULL \
                                OR conversations.last_inbound_at < v.column4 THEN v.column4 \
                           ELSE conversations.last_inbound_at END, \
         last_message_id = v.column5, \
         inbound_version = conversations.version + v.column3, \
         version = conversations.version + v.column3 \
         FROM (VALUES {}) AS v \
         WHERE conversations.id = v.column1 AND conversations.version = v.column2",
        rows.join(", ")
    );
    let updated = crate::on_backend!(tx.conn(), c => {
        let mut query = sqlx::query(&sql).persistent(false);
        for touch in &order {
            query = query
                .bind(touch.id.as_str())
                .bind(touch.expected)
                .bind(touch.count)
                .bind(touch.at)
                .bind(touch.last_message);
        }
        query.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    if updated != order.len() as u64 {
        return Err(StoreError::VersionConflict);
    }
    Ok(())
}

async fn append_events(
    tx: &mut Tx<'_>,
    backend: Backend,
    items: &[NewInbound<'_>],
) -> Result<Vec<Event>> {
    const COLUMNS: usize = 7;
    let events: Vec<NewEvent> = items
        .iter()
        .map(|item| NewEvent {
            workspace_id: item.conversation.workspace_id.clone(),
            inbox_id: item.conversation.inbox_id.clone(),
            conversation_id: item.conversation.id.clone(),
            actor_id: None,
            kind: EventKind::Message {
                message_id: item.message.id.clone(),
                message_kind: MessageKind::Inbound,
            },
            created_at: item.message.created_at,
        })
        .collect();
    let data = events
        .iter()
        .map(|e| serde_json::to_string(&e.kind).map_err(|e| StoreError::corrupt("events.data", e)))
        .collect::<Result<Vec<_>>>()?;
    let rows: Vec<String> = (0..events.len())
        .map(|i| format!("({})", binds(backend, i * COLUMNS + 1, COLUMNS)))
        .collect();
    // Each event's data names its own message, so it tells the returned
    // rows apart whatever order the database returns them in.
    let sql = format!(
        "INSERT INTO events (workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at) \
         VALUES {} RETURNING seq, data",
        rows.join(", ")
    );
    let returned: Vec<(i64, String)> = crate::on_backend!(tx.conn(), c => {
        let mut query = sqlx::query_as(&sql).persistent(false);
        for (event, data) in events.iter().zip(&data) {
            query = query
                .bind(event.workspace_id.as_str())
                .bind(event.inbox_id.as_str())
                .bind(event.conversation_id.as_str())
                .bind(None::<&str>)
                .bind(event.kind.name())
                .bind(data.as_str())
                .bind(to_millis(event.created_at));
        }
        query.fetch_all(&mut *c).await
    })?;
    let seqs: HashMap<String, i64> = returned
        .into_iter()
        .map(|(seq, data)| (data, seq))
        .collect();
    let stored = events
        .into_iter()
        .zip(&data)
        .map(|(event, data)| {
            let seq = *seqs.get(data).ok_or_else(|| {
                StoreError::corrupt("events", "an inserted event was not returned")
            })?;
            Ok(Event {
                seq,
                workspace_id: event.workspace_id,
                inbox_id: event.inbox_id,
                conversation_id: event.conversation_id,
                actor_id: None,
                kind: event.kind,
                created_at: event.created_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    notify_all(tx, &stored).await?;
    Ok(stored)
}

/// Announces the events to the other nodes on commit, in one statement
/// (PostgreSQL only; see [`crate::notify`]).
async fn notify_all(tx: &mut Tx<'_>, events: &[Event]) -> Result<()> {
    if let Conn::Postgres(c) = tx.conn() {
        let calls: Vec<String> = (0..events.len())
            .map(|i| format!("pg_notify($1, ${})", i + 2))
            .collect();
        let sql = format!("SELECT {}", calls.join(", "));
        let mut query = sqlx::query(&sql)
            .persistent(false)
            .bind(crate::notify::CHANNEL);
        for event in events {
            query = query.bind(format!("{} {}", event.workspace_id, event.seq));
        }
        query.execute(&mut *c).await?;
    }
    Ok(())
}

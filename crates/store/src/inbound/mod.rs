//! Inbound messages written many at a time: the ingest writer's fast path.
//!
//! [`crate::messages::insert`] writes one message in three statements (the
//! message, its conversation's activity and version, its event). Each
//! statement is a round trip to the database; on SQLite that round trip
//! (a hand-off to the connection's thread and back) costs far more than the
//! statement itself, and it bounded group-committed ingest at a few thousand
//! messages a second. [`insert_many`] writes a whole batch of customer
//! messages with the same effects in three statements in all (four on
//! PostgreSQL, with the NOTIFY), and the batch's new customers and new
//! conversations in one more statement each ([`threads`]).
//!
//! The effects are exactly those of calling [`crate::contacts::create`],
//! [`crate::conversations::insert`] and [`crate::messages::insert`] for each
//! in order; keep them in step.

use std::collections::HashMap;

use domain::text::Word;
use domain::{ChannelId, Contact, Conversation, ConversationId, Event, Message, MessageKind};

use crate::time::to_millis;
use crate::{Backend, Result, StoreError, Tx};

mod events;
mod postgres;
mod threads;

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

/// The rows of a batch statement, one `VALUES` row per item.
///
/// On SQLite the list is padded with rows of NULLs up to the next power of
/// two, which the statement skips: its text is then one of a few (1, 2,
/// 4 … 256 rows), each compiled once per connection and kept in its
/// statement cache. Compiling a statement of the batch's exact size for
/// every batch took a fifth of the single writer thread's time (perf,
/// `sqlite3_prepare_v3`), and that thread is what bounds ingest on SQLite.
/// PostgreSQL gets the rows as they are, in a statement it plans each time.
struct Rows {
    /// `(…), (…), …`.
    values: String,
    /// NULLs to bind after the items' own values.
    padding: usize,
    /// Whether the statement's text is worth a cached prepared statement.
    persistent: bool,
    backend: Backend,
}

impl Rows {
    /// `items` rows of `columns` binds; `row(first)` writes the row whose
    /// first bind is number `first`.
    fn new(backend: Backend, items: usize, columns: usize, row: impl Fn(usize) -> String) -> Self {
        let rows = match backend {
            Backend::Sqlite => items.next_power_of_two(),
            Backend::Postgres => items,
        };
        Self {
            values: (0..rows)
                .map(|i| row(i * columns + 1))
                .collect::<Vec<_>>()
                .join(", "),
            padding: (rows - items) * columns,
            persistent: backend == Backend::Sqlite,
            backend,
        }
    }

    /// What an `INSERT` takes the rows from, padding skipped.
    fn source(&self) -> String {
        match self.backend {
            // The WHERE also tells SQLite's parser that a following
            // ON CONFLICT is the upsert's, not a join's.
            Backend::Sqlite => format!(
                "SELECT * FROM (VALUES {}) WHERE column1 IS NOT NULL",
                self.values
            ),
            Backend::Postgres => format!("VALUES {}", self.values),
        }
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

/// A conversation a customer's text starts, and the customer when they are
/// new too.
#[derive(Debug, Clone, Copy)]
pub struct NewThread<'a> {
    /// A contact to create first (a number the workspace has not seen).
    pub contact: Option<&'a Contact>,
    /// The new conversation, as [`Conversation::new`] makes it (no tags).
    pub conversation: &'a Conversation,
}

/// Creates the contacts and conversations of `threads`, then stores `items`
/// (in order; an item may go into a conversation of `threads`, carrying it
/// as created). Returns the events appended, in the log's order: a
/// `Created` event per thread, then a `Message` event per item.
///
/// [`StoreError::Duplicate`] when any provider id is already stored, or a
/// contact's number or a customer's open conversation was written by
/// someone else meanwhile, and [`StoreError::VersionConflict`] when any
/// conversation changed since it was read: either way part of the batch may
/// be written, so the caller must roll the transaction back (unlike
/// [`crate::messages::insert`]).
#[tracing::instrument(skip_all, fields(threads = threads.len(), messages = items.len()), err(level = "debug"))]
pub async fn insert_many(
    tx: &mut Tx<'_>,
    threads: &[NewThread<'_>],
    items: &[NewInbound<'_>],
) -> Result<Vec<Event>> {
    if items.iter().any(|i| i.message.kind != MessageKind::Inbound) {
        return Err(StoreError::Database(sqlx::Error::InvalidArgument(
            "insert_many stores inbound messages only".into(),
        )));
    }
    let backend = tx.backend();
    let contacts: Vec<&Contact> = threads.iter().filter_map(|t| t.contact).collect();
    threads::insert_contacts(tx, backend, &contacts).await?;
    let conversations: Vec<&Conversation> = threads.iter().map(|t| t.conversation).collect();
    threads::insert_conversations(tx, backend, &conversations).await?;
    let touches = touches(items)?;
    if backend == Backend::Postgres {
        return postgres::write(tx, threads, items, &touches).await;
    }
    if !items.is_empty() {
        insert_messages(tx, backend, items).await?;
        touch_conversations(tx, backend, &touches).await?;
    }
    events::append(tx, backend, threads, items).await
}

async fn insert_messages(
    tx: &mut Tx<'_>,
    backend: Backend,
    items: &[NewInbound<'_>],
) -> Result<()> {
    const COLUMNS: usize = 12;
    let rows = Rows::new(backend, items.len(), COLUMNS, |first| {
        format!("({})", binds(backend, first, COLUMNS))
    });
    let sql = format!(
        "INSERT INTO messages (id, conversation_id, channel_id, kind, author_id, body, attachments, \
         delivery_status, provider_id, error_code, error_message, created_at) {} \
         ON CONFLICT (channel_id, provider_id) DO NOTHING",
        rows.source()
    );
    let attachments = attachments_of(items)?;
    let inserted = crate::on_backend!(tx.conn(), c => {
        let mut query = sqlx::query(&sql).persistent(rows.persistent);
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
        for _ in 0..rows.padding {
            query = query.bind(None::<&str>);
        }
        query.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    if inserted != items.len() as u64 {
        return Err(StoreError::Duplicate("messages_provider_id".into()));
    }
    Ok(())
}

/// Each item's attachments as the `attachments` column holds them (JSON).
fn attachments_of(items: &[NewInbound<'_>]) -> Result<Vec<String>> {
    items
        .iter()
        .map(|i| {
            serde_json::to_string(&i.message.attachments)
                .map_err(|e| StoreError::corrupt("messages.attachments", e))
        })
        .collect()
}

/// What one conversation's messages in the batch do to it.
struct Touch<'a> {
    id: &'a ConversationId,
    expected: i64,
    count: i64,
    at: i64,
    last_message: &'a str,
}

/// What each conversation of `items` gets, in the order each first
/// appears. [`StoreError::VersionConflict`] when a conversation's items do
/// not carry its versions one after the other.
fn touches<'a>(items: &[NewInbound<'a>]) -> Result<Vec<Touch<'a>>> {
    let mut order: Vec<Touch<'a>> = Vec::new();
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
    Ok(order)
}

async fn touch_conversations(tx: &mut Tx<'_>, backend: Backend, order: &[Touch<'_>]) -> Result<()> {
    // A VALUES list names its columns column1… on both backends; the casts
    // in its first row type the binds on PostgreSQL. SQLite's padding rows
    // have no id: they match no conversation.
    let rows = Rows::new(backend, order.len(), 5, |first| {
        if first == 1 {
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
            format!("({})", binds(backend, first, 5))
        }
    });
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
        rows.values
    );
    let updated = crate::on_backend!(tx.conn(), c => {
        let mut query = sqlx::query(&sql).persistent(rows.persistent);
        for touch in order {
            query = query
                .bind(touch.id.as_str())
                .bind(touch.expected)
                .bind(touch.count)
                .bind(touch.at)
                .bind(touch.last_message);
        }
        for _ in 0..rows.padding {
            query = query.bind(None::<&str>);
        }
        query.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    if updated != order.len() as u64 {
        return Err(StoreError::VersionConflict);
    }
    Ok(())
}

//! Bulk loading for benchmarks (`switchboard bench queue`): on SQLite many
//! rows per INSERT, on PostgreSQL one `COPY` per table ([`copy`]); many
//! conversations per transaction, on one held writer.
//!
//! Rows go in as they are given (no events are derived, no checks beyond
//! the schema's), so the caller writes a consistent dataset: each
//! conversation's messages, events and read cursors with it. The queue
//! counters (migration 0016) stay exact: on SQLite their per-row triggers
//! run (measured cheap next to the full-text index the messages feed); on
//! PostgreSQL, when the role may, the load skips every trigger and foreign
//! key check (`session_replication_role = replica`) and [`Loader::finish`]
//! refills the counters with the migration's own statements.

use sqlx::{Executor, QueryBuilder};

use crate::conn::Pooled;
use crate::{HeldWriter, Result, Store};

mod copy;
mod counters;

pub use counters::counter_drift;
use counters::REFILL_COUNTERS;

/// Most bind parameters one statement takes (SQLite allows 32,766).
const MAX_BINDS: usize = 30_000;

/// A contact row. Fields are the columns of the same name (times in ms).
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub owner_id: Option<String>,
    pub created_at: i64,
}

/// A conversation row. Fields are the columns of the same name (times in ms).
#[derive(Debug, Clone)]
pub struct ConversationRow {
    pub id: String,
    pub workspace_id: String,
    pub inbox_id: String,
    pub channel_id: Option<String>,
    pub contact_id: String,
    pub status: &'static str,
    pub priority: &'static str,
    pub priority_rank: i64,
    pub assignee_id: Option<String>,
    pub snoozed_until: Option<i64>,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub last_inbound_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub last_message_id: Option<String>,
    pub inbound_version: i64,
    /// The contact's `owner_id`, as the caller gave it in its [`ContactRow`]
    /// (the `contact_owner=` list reads it from here, migration 0023).
    pub contact_owner_id: Option<String>,
}

/// A message row. Fields are the columns of the same name (times in ms).
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: String,
    pub conversation_id: String,
    pub channel_id: Option<String>,
    pub kind: &'static str,
    pub author_id: Option<String>,
    pub body: String,
    pub delivery_status: Option<&'static str>,
    pub created_at: i64,
}

/// An event row; `data` is the event kind as the log stores it (JSON).
#[derive(Debug, Clone)]
pub struct EventRow {
    pub workspace_id: String,
    pub inbox_id: String,
    pub conversation_id: String,
    pub actor_id: Option<String>,
    pub kind: &'static str,
    pub data: String,
    pub created_at: i64,
}

/// A read cursor row. Fields are the columns of the same name (times in ms).
#[derive(Debug, Clone)]
pub struct CursorRow {
    pub conversation_id: String,
    pub reader: String,
    pub read_at: i64,
}

/// One transaction's worth of rows, written parents first.
#[derive(Debug, Default)]
pub struct Batch {
    pub contacts: Vec<ContactRow>,
    pub conversations: Vec<ConversationRow>,
    /// (conversation id, tag).
    pub tags: Vec<(String, String)>,
    pub messages: Vec<MessageRow>,
    pub events: Vec<EventRow>,
    pub cursors: Vec<CursorRow>,
}

/// Writes batches on one held writer connection.
pub struct Loader {
    writer: HeldWriter,
    /// PostgreSQL: triggers are skipped, so the counters are refilled at the end.
    bypass_triggers: bool,
    /// PostgreSQL: the loaded tables' secondary indexes, dropped for the
    /// load and built again by [`Loader::finish`] (their definitions).
    deferred_indexes: Vec<String>,
}

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader")
            .field("bypass_triggers", &self.bypass_triggers)
            .field("deferred_indexes", &self.deferred_indexes.len())
            .finish()
    }
}

/// Inserts `$rows` into SQLite in statements of at most [`MAX_BINDS`]
/// parameters, binding each row's fields with `$push`.
macro_rules! insert_all {
    ($c:expr, $head:expr, $cols:expr, $rows:expr, |$b:ident, $r:ident| $push:expr) => {
        for chunk in $rows.chunks((MAX_BINDS / $cols).max(1)) {
            let mut q = QueryBuilder::<sqlx::Sqlite>::new($head);
            q.push_values(chunk, |mut $b, $r| {
                $push;
            });
            q.build().execute(&mut *$c).await?;
        }
    };
}

impl Loader {
    /// Takes the writer. On SQLite, commits stop waiting for the disk until
    /// [`Loader::finish`]: a crash mid-load loses a bench, nothing else. On
    /// PostgreSQL the loaded tables' secondary indexes are dropped until
    /// [`Loader::finish`] builds them again, so a load that fails half-way
    /// leaves a scratch database without them (drop it).
    pub async fn start(store: &Store) -> Result<Self> {
        let mut writer = store.hold_writer().await?;
        let (bypass_triggers, deferred_indexes) = match &mut writer.conn {
            Pooled::Sqlite(c) => {
                c.execute("PRAGMA synchronous = OFF").await?;
                (false, Vec::new())
            }
            Pooled::Postgres(c) => {
                let superuser: bool = sqlx::query_scalar(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
                )
                .fetch_optional(&mut **c)
                .await?
                .unwrap_or(false);
                (superuser, copy::drop_indexes(c).await?)
            }
        };
        Ok(Self {
            writer,
            bypass_triggers,
            deferred_indexes,
        })
    }

    /// Writes one batch in one transaction.
    pub async fn write(&mut self, batch: &Batch) -> Result<()> {
        let pooled = &mut self.writer.conn;
        begin(pooled, self.bypass_triggers).await?;
        match write_rows(pooled, batch).await {
            Ok(()) => finish_tx(pooled, "COMMIT").await,
            Err(e) => {
                let _ = finish_tx(pooled, "ROLLBACK").await;
                Err(e)
            }
        }
    }

    /// Refills the counters if the load skipped their triggers, restores the
    /// connection's settings and updates the planner's statistics
    /// (PostgreSQL; its autovacuum would, soon after a real load).
    pub async fn finish(mut self) -> Result<()> {
        match &mut self.writer.conn {
            Pooled::Sqlite(c) => {
                c.execute("PRAGMA synchronous = NORMAL").await?;
                // The load's INSERTs of up to MAX_BINDS parameters stay
                // compiled in the writer's statement cache otherwise, which
                // the server would go on holding and `bench queue` report as
                // its own (measured at a million conversations: 168 MB
                // anonymous once idle, 21 MB with the cache emptied).
                sqlx::Connection::clear_cached_statements(&mut **c).await?;
                c.execute("PRAGMA shrink_memory").await?;
            }
            Pooled::Postgres(c) => {
                copy::create_indexes(c, &self.deferred_indexes).await?;
                c.execute("ANALYZE").await?;
            }
        }
        if self.bypass_triggers {
            // Raw BEGIN/COMMIT like the batches' (sqlx's own transaction
            // after those lost the refill: measured, counters left empty).
            let pooled = &mut self.writer.conn;
            begin(pooled, false).await?;
            for statement in REFILL_COUNTERS {
                if let Pooled::Postgres(c) = pooled {
                    if let Err(e) = c.execute(statement).await {
                        let _ = finish_tx(pooled, "ROLLBACK").await;
                        return Err(e.into());
                    }
                }
            }
            finish_tx(pooled, "COMMIT").await?;
        }
        Ok(())
    }

    /// Whether the load skips the triggers (and [`Loader::finish`] refills the counters).
    pub fn bypasses_triggers(&self) -> bool {
        self.bypass_triggers
    }
}

/// Inserts a batch's rows, parents first, on a connection inside a transaction.
async fn write_rows(pooled: &mut Pooled, batch: &Batch) -> Result<()> {
    match pooled {
        Pooled::Sqlite(c) => insert_rows(c, batch).await,
        Pooled::Postgres(c) => copy::write_rows(c, batch).await,
    }
}

/// SQLite: multi-row INSERTs (it has no `COPY`; a prepared INSERT of many
/// rows is its fast path).
async fn insert_rows(c: &mut sqlx::SqliteConnection, batch: &Batch) -> Result<()> {
    insert_all!(c,
        "INSERT INTO contacts (id, workspace_id, name, phone, email, owner_id, created_at, updated_at) ",
        8, batch.contacts, |b, r| b
            .push_bind(r.id.clone()).push_bind(r.workspace_id.clone()).push_bind(r.name.clone())
            .push_bind(r.phone.clone()).push_bind(r.email.clone()).push_bind(r.owner_id.clone())
            .push_bind(r.created_at).push_bind(r.created_at));
    insert_all!(
        c,
        "INSERT INTO conversations (id, workspace_id, inbox_id, channel_id, contact_id, status, \
         priority, priority_rank, assignee_id, snoozed_until, created_at, last_activity_at, \
         last_inbound_at, resolved_at, last_message_id, inbound_version, contact_owner_id) ",
        17,
        batch.conversations,
        |b, r| b
            .push_bind(r.id.clone())
            .push_bind(r.workspace_id.clone())
            .push_bind(r.inbox_id.clone())
            .push_bind(r.channel_id.clone())
            .push_bind(r.contact_id.clone())
            .push_bind(r.status)
            .push_bind(r.priority)
            .push_bind(r.priority_rank)
            .push_bind(r.assignee_id.clone())
            .push_bind(r.snoozed_until)
            .push_bind(r.created_at)
            .push_bind(r.last_activity_at)
            .push_bind(r.last_inbound_at)
            .push_bind(r.resolved_at)
            .push_bind(r.last_message_id.clone())
            .push_bind(r.inbound_version)
            .push_bind(r.contact_owner_id.clone())
    );
    insert_all!(
        c,
        "INSERT INTO conversation_tags (conversation_id, tag) ",
        2,
        batch.tags,
        |b, r| b.push_bind(r.0.clone()).push_bind(r.1.clone())
    );
    insert_all!(
        c,
        "INSERT INTO messages (id, conversation_id, channel_id, kind, author_id, body, \
         delivery_status, created_at) ",
        8,
        batch.messages,
        |b, r| b
            .push_bind(r.id.clone())
            .push_bind(r.conversation_id.clone())
            .push_bind(r.channel_id.clone())
            .push_bind(r.kind)
            .push_bind(r.author_id.clone())
            .push_bind(r.body.clone())
            .push_bind(r.delivery_status)
            .push_bind(r.created_at)
    );
    insert_all!(c,
        "INSERT INTO events (workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at) ",
        7, batch.events, |b, r| b
            .push_bind(r.workspace_id.clone()).push_bind(r.inbox_id.clone())
            .push_bind(r.conversation_id.clone()).push_bind(r.actor_id.clone())
            .push_bind(r.kind).push_bind(r.data.clone()).push_bind(r.created_at));
    insert_all!(
        c,
        "INSERT INTO read_cursors (conversation_id, reader, read_at) ",
        3,
        batch.cursors,
        |b, r| b
            .push_bind(r.conversation_id.clone())
            .push_bind(r.reader.clone())
            .push_bind(r.read_at)
    );
    Ok(())
}

/// `BEGIN`; on PostgreSQL, skipping triggers and foreign key checks until
/// the commit (`SET LOCAL`) when `bypass`.
async fn begin(pooled: &mut Pooled, bypass: bool) -> Result<()> {
    match pooled {
        Pooled::Sqlite(c) => {
            c.execute("BEGIN").await?;
        }
        Pooled::Postgres(c) => {
            c.execute("BEGIN").await?;
            if bypass {
                c.execute("SET LOCAL session_replication_role = replica")
                    .await?;
            }
        }
    }
    Ok(())
}

/// `COMMIT` or `ROLLBACK`.
async fn finish_tx(pooled: &mut Pooled, sql: &'static str) -> Result<()> {
    match pooled {
        Pooled::Sqlite(c) => {
            c.execute(sql).await?;
        }
        Pooled::Postgres(c) => {
            c.execute(sql).await?;
        }
    }
    Ok(())
}

/// The size of the database in bytes (SQLite: the file and its log).
pub async fn database_bytes(store: &Store) -> Result<i64> {
    let mut reader = store.read().await?;
    Ok(match &mut reader.0 {
        Pooled::Sqlite(c) => {
            let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
                .fetch_one(&mut **c)
                .await?;
            let size: i64 = sqlx::query_scalar("PRAGMA page_size")
                .fetch_one(&mut **c)
                .await?;
            pages * size
        }
        Pooled::Postgres(c) => {
            sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(&mut **c)
                .await?
        }
    })
}

/// How many conversations and messages the database holds (a reused bench
/// database reports what it has, not what was asked).
pub async fn row_counts(store: &Store) -> Result<(i64, i64)> {
    let mut reader = store.read().await?;
    let sql = "SELECT (SELECT COUNT(*) FROM conversations), (SELECT COUNT(*) FROM messages)";
    Ok(
        crate::on_backend!(reader.conn(), c => sqlx::query_as::<_, (i64, i64)>(sql)
        .fetch_one(&mut *c)
        .await)?,
    )
}

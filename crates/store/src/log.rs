//! The event log read in order by its consumers: the reactions
//! (`reaction_cursors`), each node's live tailer and resumed SSE streams.
//!
//! A consumer keeps a [`LogPosition`] and asks for what comes after it. The
//! order is the same for every reader and nothing can ever appear before a
//! position already read, on either backend:
//!
//! - SQLite has one writer: sequence numbers are taken in commit order, so the
//!   position is the sequence number alone.
//! - On PostgreSQL a transaction can take a lower number and commit after a
//!   higher one. Each event also records its transaction id (`xid`); readers
//!   order by `(xid, seq)` and read only events below a horizon (`HORIZON`)
//!   that no transaction of this database still running lies below. Every
//!   transaction of this database still to commit has an id at or above it,
//!   so nothing can later appear below what was read. Writers pay nothing
//!   extra but an indexed column.

use domain::{Event, WorkspaceId};

use crate::events::{event_from_row, placeholders, EventRow};
use crate::time::to_millis;
use crate::{Conn, InboxScope, Result, Tx};

/// PostgreSQL's "safe to read up to" transaction id, as an SQL scalar
/// subquery (an InitPlan, computed once per statement).
///
/// It was `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction
/// running anywhere on the server; but transaction ids are server-wide, and
/// a transaction left open in another database (another test's, another
/// application's, a `psql` session) held this database's log back for as
/// long as it ran. Only a transaction connected to this database can write
/// its events, so the horizon is the oldest transaction of the statement's
/// snapshot that is not known to belong to another database, or the
/// snapshot's `xmax` when there is none.
///
/// Why no event is ever skipped. Let S be the statement's snapshot (the one
/// the events are read with) and H the horizon. Take an event of this
/// database whose transaction X commits, with X < H:
/// - X < H <= xmax(S): X had started when S was taken.
/// - X is not in S's running list: every id in it is below H unless it was
///   seen in `pg_stat_activity` as the `backend_xid` of a session connected
///   to another database; X's session is connected to this one (a session
///   never changes database, and an id belongs to one transaction), so it
///   could only have been left out by being in the list, which would put H
///   at or below X.
///
/// So X had ended before S: if it committed, S sees its events. Every
/// transaction that can still commit into this log is in S's running list
/// (at or above H) or starts later (at or above xmax(S) >= H).
/// `pg_stat_activity` is read after S was taken and may be older within a
/// transaction (it is cached per transaction): both only leave more ids in
/// the list (a transaction that ended meanwhile is no longer shown), which
/// lowers H and delays events, never skips them. A subtransaction's id, if
/// ever listed, is not a `backend_xid` either: it holds back, as before.
/// `backend_xid` is 32 bits, the list's ids 64 (`xid8`): running ids are
/// within 2^31 of each other, so the low 32 bits name one of them.
/// `datid` and `backend_xid` are shown to every role, privileged or not.
const HORIZON: &str = "(SELECT COALESCE(MIN(running.id), \
         pg_snapshot_xmax(pg_current_snapshot())) \
     FROM pg_snapshot_xip(pg_current_snapshot()) AS running(id) \
     WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity AS elsewhere \
         WHERE elsewhere.backend_xid::text::bigint = running.id::text::bigint % 4294967296 \
           AND elsewhere.datid IS DISTINCT FROM \
               (SELECT oid FROM pg_database WHERE datname = current_database())))";

/// A place in the log: everything at or before it has been read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogPosition {
    /// The writing transaction's id on PostgreSQL; always 0 on SQLite.
    pub xid: i64,
    /// The event's sequence number.
    pub seq: i64,
}

/// An event with its place in the log.
#[derive(Debug, Clone)]
pub struct LoggedEvent {
    /// Where it stands; a consumer that handled it moves its cursor here.
    pub position: LogPosition,
    /// The event.
    pub event: Event,
}

#[derive(sqlx::FromRow)]
struct LoggedRow {
    xid: i64,
    #[sqlx(flatten)]
    row: EventRow,
}

// On PostgreSQL the queries below order by `events.xid`, the stored
// `xid8`: a bare `xid` names the `bigint` the SELECT makes of it, which no
// index holds, so PostgreSQL sorted every event past the position (or, for
// the head, every event) on each read: 400-600 ms a read on a log of 1.27
// million events, 0.2-0.5 ms through the `(xid, seq)` index.
const COLUMNS: &str =
    "seq, workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at";

/// The events after `after`, in log order, at most `limit`, optionally only
/// one workspace's and within `scope`. On PostgreSQL only events below the
/// `HORIZON` are returned (see the module's note).
#[tracing::instrument(skip_all, fields(after_seq = after.seq), err(level = "debug"))]
pub async fn after(
    conn: &mut Conn<'_>,
    after: LogPosition,
    workspace: Option<&WorkspaceId>,
    scope: &InboxScope,
    limit: u32,
) -> Result<Vec<LoggedEvent>> {
    let inboxes: &[domain::InboxId] = match scope {
        InboxScope::All => &[],
        InboxScope::Only(ids) if ids.is_empty() => return Ok(Vec::new()),
        InboxScope::Only(ids) => ids,
    };
    // $1 xid, $2 seq, $3 limit, then the workspace and the inboxes.
    let mut filter = String::new();
    let mut next = 4;
    if workspace.is_some() {
        filter.push_str(&format!(" AND workspace_id = ${next}"));
        next += 1;
    }
    if !inboxes.is_empty() {
        filter.push_str(&format!(
            " AND inbox_id IN ({})",
            placeholders(next, inboxes.len())
        ));
    }
    let sql = match conn {
        Conn::Sqlite(_) => format!(
            "SELECT 0 AS xid, {COLUMNS} FROM events \
             WHERE $1 = $1 AND seq > $2{filter} ORDER BY seq LIMIT $3" // $1 (the xid, always 0) is bound on both backends
        ),
        Conn::Postgres(_) => format!(
            "SELECT xid::text::bigint AS xid, {COLUMNS} FROM events \
             WHERE (xid, seq) > ($1::bigint::text::xid8, $2) \
               AND xid < {HORIZON}{filter} \
             ORDER BY events.xid, events.seq LIMIT $3"
        ),
    };
    let rows = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as::<_, LoggedRow>(&sql)
            .bind(after.xid)
            .bind(after.seq)
            .bind(i64::from(limit));
        if let Some(workspace) = workspace {
            query = query.bind(workspace.as_str());
        }
        for inbox in inboxes {
            query = query.bind(inbox.as_str());
        }
        query.fetch_all(&mut **c).await
    })?;
    rows.into_iter()
        .map(|r| {
            let position = LogPosition {
                xid: r.xid,
                seq: r.row.seq,
            };
            Ok(LoggedEvent {
                position,
                event: event_from_row(r.row)?,
            })
        })
        .collect()
}

/// Where a stream resumed with `Last-Event-ID: seq` goes on from: the
/// position of that event, or of the last one numbered before it when it is
/// gone (deleted with its conversation); the start of the log before all.
#[tracing::instrument(skip_all, fields(seq), err(level = "debug"))]
pub async fn position_of(conn: &mut Conn<'_>, seq: i64) -> Result<LogPosition> {
    let sql = match conn {
        Conn::Sqlite(_) => {
            "SELECT 0 AS xid, seq FROM events WHERE seq <= $1 ORDER BY seq DESC LIMIT 1"
        }
        Conn::Postgres(_) => {
            "SELECT xid::text::bigint AS xid, seq FROM events WHERE seq <= $1 \
             ORDER BY seq DESC LIMIT 1"
        }
    };
    let row: Option<(i64, i64)> = crate::on_backend!(conn, c => sqlx::query_as(sql)
        .bind(seq)
        .fetch_optional(&mut **c)
        .await)?;
    Ok(row.map_or_else(LogPosition::default, |(xid, seq)| LogPosition { xid, seq }))
}

/// The position of the newest event that can be read now: a consumer that
/// starts from here handles only what comes later.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn head(conn: &mut Conn<'_>) -> Result<LogPosition> {
    let sql = match conn {
        Conn::Sqlite(_) => "SELECT 0 AS xid, seq FROM events ORDER BY seq DESC LIMIT 1".to_string(),
        Conn::Postgres(_) => format!(
            "SELECT xid::text::bigint AS xid, seq FROM events \
             WHERE xid < {HORIZON} \
             ORDER BY events.xid DESC, events.seq DESC LIMIT 1"
        ),
    };
    let row: Option<(i64, i64)> = crate::on_backend!(conn, c => sqlx::query_as(&sql)
        .fetch_optional(&mut **c)
        .await)?;
    Ok(row.map_or_else(LogPosition::default, |(xid, seq)| LogPosition { xid, seq }))
}

/// Whether events after `after` have committed but cannot be read yet
/// because an older transaction of this database is still running
/// (PostgreSQL only, see `HORIZON`): a
/// caller that must see them waits a moment and reads again.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn held_back(conn: &mut Conn<'_>, after: LogPosition) -> Result<bool> {
    match conn {
        Conn::Sqlite(_) => Ok(false),
        Conn::Postgres(c) => Ok(sqlx::query_scalar(&format!(
            "SELECT EXISTS (SELECT 1 FROM events \
               WHERE (xid, seq) > ($1::bigint::text::xid8, $2) \
                 AND xid >= {HORIZON})"
        ))
        .bind(after.xid)
        .bind(after.seq)
        .fetch_one(&mut **c)
        .await?),
    }
}

/// A reaction's hold on its cursor: which node reads for it, and how far it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionLease {
    /// Everything up to here has been turned into jobs.
    pub after: LogPosition,
}

/// Takes or renews `reaction` for `holder` until `until` when nobody else
/// holds a live lease on it; the first claim starts at `start`. `None` when
/// another node holds it.
#[tracing::instrument(skip_all, fields(reaction, holder), err(level = "debug"))]
pub async fn claim_reaction(
    tx: &mut Tx<'_>,
    reaction: &str,
    holder: &str,
    start: LogPosition,
    now: domain::Timestamp,
    until: domain::Timestamp,
) -> Result<Option<ReactionLease>> {
    let (now, until) = (to_millis(now), to_millis(until));
    let row: Option<(i64, i64)> = crate::on_backend!(tx.conn(), c => sqlx::query_as(
        "INSERT INTO reaction_cursors (reaction, after_xid, after_seq, holder, lease_until, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (reaction) DO UPDATE SET holder = excluded.holder, \
             lease_until = excluded.lease_until, updated_at = excluded.updated_at \
         WHERE reaction_cursors.holder IS NULL OR reaction_cursors.holder = excluded.holder \
            OR reaction_cursors.lease_until IS NULL OR reaction_cursors.lease_until < $6 \
         RETURNING after_xid, after_seq",
    )
    .bind(reaction)
    .bind(start.xid)
    .bind(start.seq)
    .bind(holder)
    .bind(until)
    .bind(now)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row.map(|(xid, seq)| ReactionLease {
        after: LogPosition { xid, seq },
    }))
}

/// Moves `reaction`'s cursor to `to`, in the transaction that enqueued the
/// jobs for the events up to it; only while `holder` holds it. `false` when
/// the lease was lost (another node took over): the caller rolls back.
#[tracing::instrument(skip_all, fields(reaction, seq = to.seq), err(level = "debug"))]
pub async fn advance_reaction(
    tx: &mut Tx<'_>,
    reaction: &str,
    holder: &str,
    to: LogPosition,
    now: domain::Timestamp,
) -> Result<bool> {
    let done = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE reaction_cursors SET after_xid = $1, after_seq = $2, updated_at = $3 \
         WHERE reaction = $4 AND holder = $5",
    )
    .bind(to.xid)
    .bind(to.seq)
    .bind(to_millis(now))
    .bind(reaction)
    .bind(holder)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Lets go of `reaction` so another node may take it at once (shutdown).
#[tracing::instrument(skip_all, fields(reaction, holder), err(level = "debug"))]
pub async fn release_reaction(tx: &mut Tx<'_>, reaction: &str, holder: &str) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE reaction_cursors SET holder = NULL, lease_until = NULL \
         WHERE reaction = $1 AND holder = $2",
    )
    .bind(reaction)
    .bind(holder)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

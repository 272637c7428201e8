//! The durable job queue: everything that leaves the process (an SMS, an
//! e-mail, a Slack post, a webhook) and every timer (snooze wake-ups,
//! auto-close) is a row here, written in the same transaction as the change
//! that caused it.
//!
//! Workers claim due jobs with a lease ([`claim_due`]); a worker that dies
//! leaves its jobs to be claimed again once the lease runs out, so delivery is
//! at least once. Which job kinds exist, what they do and how long to back off
//! after a failure belong to the server's worker; this module keeps the fields.

use std::time::Duration;

use domain::text::Word;
use domain::{ConversationId, Timestamp, WorkspaceId};

use crate::time::{from_millis, from_millis_opt, to_millis};
use crate::{Backend, Conn, Result, Store, StoreError, Tx};

mod enqueue;
mod listing;
pub use enqueue::{enqueue, enqueue_once};
pub use listing::{list, prune_finished};

/// Attempts a job gets unless [`NewJob::with_max_attempts`] says otherwise
/// (the column's default too).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Waiting for its `run_at`, or running under a lease.
    Pending,
    /// Done; kept for inspection.
    Done,
    /// Given up on; kept with its last error.
    Failed,
}

impl Word for JobStatus {
    const FIELD: &'static str = "job status";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Pending, "pending"),
        (Self::Done, "done"),
        (Self::Failed, "failed"),
    ];
    const EXPECTED: &'static str = "pending, done, failed";
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What to do; the server names the kinds (`send_sms`, `wake_snoozed`, …).
    pub kind: String,
    /// The job's arguments, as the kind's handler expects them.
    pub payload: serde_json::Value,
    /// The conversation it is about: deleting the conversation drops the job.
    pub conversation_id: Option<ConversationId>,
    /// The workspace it works for (its admins see it); deleting it drops the job.
    pub workspace_id: Option<WorkspaceId>,
    /// At most one job per key: enqueueing with a key replaces the job that has it.
    pub dedupe_key: Option<String>,
    /// Not before this time.
    pub run_at: Timestamp,
    /// Claims allowed before the worker should give up.
    pub max_attempts: u32,
}

impl NewJob {
    /// A job of `kind` due at `run_at`, with no conversation or dedupe key and
    /// [`DEFAULT_MAX_ATTEMPTS`].
    pub fn new(kind: impl Into<String>, payload: serde_json::Value, run_at: Timestamp) -> Self {
        Self {
            kind: kind.into(),
            payload,
            conversation_id: None,
            workspace_id: None,
            dedupe_key: None,
            run_at,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// Ties the job to a conversation (it is dropped with the conversation).
    pub fn with_conversation(mut self, id: ConversationId) -> Self {
        self.conversation_id = Some(id);
        self
    }

    /// Says whose work the job is (shown to that workspace's admins).
    pub fn with_workspace(mut self, id: WorkspaceId) -> Self {
        self.workspace_id = Some(id);
        self
    }

    /// Makes the job replace any job with the same key (`wake:{conversation}`).
    pub fn with_dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    /// Sets how many claims the job gets.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Its id (a UUIDv7).
    pub id: String,
    /// What to do.
    pub kind: String,
    /// The job's arguments.
    pub payload: serde_json::Value,
    /// The conversation it is about, if any.
    pub conversation_id: Option<ConversationId>,
    /// The workspace it works for, if any.
    pub workspace_id: Option<WorkspaceId>,
    /// Its dedupe key, if any.
    pub dedupe_key: Option<String>,
    /// Where it stands.
    pub status: JobStatus,
    /// Not before this time.
    pub run_at: Timestamp,
    /// How many times it has been claimed, the current claim included.
    pub attempts: u32,
    /// Claims allowed before the worker should give up.
    pub max_attempts: u32,
    /// While in the future, a worker holds the job; once past, anyone may claim it.
    pub locked_until: Option<Timestamp>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// When it was enqueued (or last replaced through its dedupe key).
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// How many jobs stand in each status (for `/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Waiting or running.
    pub pending: u64,
    /// Done.
    pub done: u64,
    /// Given up on.
    pub failed: u64,
}

/// A `jobs` row as stored. `attempts` and `max_attempts` are INTEGER, which
/// PostgreSQL returns as a 32-bit value.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct JobRow {
    id: String,
    kind: String,
    payload: String,
    conversation_id: Option<String>,
    workspace_id: Option<String>,
    dedupe_key: Option<String>,
    status: String,
    run_at: i64,
    attempts: i32,
    max_attempts: i32,
    locked_until: Option<i64>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;

    fn try_from(row: JobRow) -> Result<Self> {
        Ok(Job {
            payload: serde_json::from_str(&row.payload)
                .map_err(|e| StoreError::corrupt("jobs.payload", e))?,
            status: JobStatus::parse(&row.status)
                .map_err(|e| StoreError::corrupt("jobs.status", e))?,
            attempts: u32::try_from(row.attempts)
                .map_err(|e| StoreError::corrupt("jobs.attempts", e))?,
            max_attempts: u32::try_from(row.max_attempts)
                .map_err(|e| StoreError::corrupt("jobs.max_attempts", e))?,
            id: row.id,
            kind: row.kind,
            conversation_id: row.conversation_id.map(ConversationId::from_trusted),
            workspace_id: row.workspace_id.map(WorkspaceId::from_trusted),
            dedupe_key: row.dedupe_key,
            run_at: from_millis(row.run_at)?,
            locked_until: from_millis_opt(row.locked_until)?,
            last_error: row.last_error,
            created_at: from_millis(row.created_at)?,
            updated_at: from_millis(row.updated_at)?,
        })
    }
}

/// Drops the pending job with this dedupe key (a snooze cancelled before it
/// woke). Returns whether there was one; finished jobs are kept.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn cancel(tx: &mut Tx<'_>, dedupe_key: &str) -> Result<bool> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM jobs WHERE dedupe_key = $1 AND status = 'pending'",
    )
    .bind(dedupe_key)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// The claim: due, pending jobs whose lease is free or expired, oldest
/// `run_at` first, each with one more attempt and a lease until `$2`.
/// `{lock}` is the one dialect difference (see [`claim_due`]).
const CLAIM: &str = "UPDATE jobs SET attempts = attempts + 1, locked_until = $2, updated_at = $1 \
     WHERE id IN ( \
         SELECT id FROM jobs \
         WHERE status = 'pending' AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) \
         ORDER BY run_at, id LIMIT $3 {lock}) \
     RETURNING id, kind, payload, conversation_id, workspace_id, dedupe_key, status, run_at, \
               attempts, max_attempts, locked_until, last_error, created_at, updated_at";

/// Claims up to `limit` due jobs for this worker for `lease`, in a
/// transaction of its own, and returns them by `run_at`.
///
/// A job stays claimed until its lease ends; then, unless completed, retried
/// or failed, it is due again (its worker died). On PostgreSQL rows locked by
/// another node's claim are skipped (`FOR UPDATE SKIP LOCKED`), so two nodes
/// never claim the same job; SQLite's single writer already serialises claims.
#[tracing::instrument(skip_all, fields(limit = limit), err(level = "debug"))]
pub async fn claim_due(
    store: &Store,
    now: Timestamp,
    lease: Duration,
    limit: u32,
) -> Result<Vec<Job>> {
    let now_ms = to_millis(now);
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    let mut tx = store.begin().await?;
    let sql = CLAIM.replace(
        "{lock}",
        match tx.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        },
    );
    let rows = crate::on_backend!(tx.conn(), c => sqlx::query_as::<_, JobRow>(&sql)
        .bind(now_ms)
        .bind(now_ms.saturating_add(lease_ms))
        .bind(i64::from(limit))
        .fetch_all(&mut *c)
        .await)?;
    tx.commit().await?;
    let mut jobs = rows
        .into_iter()
        .map(Job::try_from)
        .collect::<Result<Vec<_>>>()?;
    // RETURNING does not promise the subquery's order.
    jobs.sort_by(|a, b| (a.run_at, &a.id).cmp(&(b.run_at, &b.id)));
    Ok(jobs)
}

/// Marks a claimed job done. Returns `false` if it is no longer pending under
/// this id (replaced through its dedupe key, cancelled, or already finished).
#[tracing::instrument(skip_all, fields(job_id = %id), err(level = "debug"))]
pub async fn complete(store: &Store, id: &str) -> Result<bool> {
    let mut tx = store.begin().await?;
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = $2 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(to_millis(chrono::Utc::now()))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(changed > 0)
}

/// Marks claimed jobs done in one transaction (a worker's batch: one commit
/// instead of one each). Returns how many were still pending under their ids.
#[tracing::instrument(skip_all, fields(jobs = ids.len()), err(level = "debug"))]
pub async fn complete_all(store: &Store, ids: &[String]) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut tx = store.begin().await?;
    let now = to_millis(chrono::Utc::now());
    let mut changed = 0;
    for id in ids {
        changed += crate::on_backend!(tx.conn(), c => sqlx::query(
            "UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = $2 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Puts a claimed job back for another attempt at `run_at` (the worker chose
/// the backoff), releasing the lease and keeping `error`. Returns `false` if it
/// is no longer pending under this id.
#[tracing::instrument(skip_all, fields(job_id = %id), err(level = "debug"))]
pub async fn retry_at(store: &Store, id: &str, error: &str, run_at: Timestamp) -> Result<bool> {
    let mut tx = store.begin().await?;
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE jobs SET run_at = $3, locked_until = NULL, last_error = $4, updated_at = $2 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(to_millis(chrono::Utc::now()))
    .bind(to_millis(run_at))
    .bind(error)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(changed > 0)
}

/// Gives up on a job for good, keeping `error`. Returns `false` if it is no
/// longer pending under this id.
#[tracing::instrument(skip_all, fields(job_id = %id), err(level = "debug"))]
pub async fn fail(store: &Store, id: &str, error: &str) -> Result<bool> {
    let mut tx = store.begin().await?;
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE jobs SET status = 'failed', locked_until = NULL, last_error = $3, updated_at = $2 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(to_millis(chrono::Utc::now()))
    .bind(error)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(changed > 0)
}

/// The job with this id.
#[tracing::instrument(skip_all, fields(job_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &str) -> Result<Option<Job>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, JobRow>(
        "SELECT id, kind, payload, conversation_id, workspace_id, dedupe_key, status, run_at, \
                attempts, max_attempts, locked_until, last_error, created_at, updated_at \
         FROM jobs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **c)
    .await)?;
    row.map(Job::try_from).transpose()
}

/// How many jobs stand in each status.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn status_counts(conn: &mut Conn<'_>) -> Result<JobCounts> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, (String, i64)>(
        "SELECT status, COUNT(*) FROM jobs GROUP BY status",
    )
    .fetch_all(&mut **c)
    .await)?;
    let mut counts = JobCounts::default();
    for (word, n) in rows {
        let n = u64::try_from(n).map_err(|e| StoreError::corrupt("count", e))?;
        match JobStatus::parse(&word).map_err(|e| StoreError::corrupt("jobs.status", e))? {
            JobStatus::Pending => counts.pending = n,
            JobStatus::Done => counts.done = n,
            JobStatus::Failed => counts.failed = n,
        }
    }
    Ok(counts)
}

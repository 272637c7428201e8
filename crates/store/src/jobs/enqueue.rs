//! Adding jobs: in the transaction of the change that calls for them, either
//! replacing the job that holds the same dedupe key or, for the reactions,
//! only once per key.

use super::NewJob;
use crate::time::to_millis;
use crate::{Result, StoreError, Tx};

/// Adds a job, pending from `run_at`; returns its id.
///
/// With a dedupe key, the job holding that key is replaced whatever its
/// status: pending again with the new payload and `run_at`, no attempts, no
/// lock, no error, and a new id, so that a worker still running the old job
/// can no longer complete, retry or fail the new one.
#[tracing::instrument(skip_all, fields(kind = %job.kind), err(level = "debug"))]
pub async fn enqueue(tx: &mut Tx<'_>, job: NewJob) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = to_millis(chrono::Utc::now());
    // The conflict target is the column of the unique index `jobs_dedupe_key`,
    // which SQLite requires; NULL keys never conflict.
    let id = crate::on_backend!(tx.conn(), c => sqlx::query_scalar::<_, String>(
        "INSERT INTO jobs (id, kind, payload, conversation_id, dedupe_key, status, run_at, \
                           attempts, max_attempts, locked_until, last_error, created_at, updated_at, \
                           workspace_id) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, 0, $7, NULL, NULL, $8, $8, $9) \
         ON CONFLICT (dedupe_key) DO UPDATE SET \
             id = excluded.id, kind = excluded.kind, payload = excluded.payload, \
             conversation_id = excluded.conversation_id, workspace_id = excluded.workspace_id, \
             status = 'pending', \
             run_at = excluded.run_at, attempts = 0, max_attempts = excluded.max_attempts, \
             locked_until = NULL, last_error = NULL, \
             created_at = excluded.created_at, updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(&id)
    .bind(&job.kind)
    .bind(job.payload.to_string())
    .bind(job.conversation_id.as_ref().map(|c| c.as_str()))
    .bind(job.dedupe_key.as_deref())
    .bind(to_millis(job.run_at))
    .bind(i32::try_from(job.max_attempts).unwrap_or(i32::MAX))
    .bind(now)
    .bind(job.workspace_id.as_ref().map(|w| w.as_str()))
    .fetch_one(&mut *c)
    .await)?;
    Ok(id)
}

/// Adds a job unless one with its dedupe key exists already, in whatever
/// status: a reaction replaying an event after a crash enqueues nothing
/// twice. Returns whether it was added. The job must have a dedupe key.
#[tracing::instrument(skip_all, fields(kind = %job.kind), err(level = "debug"))]
pub async fn enqueue_once(tx: &mut Tx<'_>, job: NewJob) -> Result<bool> {
    let Some(key) = job.dedupe_key.as_deref() else {
        return Err(StoreError::corrupt(
            "jobs.dedupe_key",
            "enqueue_once needs a key",
        ));
    };
    let id = uuid::Uuid::now_v7().to_string();
    let now = to_millis(chrono::Utc::now());
    let added = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO jobs (id, kind, payload, conversation_id, dedupe_key, status, run_at, \
                           attempts, max_attempts, locked_until, last_error, created_at, updated_at, \
                           workspace_id) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, 0, $7, NULL, NULL, $8, $8, $9) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&id)
    .bind(&job.kind)
    .bind(job.payload.to_string())
    .bind(job.conversation_id.as_ref().map(|c| c.as_str()))
    .bind(key)
    .bind(to_millis(job.run_at))
    .bind(i32::try_from(job.max_attempts).unwrap_or(i32::MAX))
    .bind(now)
    .bind(job.workspace_id.as_ref().map(|w| w.as_str()))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(added == 1)
}

//! What admins read of the job queue, and the pruning of finished jobs.

use domain::text::Word;
use domain::{Timestamp, WorkspaceId};

use super::{Job, JobRow, JobStatus};
use crate::time::to_millis;
use crate::{Conn, Result, Tx};

/// The workspace's jobs in `status`, most recently changed first, at most
/// `limit`, before the `(updated_at, id)` of the last one of the previous page.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn list(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    status: JobStatus,
    before: Option<(Timestamp, String)>,
    limit: u32,
) -> Result<Vec<Job>> {
    let (before_at, before_id) =
        before.map_or((i64::MAX, String::new()), |(at, id)| (to_millis(at), id));
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, JobRow>(
        "SELECT id, kind, payload, conversation_id, workspace_id, dedupe_key, status, run_at, \
                attempts, max_attempts, locked_until, last_error, created_at, updated_at \
         FROM jobs WHERE workspace_id = $1 AND status = $2 \
           AND (updated_at < $3 OR (updated_at = $3 AND ($4 = '' OR id < $4))) \
         ORDER BY updated_at DESC, id DESC LIMIT $5",
    )
    .bind(workspace.as_str())
    .bind(status.as_str())
    .bind(before_at)
    .bind(&before_id)
    .bind(i64::from(limit))
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter().map(Job::try_from).collect()
}

/// Deletes up to `limit` jobs that finished (done or failed) before `before`:
/// the queue keeps a recent history, not every job ever run. Returns how many.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn prune_finished(tx: &mut Tx<'_>, before: Timestamp, limit: u32) -> Result<u64> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM jobs WHERE id IN ( \
             SELECT id FROM jobs WHERE status IN ('done', 'failed') AND updated_at < $1 LIMIT $2)",
    )
    .bind(to_millis(before))
    .bind(i64::from(limit))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(deleted)
}

//! The worker that runs durable jobs: claims due jobs from the database,
//! runs each [`Job`] by its kind, and records the outcome: done, retried
//! after a while ([`JobError::Retry`]) or given up ([`JobError::Fail`]).
//!
//! Any number of nodes may run it: a claim is exclusive (`SKIP LOCKED` on
//! PostgreSQL, the single writer on SQLite) and leased, so a job whose
//! worker died is picked up again when its lease runs out.
//!
//! Jobs come from the reactions (`reactions`), which turn committed
//! events into jobs; this module only runs them.

mod deliver;
mod email;
mod failure;
mod kind;
mod notify;
mod webhook;

use std::time::Duration;

use tokio_util::sync::CancellationToken;

pub use failure::JobError;
pub use kind::Job;

use crate::services::state::AppState;
use crate::services::{self, ServiceError};

/// How many jobs one pass claims.
const BATCH: u32 = 16;
/// How often an idle worker looks for due jobs.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How often the periodic chores run (auto-close, expired sessions, pruning).
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// How long finished jobs stay visible to admins before they are pruned.
const KEEP_FINISHED: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// Which attempt of a job this is, so that a job can tell its last try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first run.
    pub number: u32,
    /// Claims allowed in all.
    pub of: u32,
}

impl Attempt {
    /// Whether a failure now is final.
    pub fn is_last(self) -> bool {
        self.number >= self.of
    }
}

/// Runs until `shutdown` resolves: passes over due jobs, sleeping when idle.
pub async fn run(state: AppState, shutdown: CancellationToken) {
    let mut last_sweep = std::time::Instant::now() - SWEEP_EVERY;
    loop {
        if last_sweep.elapsed() >= SWEEP_EVERY {
            last_sweep = std::time::Instant::now();
            if let Err(error) = sweep(&state).await {
                tracing::warn!(%error, "periodic sweep failed");
            }
        }
        let worked = match run_claimed(&state).await {
            Ok(n) => n,
            Err(error) => {
                tracing::warn!(%error, "job pass failed");
                0
            }
        };
        if worked == 0 {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = state.jobs_enqueued.notified() => {}
                () = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
        if shutdown.is_cancelled() {
            return;
        }
    }
}

/// Claims the jobs due now and runs them. Returns how many ran. Tests and
/// one-shot commands call it through `reactions::run_due`, which first
/// turns every committed event into its jobs.
pub async fn run_claimed(state: &AppState) -> Result<usize, ServiceError> {
    let now = state.clock.now();
    // How long a claimed job is ours before another worker may take it.
    let lease = Duration::from_secs(state.settings.lease_secs);
    let jobs = store::jobs::claim_due(&state.store, now, lease, BATCH).await?;
    let count = jobs.len();
    // Successes are recorded together at the end of the batch: one commit
    // instead of one per job through SQLite's single writer, which the
    // inbound texts need. A node dying meanwhile runs those jobs again after
    // their lease, as it would the one in hand; jobs are written for that.
    let mut done = Vec::with_capacity(count);
    for stored in jobs {
        let attempt = Attempt {
            number: stored.attempts,
            of: stored.max_attempts,
        };
        let outcome = match Job::from_stored(&stored) {
            Ok(job) => job.run(state, attempt).await,
            Err(error) => Err(error),
        };
        match outcome {
            Ok(()) => done.push(stored.id),
            Err(error) => record_failure(state, &stored, attempt, error).await?,
        }
    }
    store::jobs::complete_all(&state.store, &done).await?;
    Ok(count)
}

/// The periodic chores that are not per-conversation jobs (auto-close,
/// expired sessions and presence, finished jobs, unsent uploads).
pub async fn sweep(state: &AppState) -> Result<(), ServiceError> {
    let closed = services::jobs::close_resolved(state, 500).await?;
    if closed > 0 {
        tracing::info!(closed, "closed resolved conversations");
    }
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    store::sessions::delete_expired(&mut tx, now).await?;
    store::presence::purge_expired(&mut tx, now).await?;
    let pruned = store::jobs::prune_finished(&mut tx, now - KEEP_FINISHED, 5_000).await?;
    let unsent =
        store::media::prune_unsent(&mut tx, now - services::media::KEEP_UNSENT, 500).await?;
    tx.commit().await?;
    if pruned > 0 {
        tracing::debug!(pruned, "pruned finished jobs");
    }
    if unsent > 0 {
        tracing::debug!(unsent, "deleted uploads no message carries");
    }
    Ok(())
}

/// Records a run that did not finish: tried again later, or given up.
async fn record_failure(
    state: &AppState,
    stored: &store::jobs::Job,
    attempt: Attempt,
    error: JobError,
) -> Result<(), ServiceError> {
    match error {
        JobError::Retry { after, reason } if !attempt.is_last() => {
            let wait = after.map_or_else(
                || backoff(attempt.number),
                |after| chrono::TimeDelta::from_std(after).unwrap_or(chrono::TimeDelta::MAX),
            );
            tracing::info!(job = %stored.id, kind = %stored.kind, attempt = attempt.number, %reason, "job failed; will retry");
            store::jobs::retry_at(&state.store, &stored.id, &reason, state.clock.now() + wait)
                .await?;
        }
        JobError::Retry { reason, .. } | JobError::Fail(reason) => {
            // Admins see it in the jobs list; the operator need not act.
            tracing::warn!(job = %stored.id, kind = %stored.kind, %reason, "job failed for good");
            store::jobs::fail(&state.store, &stored.id, &reason).await?;
        }
    }
    Ok(())
}

/// Exponential backoff: 5 s, 10 s, 20 s … capped at one hour.
fn backoff(attempts: u32) -> chrono::TimeDelta {
    let exponent = attempts.clamp(1, 10) - 1;
    let secs = 5_i64
        .saturating_mul(2_i64.saturating_pow(exponent))
        .min(3600);
    chrono::TimeDelta::seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::{backoff, Attempt};

    #[test]
    fn backoff_doubles_and_stops_at_an_hour() {
        assert_eq!(backoff(1).num_seconds(), 5);
        assert_eq!(backoff(2).num_seconds(), 10);
        assert_eq!(backoff(5).num_seconds(), 80);
        assert_eq!(backoff(30).num_seconds(), 2560);
        assert!(backoff(30).num_seconds() <= 3600);
    }

    #[test]
    fn the_last_attempt_is_the_one_that_uses_up_the_claims() {
        assert!(!Attempt { number: 1, of: 3 }.is_last());
        assert!(Attempt { number: 3, of: 3 }.is_last());
    }
}

//! The worker that runs durable jobs: claims due jobs from the database,
//! runs each by kind, and records the outcome with backoff on failure.
//!
//! Any number of nodes may run it: a claim is exclusive (`SKIP LOCKED` on
//! PostgreSQL, the single writer on SQLite) and leased, so a job whose
//! worker died is picked up again when its lease runs out.

mod deliver;

use std::time::Duration;

use domain::ConversationId;
use serde::Deserialize;
use store::jobs::Job;
use tokio_util::sync::CancellationToken;

use crate::error::ApiError;
use crate::services;
use crate::state::AppState;

/// How long a claimed job is ours before another worker may take it.
const LEASE: Duration = Duration::from_secs(120);
/// How many jobs one pass claims.
const BATCH: u32 = 16;
/// How often an idle worker looks for due jobs.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// How often resolved conversations are checked for auto-close.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

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
        let worked = match run_due(&state).await {
            Ok(n) => n,
            Err(error) => {
                tracing::warn!(%error, "job pass failed");
                0
            }
        };
        if worked == 0 {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
        if shutdown.is_cancelled() {
            return;
        }
    }
}

/// One pass: claims the jobs due now and runs them. Returns how many ran.
/// Tests call this to step the queue without a background task.
pub async fn run_due(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let jobs = store::jobs::claim_due(&state.store, now, LEASE, BATCH).await?;
    let count = jobs.len();
    for job in jobs {
        let outcome = run_one(state, &job).await;
        record(state, &job, outcome).await?;
    }
    Ok(count)
}

/// The periodic chores that are not per-conversation jobs.
pub async fn sweep(state: &AppState) -> Result<(), ApiError> {
    let closed = services::jobs::close_resolved(state, 500).await?;
    if closed > 0 {
        tracing::info!(closed, "closed resolved conversations");
    }
    let mut tx = state.store.begin().await?;
    store::sessions::delete_expired(&mut tx, state.clock.now()).await?;
    store::presence::purge_expired(&mut tx, state.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Why a job did not succeed.
#[derive(Debug)]
pub enum JobFailure {
    /// Worth trying again later (a timeout, a 5xx, a 429).
    Transient(String),
    /// Will never succeed (a 4xx, a malformed payload).
    Permanent(String),
}

async fn run_one(state: &AppState, job: &Job) -> Result<(), JobFailure> {
    match job.kind.as_str() {
        services::jobs::WAKE_JOB => {
            let payload: ConversationPayload = parse(job)?;
            services::jobs::wake(state, &payload.conversation_id)
                .await
                .map_err(|e| JobFailure::Transient(e.to_string()))
        }
        services::messages::DELIVER_JOB => deliver::run(state, job).await,
        other => Err(JobFailure::Permanent(format!("unknown job kind {other:?}"))),
    }
}

#[derive(Deserialize)]
struct ConversationPayload {
    conversation_id: ConversationId,
}

/// Reads a job's payload; one that does not parse never will.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T, JobFailure> {
    serde_json::from_value(job.payload.clone())
        .map_err(|e| JobFailure::Permanent(format!("bad payload: {e}")))
}

async fn record(
    state: &AppState,
    job: &Job,
    outcome: Result<(), JobFailure>,
) -> Result<(), ApiError> {
    match outcome {
        Ok(()) => {
            store::jobs::complete(&state.store, &job.id).await?;
        }
        Err(JobFailure::Transient(error)) if job.attempts < job.max_attempts => {
            let retry_at = state.clock.now() + backoff(job.attempts);
            tracing::warn!(job = %job.id, kind = %job.kind, attempts = job.attempts, %error, "job failed; will retry");
            store::jobs::retry_at(&state.store, &job.id, &error, retry_at).await?;
        }
        Err(JobFailure::Transient(error) | JobFailure::Permanent(error)) => {
            tracing::error!(job = %job.id, kind = %job.kind, %error, "job failed for good");
            store::jobs::fail(&state.store, &job.id, &error).await?;
        }
    }
    Ok(())
}

/// Exponential backoff: 5 s, 10 s, 20 s … capped at one hour.
fn backoff(attempts: u32) -> chrono::Duration {
    let exponent = attempts.clamp(1, 10) - 1;
    let secs = 5_i64
        .saturating_mul(2_i64.saturating_pow(exponent))
        .min(3600);
    chrono::Duration::seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_and_stops_at_an_hour() {
        assert_eq!(backoff(1).num_seconds(), 5);
        assert_eq!(backoff(2).num_seconds(), 10);
        assert_eq!(backoff(5).num_seconds(), 80);
        assert_eq!(backoff(30).num_seconds(), 2560);
        assert!(backoff(30).num_seconds() <= 3600);
    }
}

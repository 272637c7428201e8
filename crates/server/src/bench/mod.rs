//! `switchboard bench ingest`: how many signed Twilio webhooks one node
//! stores per second, and how long each waits for its answer.
//!
//! The bench starts a real [`App`] on port 0 over a fresh database, gives it
//! a workspace, an inbox and a Twilio channel, then posts N signed inbound
//! webhooks over loopback HTTP from C concurrent connections, as Twilio
//! would. Afterwards it reads every conversation back from the database and
//! checks that each acknowledged `MessageSid` is stored exactly once.
//!
//! `switchboard bench queue` ([`queue`]) times the queue's reads and a few
//! actions over a large loaded database.

mod load;
mod notify;
pub mod queue;
mod verify;

use std::fmt;
use std::time::Duration;

use store::{Store, StoreError};

use crate::config::Settings;
use crate::services::ServiceError;
use crate::startup::{App, StartupError};

pub use load::Fixture;

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOptions {
    /// How many webhooks to send.
    pub messages: usize,
    /// How many connections send at once.
    pub concurrency: usize,
    /// How many distinct customers text in (conversations are reused).
    pub contacts: usize,
    /// Where to store: `None` for a new SQLite file in a temporary directory,
    /// else an empty database (for PostgreSQL, one created for the bench).
    pub database_url: Option<String>,
    /// Run the reactions and the job worker during the load, as a real node does.
    pub jobs: bool,
    /// Also notify a Slack channel (a local stand-in) of every inbound
    /// message, throttled as usual; implies `jobs`.
    pub notify_slack: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        Self {
            messages: 20_000,
            concurrency: 64,
            contacts: 500,
            database_url: None,
            jobs: false,
            notify_slack: false,
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IngestReport {
    /// Webhooks sent.
    pub messages: usize,
    /// Seconds from the first request to the last answer.
    pub seconds: f64,
    /// Acknowledged webhooks per second.
    pub msgs_per_sec: f64,
    /// Median latency of one webhook, in milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency.
    pub p99_ms: f64,
    /// Acknowledged (`200` with `<Response/>`) but not found in the database.
    pub lost: usize,
    /// Stored more than once.
    pub duplicated: usize,
    /// 90th percentile latency.
    pub p90_ms: f64,
    /// The slowest webhook.
    pub max_ms: f64,
    /// Webhooks that were not acknowledged (an error answer or no answer).
    pub failed: usize,
    /// Concurrent connections.
    pub concurrency: usize,
    /// Distinct senders.
    pub contacts: usize,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Flushes of the database log during the load (SQLite: fsyncs;
    /// PostgreSQL: flushing transactions): each made every commit before it
    /// durable, so far fewer than messages.
    pub fsyncs: u64,
    /// Whether the reactions and the job worker ran during the load.
    pub jobs: bool,
    /// Slack messages posted during the run (`--notify-slack`).
    pub slack_posts: usize,
}

impl IngestReport {
    /// The report as one line of JSON (the last line the CLI prints).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl fmt::Display for IngestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} webhooks, {} connections, {} senders, on {}",
            self.messages, self.concurrency, self.contacts, self.backend
        )?;
        writeln!(
            f,
            "throughput: {:.0} msg/s ({:.2} s)",
            self.msgs_per_sec, self.seconds
        )?;
        writeln!(
            f,
            "latency: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.p50_ms, self.p90_ms, self.p99_ms, self.max_ms
        )?;
        writeln!(
            f,
            "check: {} not acknowledged, {} lost, {} duplicated ({} fsyncs)",
            self.failed, self.lost, self.duplicated, self.fsyncs
        )?;
        write!(
            f,
            "jobs: {}; Slack messages posted: {}",
            if self.jobs { "running" } else { "off" },
            self.slack_posts
        )
    }
}

/// Why a bench could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The options make no sense.
    #[error("{0}")]
    Options(&'static str),
    /// The temporary directory could not be made.
    #[error("cannot create a temporary directory")]
    TempDir(#[source] std::io::Error),
    /// The app did not start.
    #[error("cannot start the server")]
    Startup(#[from] StartupError),
    /// The database failed.
    #[error("database error")]
    Store(#[from] StoreError),
    /// The local Slack could not start.
    #[error("cannot start the local Slack: {0}")]
    Slack(String),
    /// A service refused the setup.
    #[error("cannot set up the bench data")]
    Setup(#[from] ServiceError),
    /// A call to the API failed or answered an error.
    #[error("API call failed: {0}")]
    Http(String),
}

/// The database a bench runs on: `url` when given, else a new SQLite file
/// named `file` in a directory of its own, returned to be removed afterwards.
pub(crate) fn database(
    url: Option<&str>,
    file: &str,
) -> Result<(String, Option<std::path::PathBuf>), BenchError> {
    if let Some(url) = url {
        return Ok((url.to_string(), None));
    }
    let dir = std::env::temp_dir().join(format!("switchboard-bench-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).map_err(BenchError::TempDir)?;
    Ok((format!("sqlite://{}", dir.join(file).display()), Some(dir)))
}

/// Runs the bench on the database the options name (a new SQLite file by
/// default, removed afterwards).
pub async fn ingest(options: IngestOptions) -> Result<IngestReport, BenchError> {
    check(&options)?;
    let (url, temp_dir) = database(options.database_url.as_deref(), "bench.db")?;
    let store = Store::connect(&url).await?;
    let report = ingest_on(store, &options).await;
    if let Some(dir) = temp_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    report
}

/// Runs the bench over `store` (migrated here; tests pass a fresh one).
pub async fn ingest_on(store: Store, options: &IngestOptions) -> Result<IngestReport, BenchError> {
    check(options)?;
    let backend = store.backend().name();
    let slack = match options.notify_slack {
        true => Some(notify::local_slack().await?),
        false => None,
    };
    let mut settings = Settings {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        // Rewritten to the bound port by `App::build_with_store`: the
        // webhooks are signed over this address.
        public_url: "http://127.0.0.1:0".to_string(),
        run_jobs: options.jobs || options.notify_slack,
        ..Settings::default()
    };
    if let Some(slack) = &slack {
        settings.slack_api_base = slack.api_base.clone();
    }
    let app = App::build_with_store(settings, store.clone()).await?;
    let state = app.state().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let outcome = async {
        let fixture = Fixture::create(&state, options.contacts).await?;
        if slack.is_some() {
            notify::notify_slack(&state, &fixture).await?;
        }
        let fsyncs_before = state.store.log_flushes();
        let run = load::run(&state, &fixture, options).await?;
        let fsyncs = state.store.log_flushes() - fsyncs_before;
        let stored = verify::count(&state, &fixture).await?;
        if slack.is_some() {
            // After the clock stopped: let the notifications still queued
            // go out, so that the count below is the whole run's.
            for _ in 0..100 {
                if crate::reactions::run_due(&state).await? == 0 {
                    break;
                }
            }
        }
        Ok::<_, BenchError>((run, stored, fsyncs))
    }
    .await;
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(30), server).await;
    let (run, stored, fsyncs) = outcome?;
    let (lost, duplicated) = stored.compare(&run.acknowledged);
    let mut latencies = run.latencies;
    latencies.sort_unstable();
    let seconds = run.elapsed.as_secs_f64();
    Ok(IngestReport {
        messages: options.messages,
        seconds,
        msgs_per_sec: if seconds > 0.0 {
            run.acknowledged.len() as f64 / seconds
        } else {
            0.0
        },
        p50_ms: percentile(&latencies, 50.0),
        p99_ms: percentile(&latencies, 99.0),
        lost,
        duplicated,
        p90_ms: percentile(&latencies, 90.0),
        max_ms: latencies.last().map_or(0.0, millis),
        failed: options.messages - run.acknowledged.len(),
        concurrency: options.concurrency,
        contacts: options.contacts,
        backend,
        fsyncs,
        jobs: options.jobs || options.notify_slack,
        slack_posts: slack.map_or(0, |s| s.messages().len()),
    })
}

fn check(options: &IngestOptions) -> Result<(), BenchError> {
    if options.messages == 0 {
        return Err(BenchError::Options("--messages must be at least 1"));
    }
    if options.concurrency == 0 || options.concurrency > 4096 {
        return Err(BenchError::Options("--concurrency must be 1 to 4096"));
    }
    if options.contacts == 0 || options.contacts > load::MAX_CONTACTS {
        return Err(BenchError::Options("--contacts must be 1 to 90000"));
    }
    Ok(())
}

/// The nearest-rank percentile of sorted latencies, in milliseconds.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    millis(&sorted[rank.clamp(1, sorted.len()) - 1])
}

fn millis(d: &Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), 50.0);
        assert_eq!(percentile(&sorted, 99.0), 99.0);
        assert_eq!(percentile(&sorted, 100.0), 100.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn the_json_line_starts_with_the_keys_scripts_read() {
        let report = IngestReport {
            messages: 1,
            seconds: 1.0,
            msgs_per_sec: 1.0,
            p50_ms: 1.0,
            p99_ms: 1.0,
            lost: 0,
            duplicated: 0,
            p90_ms: 1.0,
            max_ms: 1.0,
            failed: 0,
            concurrency: 1,
            contacts: 1,
            backend: "sqlite",
            fsyncs: 10,
            jobs: false,
            slack_posts: 0,
        };
        assert!(report
            .to_json()
            .starts_with(r#"{"messages":1,"seconds":1.0,"msgs_per_sec":1.0,"p50_ms":1.0,"p99_ms":1.0,"lost":0,"duplicated":0,"#));
    }
}

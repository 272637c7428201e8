//! `switchboard bench queue` (issue 12): how fast the queue answers on a
//! large, realistic database.
//!
//! The bench loads a dataset in bulk (see [`dataset`]), starts a real
//! [`App`] on port 0 over it, signs in as an admin and as an agent, and
//! times each figure over loopback HTTP: a few warm-up calls, then `runs`
//! timed ones, reported as p50 and p99. With `--reuse` it times a database
//! an earlier run loaded (and kept), so a big dataset is built once.

mod client;
mod dataset;
mod figures;
mod memory;
mod report;
mod team;
mod words;

use std::time::Duration;

use store::Store;

use super::{percentile, BenchError};
use crate::config::Settings;
use crate::startup::App;
use client::Client;
use figures::Who;

pub use memory::Memory;
pub use report::{FigureResult, QueueReport};

/// Calls made before the timed ones, to warm the caches.
const WARM_UP: usize = 3;

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueOptions {
    /// Conversations to load.
    pub conversations: usize,
    /// Messages to load, in all (about: each conversation draws its count).
    pub messages: usize,
    /// Where: `None` for a new SQLite file in a temporary directory; for
    /// PostgreSQL, a scratch database made for the bench.
    pub database_url: Option<String>,
    /// Time the database as it is, loaded by an earlier run.
    pub reuse: bool,
    /// Keep the temporary SQLite file (its path is printed) for `--reuse`.
    pub keep: bool,
    /// Timed calls per figure.
    pub runs: usize,
    /// How long the server is left idle after the figures before its memory
    /// is read (`None`: not read; tests skip the wait).
    pub idle: Option<Duration>,
}

impl Default for QueueOptions {
    fn default() -> Self {
        Self {
            conversations: 100_000,
            messages: 1_000_000,
            database_url: None,
            reuse: false,
            keep: false,
            runs: 30,
            idle: Some(memory::IDLE),
        }
    }
}

/// Runs the bench on the database the options name.
pub async fn queue(options: QueueOptions) -> Result<QueueReport, BenchError> {
    check(&options)?;
    let (url, temp_dir) = super::database(options.database_url.as_deref(), "queue.db")?;
    let store = Store::connect(&url).await?;
    let mut report = queue_on(store.clone(), &options).await;
    store.close().await;
    if let Some(dir) = temp_dir {
        if options.keep {
            if let Ok(report) = &mut report {
                report.kept = Some(url);
            }
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    report
}

/// Runs the bench over `store` (migrated here; tests pass a fresh one).
pub async fn queue_on(store: Store, options: &QueueOptions) -> Result<QueueReport, BenchError> {
    check(options)?;
    let settings = Settings {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        public_url: "http://127.0.0.1:0".to_string(),
        run_jobs: false,
        ..Settings::default()
    };
    let app = App::build_with_store(settings, store.clone()).await?;
    let state = app.state().clone();
    let base = format!("http://{}", app.address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let outcome = async {
        let email = domain::EmailAddress::parse(team::ADMIN_EMAIL)
            .map_err(|_| BenchError::Options("the admin's address does not parse"))?;
        let mut reader = store.read().await?;
        let loaded_before = store::users::by_email(&mut reader.conn(), &email)
            .await?
            .is_some();
        drop(reader);
        let loaded = match (options.reuse, loaded_before) {
            (true, false) => {
                return Err(BenchError::Options(
                    "--reuse: this database holds no bench data; run once without --reuse",
                ))
            }
            (false, true) => {
                return Err(BenchError::Options(
                    "this database already holds bench data: add --reuse, or use an empty database",
                ))
            }
            (true, true) => None,
            (false, false) => {
                let team = team::create(&state).await?;
                Some(dataset::load(&state, &team, options.conversations, options.messages).await?)
            }
        };
        let (conversations, messages) = store::bulk::row_counts(&store).await?;
        let db_bytes = store::bulk::database_bytes(&store).await?;
        let admin = Client::sign_in(&base, team::ADMIN_EMAIL, team::PASSWORD).await?;
        let agent = Client::sign_in(&base, team::AGENT_EMAIL, team::PASSWORD).await?;
        let calls = WARM_UP.min(options.runs) + options.runs;
        let plan = figures::plan(&admin, &agent, calls).await?;
        let mut results = Vec::with_capacity(plan.len());
        for figure in &plan {
            let client = match figure.who {
                Who::Admin => &admin,
                Who::Agent => &agent,
            };
            let mut times = Vec::with_capacity(options.runs);
            for i in 0..calls {
                let took = client.time(&figure.calls[i % figure.calls.len()]).await?;
                if i >= calls - options.runs {
                    times.push(took);
                }
            }
            times.sort_unstable();
            results.push(FigureResult {
                name: figure.name.clone(),
                p50_ms: percentile(&times, 50.0),
                p99_ms: percentile(&times, 99.0),
                goal_ms: figure.goal_ms,
            });
        }
        let counter_drift = store::bulk::counter_drift(&store).await?;
        let memory = match options.idle {
            Some(idle) => memory::after_idle(idle).await,
            None => None,
        };
        Ok::<_, BenchError>(QueueReport {
            backend: store.backend().name(),
            conversations,
            messages,
            loaded: loaded.map(|l| report::Load {
                seconds: l.elapsed.as_secs_f64(),
                events: l.events,
                contacts: l.contacts,
            }),
            db_bytes,
            runs: options.runs,
            figures: results,
            kept: None,
            counter_drift,
            memory,
        })
    }
    .await;
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(30), server).await;
    outcome
}

fn check(options: &QueueOptions) -> Result<(), BenchError> {
    if !options.reuse && (options.conversations == 0 || options.conversations > 50_000_000) {
        return Err(BenchError::Options("--conversations must be 1 to 50000000"));
    }
    if !options.reuse && options.messages < options.conversations {
        return Err(BenchError::Options(
            "--messages must be at least --conversations (one each)",
        ));
    }
    if options.runs == 0 || options.runs > 150 {
        return Err(BenchError::Options("--runs must be 1 to 150"));
    }
    if options.reuse && options.database_url.is_none() {
        return Err(BenchError::Options(
            "--reuse needs --database-url (a database an earlier run kept)",
        ));
    }
    Ok(())
}

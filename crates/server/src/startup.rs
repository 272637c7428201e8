//! Start-up: [`App::build`] connects the store, migrates it, binds the listener
//! and builds the router; [`App::run_until_stopped`] serves until told to stop.
//! `switchboard serve` and every integration test go through here.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::time::Duration;

use store::{Store, StoreError};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::services::state::AppState;
use crate::{http, jobs, reactions};

/// Why the server could not start. The message says which step failed; the
/// source (the store's or the OS's error) says why, and names the URL or
/// address. Print the whole chain (`{:#}` with anyhow).
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database URL is wrong or the database cannot be reached.
    #[error("cannot open the database")]
    Connect(#[source] StoreError),
    /// The migrations failed.
    #[error("cannot migrate the database")]
    Migrate(#[source] StoreError),
    /// The listen address is taken or not ours.
    #[error("cannot listen on {address}")]
    Bind {
        /// The address from the settings.
        address: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The server stopped on an I/O error.
    #[error("the server stopped")]
    Serve(#[source] std::io::Error),
}

/// A built server: bound, migrated, ready to [`run`](App::run_until_stopped).
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    address: SocketAddr,
    /// `metrics_listen`'s listener and the address it got, when set.
    metrics: Option<(TcpListener, SocketAddr)>,
    state: AppState,
}

impl App {
    /// Connects to `settings.database_url`, migrates, and binds `settings.listen`.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let store = connect(&settings).await?;
        Self::build_with_store(settings, store).await
    }

    /// Like [`App::build`] with a store already connected (tests pass a fresh one).
    pub async fn build_with_store(
        mut settings: Settings,
        store: Store,
    ) -> Result<Self, StartupError> {
        store.migrate().await.map_err(StartupError::Migrate)?;
        let listener =
            TcpListener::bind(settings.listen)
                .await
                .map_err(|source| StartupError::Bind {
                    address: settings.listen,
                    source,
                })?;
        // With port 0 the OS picks the port; report the one we got.
        let address = listener.local_addr().map_err(|source| StartupError::Bind {
            address: settings.listen,
            source,
        })?;
        // A public URL derived from `listen` on port 0 names no reachable port;
        // now that the OS has picked one, use it.
        if settings.listen.port() == 0
            && settings.public_url == format!("http://{}", settings.listen)
        {
            settings.public_url = format!("http://{address}");
        }
        let metrics = match settings.metrics_listen {
            Some(wanted) => Some(bind(wanted).await?),
            None => None,
        };
        let state = AppState::new(store, settings);
        Ok(Self {
            listener,
            address,
            metrics,
            state,
        })
    }

    /// The address actually bound.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The address `metrics_listen` actually bound, when it is set.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(_, address)| *address)
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The shared state, for callers that need the store or settings.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then drains in order, all within
    /// `shutdown_grace_secs` of the signal: stop accepting connections and
    /// end live streams; finish the requests in flight (a webhook's text is
    /// committed and acknowledged before its 200); stop the ingest writer
    /// once the last accepted message is answered; stop the job worker;
    /// close the store. What is still open when the grace runs out is cut off.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let state = self.state.clone();
        let grace = Duration::from_secs(state.settings.shutdown_grace_secs);
        // The reactions turn committed events into jobs; the worker runs
        // them. Both stop last, after the requests they may have to serve
        // are in; `state.shutdown` ends streams at once.
        let background = CancellationToken::new();
        let workers = state.settings.run_jobs.then(|| {
            [
                tokio::spawn(reactions::run(state.clone(), background.clone())),
                tokio::spawn(jobs::run(state.clone(), background.clone())),
            ]
        });
        // Metrics on their own address stop with everything else.
        let metrics = self.metrics.map(|(listener, _)| {
            let router = http::router::metrics_only(state.clone());
            let token = state.shutdown.clone();
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move { token.cancelled().await })
                    .await
            })
        });
        let router = http::router::build(self.state);
        let (signalled, signal) = oneshot::channel();
        let stop = {
            let token = state.shutdown.clone();
            async move {
                shutdown.await;
                tracing::info!(grace_secs = grace.as_secs(), "draining: no new connections");
                let _ = signalled.send(Instant::now());
                // Ends SSE streams, which would otherwise hold the drain open.
                token.cancel();
            }
        };
        // With the peer's address, which the login limiter counts by.
        let router = router.into_make_service_with_connect_info::<SocketAddr>();
        let serve = axum::serve(self.listener, router)
            .with_graceful_shutdown(stop)
            .into_future();
        tokio::pin!(serve);
        let (served, deadline) = tokio::select! {
            served = &mut serve => (served, Instant::now() + grace),
            Ok(at) = signal => {
                let deadline = at + grace;
                match tokio::time::timeout_at(deadline, &mut serve).await {
                    Ok(served) => (served, deadline),
                    Err(_) => {
                        tracing::warn!("shutdown grace over: cutting off the requests still open");
                        (Ok(()), deadline)
                    }
                }
            }
        };
        state.shutdown.cancel();
        if tokio::time::timeout_at(deadline, state.ingest.stop())
            .await
            .is_err()
        {
            tracing::warn!("shutdown grace over: inbound texts still unanswered");
        }
        background.cancel();
        for worker in workers.into_iter().flatten() {
            if tokio::time::timeout_at(deadline, worker).await.is_err() {
                tracing::warn!("shutdown grace over: the job worker or reactions still running");
            }
        }
        if let Some(metrics) = metrics {
            let _ = tokio::time::timeout_at(deadline, metrics).await;
        }
        state.store.close().await;
        served.map_err(StartupError::Serve)
    }
}

/// Binds `address`, reporting the address the OS gave (port 0 picks one).
async fn bind(address: SocketAddr) -> Result<(TcpListener, SocketAddr), StartupError> {
    let failed = |source| StartupError::Bind { address, source };
    let listener = TcpListener::bind(address).await.map_err(failed)?;
    let bound = listener.local_addr().map_err(failed)?;
    Ok((listener, bound))
}

/// Connects to the configured database (not migrated yet).
pub async fn connect(settings: &Settings) -> Result<Store, StartupError> {
    Store::connect(settings.database_url.expose())
        .await
        .map_err(StartupError::Connect)
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (what service managers and
/// container runtimes send).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = interrupt => tracing::info!("interrupted, shutting down"),
        () = terminate => tracing::info!("terminated, shutting down"),
    }
}

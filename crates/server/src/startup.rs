//! Start-up: [`App::build`] connects the store, migrates it, binds the listener
//! and builds the router; [`App::run_until_stopped`] serves until told to stop.
//! `switchboard serve` and every integration test go through here.

use std::future::Future;
use std::net::SocketAddr;

use store::{Store, StoreError};
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::state::AppState;
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

    /// Serves until `shutdown` completes, then lets in-flight requests finish
    /// and closes the store.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let store = self.state.store.clone();
        let token = self.state.shutdown.clone();
        // The reactions turn committed events into jobs; the worker runs them.
        let workers = self.state.settings.run_jobs.then(|| {
            [
                tokio::spawn(reactions::run(self.state.clone(), token.clone())),
                tokio::spawn(jobs::run(self.state.clone(), token.clone())),
            ]
        });
        // Metrics on their own address stop with everything else.
        let metrics = self.metrics.map(|(listener, _)| {
            let router = http::router::metrics_only(self.state.clone());
            let token = token.clone();
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move { token.cancelled().await })
                    .await
            })
        });
        let router = http::router::build(self.state);
        let stop = {
            let token = token.clone();
            async move {
                shutdown.await;
                // Ends SSE streams and the worker so that graceful shutdown can finish.
                token.cancel();
            }
        };
        // With the peer's address, which the login limiter counts by.
        let router = router.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, router)
            .with_graceful_shutdown(stop)
            .await;
        token.cancel();
        for worker in workers.into_iter().flatten() {
            let _ = worker.await;
        }
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        store.close().await;
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

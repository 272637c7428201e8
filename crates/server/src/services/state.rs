//! What handlers, services and jobs share: [`AppState`], passed as the router's
//! state and to every use case. Building and running the server is in
//! [`crate::startup`].

use std::sync::Arc;
use std::time::Duration;

use store::Store;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::config::Settings;
use crate::metrics::Metrics;
use crate::realtime::Hub;
use crate::services::accounts::LoginLimiter;
use crate::services::inbound::{IngestParts, IngestQueue};
use crate::services::rate_limit::SimulatorLimits;

/// What every handler can reach, passed as the router's state: no globals, so tests
/// can run many apps side by side in one process.
///
/// One allocation shared by every clone: the HTTP layers clone the state
/// several times per request, and cloning each of [`Node`]'s handles
/// (a dozen reference counts, and a cancellation token's tree lock) cost
/// ~3 % of the CPU of a burst of webhooks (perf, `bench ingest`). Fields
/// read through `Deref`; changing one (tests do) copies the node's handles
/// for this clone alone, as cloning did before.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Node>);

impl std::ops::Deref for AppState {
    type Target = Node;

    fn deref(&self) -> &Node {
        &self.0
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Node {
        Arc::make_mut(&mut self.0)
    }
}

/// The handles [`AppState`] shares: one node's database, settings, clock,
/// event hub, ingest queue and the rest.
#[derive(Debug, Clone)]
pub struct Node {
    /// The database.
    pub store: Store,
    /// The effective settings.
    pub settings: Arc<Settings>,
    /// The time services read; tests advance it.
    pub clock: Clock,
    /// Committed events, fanned out to live subscribers.
    pub hub: Hub,
    /// Cancelled at shutdown: long-lived streams and the job worker end on it.
    pub shutdown: CancellationToken,
    /// Where inbound messages go to be committed together (group commit).
    pub ingest: IngestQueue,
    /// This node's failed-login counts (in memory, per node).
    pub login_limiter: Arc<LoginLimiter>,
    /// This node's rate limits of the phone simulator (in memory, per node).
    pub simulator_limits: Arc<SimulatorLimits>,
    /// This node's name while it runs (a UUIDv7): the holder of its reactions' leases.
    pub node: Arc<str>,
    /// The one HTTP client for everything that leaves the process (providers,
    /// webhooks): one connection pool, timeouts, no redirects followed.
    pub http: reqwest::Client,
    /// Wakes this node's job worker when reactions enqueued jobs.
    pub jobs_enqueued: Arc<Notify>,
    /// This node's Prometheus metrics (`GET /metrics`).
    pub metrics: Arc<Metrics>,
    /// The SMTP server emails go out through, when `smtp_url` is set.
    pub mailer: Option<channels::email::Mailer>,
}

/// How long connecting to anyone outside may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long any outside call may take unless it says otherwise.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The shared outbound client. Redirects are never followed: a webhook
/// endpoint or a provider that redirects is answering something else.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(CALL_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

impl AppState {
    /// The state of one node over `store`; the CLI's one-shot commands
    /// (`demo`) use it too, so they run the same services as the server.
    /// Starts the node's inbound writer task, so it needs a Tokio runtime.
    pub fn new(store: Store, settings: Settings) -> Self {
        let parts = IngestParts {
            store,
            clock: Clock::default(),
            hub: Hub::default(),
            metrics: Arc::default(),
        };
        // The settings were checked at load time; a mailer that still cannot
        // be made leaves email off (the jobs that need it say so).
        let mailer = settings.smtp_url.as_ref().and_then(|url| {
            channels::email::Mailer::new(url.expose(), &settings.mail_from)
                .inspect_err(|error| tracing::error!(%error, "email is off: smtp_url or mail_from cannot be used"))
                .ok()
        });
        Self(Arc::new(Node {
            mailer,
            ingest: IngestQueue::start(parts.clone()),
            store: parts.store,
            settings: Arc::new(settings),
            clock: parts.clock,
            hub: parts.hub,
            shutdown: CancellationToken::new(),
            login_limiter: Arc::default(),
            metrics: parts.metrics,
            simulator_limits: Arc::default(),
            node: uuid::Uuid::now_v7().to_string().into(),
            http: http_client(),
            jobs_enqueued: Arc::default(),
        }))
    }
}

//! Prometheus metrics of one node, served as text at `GET /metrics` (or on
//! `metrics_listen` alone; the HTTP side is `http::metrics`). The registry
//! lives in the node's state, not in a
//! global recorder, so that the apps a test process runs side by side do
//! not count into one another.
//!
//! Counted as it happens: requests (by matched route, never the raw path,
//! so ids do not make a series each), their latency, ingest batch sizes,
//! open SSE streams. Read at scrape time: the ingest queue's depth, the
//! SQLite log's fsyncs, jobs by kind and status, the connection pools.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The media type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A request's series: its method, matched route and status.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// A route's latency series.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// Jobs of one kind in one status.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    status: String,
}

/// One connection pool's connections in one state.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: String,
    state: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The node's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: HistogramFamily<RouteLabels>,
    ingest_queue_depth: Gauge,
    ingest_batch_size: Histogram,
    log_flushes: Counter,
    /// The flush count already added to `log_flushes`.
    flushes_seen: AtomicU64,
    jobs: Family<JobLabels, Gauge>,
    sse_clients: Gauge,
    pool_connections: Family<PoolLabels, Gauge>,
    /// One scrape at a time: reading and setting the scrape-time figures
    /// twice at once could count fsyncs twice.
    scraping: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every metric, registered and at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("switchboard");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, matched route and status",
            requests.clone(),
        );
        let request_seconds: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (to its headers), by method and matched route",
            request_seconds.clone(),
        );
        let ingest_queue_depth = Gauge::default();
        registry.register(
            "ingest_queue_depth",
            "Inbound messages waiting for the ingest writer",
            ingest_queue_depth.clone(),
        );
        let ingest_batch_size = Histogram::new(exponential_buckets(1.0, 2.0, 9));
        registry.register(
            "ingest_batch_size",
            "Inbound messages stored per transaction (group commit)",
            ingest_batch_size.clone(),
        );
        let log_flushes = Counter::default();
        registry.register(
            "db_log_flushes",
            "Flushes of the database log that made group-committed transactions durable (SQLite: fsyncs of its log; PostgreSQL: the ingest writer's flushing transactions)",
            log_flushes.clone(),
        );
        let jobs = Family::<JobLabels, Gauge>::default();
        registry.register("jobs", "Durable jobs by kind and status", jobs.clone());
        let sse_clients = Gauge::default();
        registry.register(
            "sse_clients",
            "Live event streams (SSE) open on this node",
            sse_clients.clone(),
        );
        let pool_connections = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections by pool and state (in_use, idle, max)",
            pool_connections.clone(),
        );
        Self {
            registry,
            requests,
            request_seconds,
            ingest_queue_depth,
            ingest_batch_size,
            log_flushes,
            flushes_seen: AtomicU64::new(0),
            jobs,
            sse_clients,
            pool_connections,
            scraping: Mutex::new(()),
        }
    }

    /// Counts one answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// Counts an event stream opened (`+1`) or closed (`-1`).
    pub fn count_sse_client(&self, opened: bool) {
        if opened {
            self.sse_clients.inc();
        } else {
            self.sse_clients.dec();
        }
    }

    /// Counts one ingest transaction of `messages`.
    pub fn observe_ingest_batch(&self, messages: usize) {
        self.ingest_batch_size.observe(messages as f64);
    }

    /// The text exposition, after reading the scrape-time figures: jobs,
    /// fsyncs and pools from `store`, and the ingest queue's depth.
    pub async fn render(&self, store: &store::Store, ingest_depth: usize) -> String {
        let metrics = self;
        // Jobs are counted in the database; a failed count leaves the last
        // figures and is logged, since a scrape should not fail over it.
        let jobs = match store.read().await {
            Ok(mut reader) => store::stats::job_counts(&mut reader.conn()).await,
            Err(error) => Err(error),
        };
        let _scraping = metrics
            .scraping
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match jobs {
            Ok(counts) => {
                metrics.jobs.clear();
                for c in counts {
                    metrics
                        .jobs
                        .get_or_create(&JobLabels {
                            kind: c.kind,
                            status: c.status,
                        })
                        .set(i64::try_from(c.count).unwrap_or(i64::MAX));
                }
            }
            Err(error) => tracing::warn!(%error, "cannot count jobs for /metrics"),
        }
        metrics
            .ingest_queue_depth
            .set(i64::try_from(ingest_depth).unwrap_or(i64::MAX));
        let flushes = store.log_flushes();
        let seen = metrics.flushes_seen.swap(flushes, Ordering::Relaxed);
        metrics.log_flushes.inc_by(flushes.saturating_sub(seen));
        for pool in store.pool_use() {
            let set = |state: &str, n: u32| {
                metrics
                    .pool_connections
                    .get_or_create(&PoolLabels {
                        pool: pool.pool.to_string(),
                        state: state.to_string(),
                    })
                    .set(i64::from(n));
            };
            set("in_use", pool.open.saturating_sub(pool.idle));
            set("idle", pool.idle);
            set("max", pool.max);
        }
        let mut text = String::new();
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &metrics.registry)
        {
            tracing::warn!(%error, "cannot encode /metrics");
        }
        text
    }
}

/// Shared by the state's clones.
pub type SharedMetrics = Arc<Metrics>;

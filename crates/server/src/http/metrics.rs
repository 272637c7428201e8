//! The HTTP side of metrics: counting requests as they are answered, counting
//! open event streams, and the `/metrics` endpoint.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::metrics::{SharedMetrics, CONTENT_TYPE};
use crate::services::state::AppState;

/// Middleware: counts each request under its matched route (`(unmatched)`
/// when no route matched, so that probing random paths adds no series).
pub async fn track_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.observe_request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`: the Prometheus text format.
pub async fn serve(State(state): State<AppState>) -> Response {
    let text = state
        .metrics
        .render(&state.store, state.ingest.depth())
        .await;
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response()
}

/// One open event stream, counted in `switchboard_sse_clients` for as long
/// as it is kept (drop it with the stream).
#[derive(Debug)]
pub struct SseClient(SharedMetrics);

impl SseClient {
    /// Counts a stream opened on `state`'s node.
    pub fn open(state: &AppState) -> Self {
        state.metrics.count_sse_client(true);
        Self(state.metrics.clone())
    }
}

impl Drop for SseClient {
    fn drop(&mut self) {
        self.0.count_sse_client(false);
    }
}

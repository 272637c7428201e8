//! Every route and every layer, in the order a request meets them.

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, StatusCode};
use axum::routing::get;
use axum::{middleware, Router};
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::{Level, Span};

use std::sync::Arc;

use axum::Json;

use super::{api, health, hooks, media, problem, session_renewal, simulator_api, ui};
use crate::http::metrics;
use crate::services::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP surface of one node.
pub fn build(state: AppState) -> Router {
    let max_body = state.settings.max_body_bytes;
    let timeout = Duration::from_secs(state.settings.request_timeout_secs);

    let (api, api_uploads, document) = api::routes();
    let document = Arc::new(document);
    let routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(Arc::clone(&document)) }),
        )
        .merge(api)
        .route("/static/{file}", get(ui::assets::serve))
        // Sent files by their public, expiring link (Twilio's `MediaUrl`).
        .route("/media/{token}", get(media::public))
        // The agent web app: pages over the same services as the API.
        .merge(ui::routes())
        .fallback(problem::not_found);
    // Metrics on the main address unless they have one of their own.
    let routes = if state.settings.metrics_listen.is_none() {
        routes.route("/metrics", get(metrics::serve))
    } else {
        routes
    };
    // The phone simulator: no account needed, so a deployment can switch it off.
    let routes = if state.settings.simulator {
        routes
            .route("/simulator", get(ui::simulator::page))
            .route(
                "/simulator/api/messages",
                get(simulator_api::messages).post(simulator_api::send),
            )
            .route("/simulator/api/numbers", get(simulator_api::numbers))
    } else {
        routes
    };

    // File uploads read a larger body than any file they keep, so that a file
    // too big is answered on its form (`ui::upload`).
    let upload_body = max_body.max(ui::upload::UPLOAD_BODY_BYTES);
    let uploads = body_limit(ui::upload_routes().merge(api_uploads), upload_body);
    // Provider webhooks: verified by signature, not by session, and answered
    // to a provider, not a browser: none of the web app's layers below (the
    // ingest benchmark measured them at a few percent of a webhook's cost).
    // Only the problem+json rewrite applies, so that a body over the limit
    // or a timeout is answered in the same shape as every other refusal.
    let hooks = hooks::twilio::routes().merge(hooks::slack::routes());
    let hooks = time_limit(body_limit(hooks, max_body), timeout)
        .layer(middleware::from_fn(problem::problem_for_bare_errors));
    // `layer` calls, inner first: each turns the stack back into a plain
    // route, which keeps the middleware's types simple. `Router::layer` runs
    // after routing, so the span can name the matched route.
    time_limit(body_limit(routes, max_body).merge(uploads), timeout)
        // Every error answer from here inwards leaves as problem+json (shown
        // as a page to a browser), with the security headers.
        .layer(
            ServiceBuilder::new()
                // A session in use stays alive (the web app and the API alike).
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    session_renewal::renew_session,
                ))
                // nosniff everywhere; the CSP on every page, error pages included.
                .layer(middleware::from_fn(ui::headers::security_headers))
                // A browser asking for a page gets errors as a page.
                .layer(middleware::from_fn(ui::headers::html_errors))
                .layer(middleware::from_fn(problem::problem_for_bare_errors)),
        )
        .merge(hooks)
        // Outermost first: a request gets its id, then its span. The id is
        // always ours: one sent by the client could collide with another
        // request's or smuggle text into the logs.
        .layer(
            ServiceBuilder::new()
                .layer(middleware::map_request(forget_client_request_id))
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    metrics::track_requests,
                )),
        )
        .with_state(state)
}

/// The router of `metrics_listen`: `GET /metrics` and nothing else.
pub fn metrics_only(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics::serve))
        .fallback(problem::not_found)
        .with_state(state)
}

/// Drops an `X-Request-Id` the client sent, so that [`SetRequestIdLayer`]
/// makes a fresh one.
async fn forget_client_request_id(mut request: Request) -> Request {
    request.headers_mut().remove(&REQUEST_ID);
    request
}

/// Refuses bodies over `bytes` (413), whether read by an extractor or not.
fn body_limit(routes: Router<AppState>, bytes: usize) -> Router<AppState> {
    routes.layer(
        ServiceBuilder::new()
            .layer(RequestBodyLimitLayer::new(bytes))
            // axum's extractors have their own 2 MB default; make both agree.
            .layer(DefaultBodyLimit::max(bytes)),
    )
}

/// Answers 503 to a request that takes longer than `timeout`.
fn time_limit(routes: Router<AppState>, timeout: Duration) -> Router<AppState> {
    routes.layer(TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        timeout,
    ))
}

/// The span of one request. `tracing` span names are fixed at compile time, so
/// the matched route (`/api/v1/workspaces/{ws}`, not the raw path with ids)
/// goes in `route` and in `otel.name`, which OpenTelemetry exporters use as the
/// span's name. The query string is left out: it may carry tokens.
fn request_span(request: &Request) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str);
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // An invitation's or a sent file's link carries its secret in the
    // path: log the route.
    let path = if route.starts_with("/invite/") || route.starts_with("/media/") {
        route
    } else {
        request.uri().path()
    };
    let name = format!("{} {}", request.method(), route);
    tracing::info_span!(
        "request",
        otel.name = %name,
        method = %request.method(),
        route,
        path,
        request_id,
    )
}

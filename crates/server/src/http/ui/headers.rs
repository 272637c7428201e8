//! The browser-facing edges of every response: security headers, and error
//! answers shown as a page to a person instead of problem+json.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{render, ErrorPage};
use crate::http::error::PROBLEM_JSON;

/// What pages may load: only our own scripts, styles and connections, no
/// inline script or style at all, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: https:; connect-src 'self'; \
     frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Path prefixes that only ever answer JSON (or files), whoever asks.
const MACHINE_PATHS: &[&str] = &["/api/", "/simulator/api/", "/hooks/", "/static/"];

/// Largest problem body read back to render as a page.
const MAX_PROBLEM_BYTES: usize = 16 * 1024;

/// Middleware: `X-Content-Type-Options: nosniff` on every response; the
/// Content-Security-Policy and `Referrer-Policy` on every HTML response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let is_html = content_type_is(response.headers(), "text/html");
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if is_html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    response
}

/// Middleware: a browser navigating to a page that fails gets a readable
/// page with the same status, not JSON. Every error is still made once, as
/// an [`crate::http::error::ApiError`] answered in problem+json; this adapter only
/// changes how it is shown to a person. API clients, `fetch` from scripts
/// (which do not ask for `text/html`) and machine paths keep problem+json.
pub async fn html_errors(request: Request, next: Next) -> Response {
    let wants_page = accepts_html(request.headers())
        && !MACHINE_PATHS
            .iter()
            .any(|prefix| request.uri().path().starts_with(prefix));
    let request_id = request
        .headers()
        .get(HeaderName::from_static("x-request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let response = next.run(request).await;
    if !wants_page
        || !(response.status().is_client_error() || response.status().is_server_error())
        || !content_type_is(response.headers(), PROBLEM_JSON)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let problem = read_problem(body).await;
    let page = ErrorPage::new(parts.status, problem.detail, request_id);
    let (page_parts, page_body) = render(&page).into_response().into_parts();
    if !page_parts.status.is_success() {
        // Rendering failed: that answer is already the plainest one we have.
        return Response::from_parts(page_parts, page_body);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, page_body)
}

/// The part of a problem+json body the page shows.
#[derive(Debug, Default, Deserialize)]
struct Problem {
    #[serde(default)]
    detail: String,
}

async fn read_problem(body: Body) -> Problem {
    match axum::body::to_bytes(body, MAX_PROBLEM_BYTES).await {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
        Err(_) => Problem::default(),
    }
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

fn content_type_is(headers: &HeaderMap, media_type: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(media_type))
}

/// The heading of an error page: what happened, in a person's words.
pub(super) fn heading(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "We couldn't find that page",
        StatusCode::METHOD_NOT_ALLOWED => "That doesn't work here",
        StatusCode::UNAUTHORIZED => "Please sign in",
        StatusCode::FORBIDDEN => "You don't have access to this",
        StatusCode::TOO_MANY_REQUESTS => "Slow down a little",
        StatusCode::PAYLOAD_TOO_LARGE => "That was too much at once",
        s if s.is_server_error() => "Something went wrong on our side",
        _ => "That didn't work",
    }
}

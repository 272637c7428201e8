//! Makes every error answer `application/problem+json`, including those made
//! outside the handlers: an unknown route, a wrong method, a body over the
//! limit, a timeout, an extractor's rejection.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::{ApiError, PROBLEM_JSON};

/// Longest plain-text error body kept as the problem's detail.
const MAX_DETAIL_BYTES: usize = 1024;

/// The router's fallback: 404 for any path no route matches.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("No resource at {}.", uri.path()))
}

/// Middleware: rewrites an error response that is not already problem+json
/// into one, keeping its status and headers (such as `Allow` on a 405). For a
/// 4xx the original plain-text body becomes the detail, since axum's
/// rejections explain themselves there; a 5xx stays opaque.
pub async fn problem_for_bare_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_problem(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let detail = if status.is_client_error() {
        plain_text(body)
            .await
            .unwrap_or_else(|| default_detail(status))
    } else {
        String::new()
    };
    let problem = ApiError::from_status(status, detail).into_response();
    let (problem_parts, problem_body) = problem.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(problem_parts.headers);
    Response::from_parts(parts, problem_body)
}

fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()))
}

/// The body as text, if it is short, UTF-8 and not empty.
async fn plain_text(body: Body) -> Option<String> {
    let bytes = axum::body::to_bytes(body, MAX_DETAIL_BYTES).await.ok()?;
    let text = std::str::from_utf8(&bytes).ok()?.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn default_detail(status: StatusCode) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "This method is not allowed here.".into(),
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large.".into(),
        _ => status.canonical_reason().unwrap_or("Error").to_string() + ".",
    }
}

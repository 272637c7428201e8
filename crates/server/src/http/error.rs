//! The HTTP surface's one error type and its one mapping to
//! `application/problem+json` (RFC 9457).
//!
//! Handlers return `Result<_, ApiError>` and use `?`: domain and store errors
//! become an `ApiError` through the `From` impls at the bottom of this file,
//! written once here rather than in a `match` in every handler.
//!
//! 4xx answers carry a stable `code` and a `detail` the client can act on.
//! 5xx answers never carry the cause: the client gets a fixed sentence, the
//! log gets the whole cause chain.

use std::error::Error as StdError;
use std::fmt::Write as _;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::services::{ErrorKind, ServiceError};

/// Any error that can be kept as the cause of an [`ApiError`].
pub use crate::services::error::BoxError;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// What the client reads in place of the cause of a 5xx.
const OPAQUE_DETAIL: &str =
    "The server could not complete this request. The problem has been logged.";

/// An error answered to an HTTP client: a status, a stable machine-readable
/// `code`, a human `detail`, and optionally the cause, which is logged but
/// never sent.
#[derive(Debug, thiserror::Error)]
#[error("{status} {code}: {detail}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    #[source]
    source: Option<BoxError>,
    /// Seconds for a `Retry-After` header (429, 503).
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with any status. `code` is a stable snake_case word clients
    /// may match on; `detail` is shown to them for 4xx (see [`ApiError`]).
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            source: None,
            retry_after: None,
        }
    }

    /// Asks the client to wait `seconds` before trying again (`Retry-After`).
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Keeps `source` as the cause, for the log.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// 400: the request cannot be read.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// 404: nothing here, or nothing this user may know exists (DESIGN.md §3).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// 409: the request conflicts with the current state (a reply lock, a stale version).
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// 422: the request is well-formed but a value breaks a rule.
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    /// 500: something failed that the client cannot fix. The cause is logged only.
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", OPAQUE_DETAIL).with_source(source)
    }

    /// 503: a dependency is down. `detail` is a fixed public sentence; the cause is logged only.
    pub fn unavailable(detail: &'static str, source: impl Into<BoxError>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail).with_source(source)
    }

    /// An error for a bare status produced outside the handlers (routing,
    /// body limits, timeouts), with the usual code for that status.
    pub fn from_status(status: StatusCode, detail: impl Into<String>) -> Self {
        Self::new(status, code_for_status(status), detail)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The detail as the client will see it (fixed text for 5xx without one).
    pub fn public_detail(&self) -> &str {
        if self.status.is_server_error() && self.detail.is_empty() {
            OPAQUE_DETAIL
        } else {
            &self.detail
        }
    }
}

/// The RFC 9457 body. `type` is `about:blank` (the status says what kind of
/// problem it is, so `title` is the status phrase) and `code` is our extension
/// member for clients to match on.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "Not Found", "status": 404,
    "detail": "no such contact", "code": "not_found"}))]
pub struct Problem<'a> {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'static str,
    /// The status phrase, such as `Not Found`.
    pub title: &'static str,
    /// The HTTP status, repeated for clients that only keep the body.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: &'a str,
    /// What went wrong, for a program: a stable snake_case word.
    pub code: &'static str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(
                status = self.status.as_u16(),
                code = self.code,
                detail = %self.detail,
                cause = %cause_chain(&self),
                "request failed"
            );
        } else if let Some(source) = &self.source {
            tracing::debug!(code = self.code, cause = %source, "request refused");
        }
        let problem = Problem {
            kind: "about:blank",
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: self.public_detail(),
            code: self.code,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// `cause: its cause: …`, one line, for the log.
fn cause_chain(error: &ApiError) -> String {
    let Some(first) = error.source() else {
        return "no cause recorded".to_string();
    };
    let mut out = first.to_string();
    let mut next = first.source();
    while let Some(cause) = next {
        let _ = write!(out, ": {cause}");
        next = cause.source();
    }
    out
}

fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        // One code for one mistake: a request that cannot be read is a
        // `validation` problem wherever it is noticed (API.md).
        StatusCode::BAD_REQUEST => "validation",
        StatusCode::UNAUTHORIZED => "unauthenticated",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_ACCEPTABLE => "not_acceptable",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        StatusCode::GATEWAY_TIMEOUT => "timeout",
        s if s.is_server_error() => "internal",
        _ => "error",
    }
}

/// The one mapping from a use case's failure to HTTP: each kind its status,
/// the service's code and detail kept (internal details are fixed sentences).
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let (kind, code, detail, source) = error.into_parts();
        let (status, retry_after) = match kind {
            ErrorKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, None),
            ErrorKind::Malformed => (StatusCode::BAD_REQUEST, None),
            ErrorKind::Unauthenticated => (StatusCode::UNAUTHORIZED, None),
            ErrorKind::Denied => (StatusCode::FORBIDDEN, None),
            ErrorKind::NotFound => (StatusCode::NOT_FOUND, None),
            ErrorKind::Conflict => (StatusCode::CONFLICT, None),
            ErrorKind::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, None),
            ErrorKind::Unsupported => (StatusCode::UNSUPPORTED_MEDIA_TYPE, None),
            ErrorKind::RateLimited(wait) => (StatusCode::TOO_MANY_REQUESTS, Some(wait)),
            ErrorKind::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, None),
            ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, None),
        };
        let mut api = Self::new(status, code, detail);
        api.source = source;
        api.retry_after = retry_after.map(whole_seconds);
        api
    }
}

/// Seconds for `Retry-After`: rounded up, never zero.
fn whole_seconds(wait: std::time::Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// Domain refusals reach handlers that call the domain directly (parsing a
/// path or a query) through the same mapping as the services'.
impl From<domain::DomainError> for ApiError {
    fn from(error: domain::DomainError) -> Self {
        ServiceError::from(error).into()
    }
}

impl From<domain::Denied> for ApiError {
    fn from(denied: domain::Denied) -> Self {
        ServiceError::from(denied).into()
    }
}

impl From<store::StoreError> for ApiError {
    fn from(error: store::StoreError) -> Self {
        ServiceError::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(error: ApiError) -> (StatusCode, String, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        let content_type = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap();
        (
            status,
            content_type,
            serde_json::from_slice(&bytes).unwrap(),
        )
    }

    #[tokio::test]
    async fn a_bare_400_made_outside_the_handlers_says_validation_as_theirs_do() {
        // A path or body axum cannot read is answered by the problem
        // middleware through `from_status`: it once said `bad_request` for
        // the mistake every handler calls `validation`.
        let (status, _, body) = body_of(ApiError::from_status(
            StatusCode::BAD_REQUEST,
            "Invalid URL",
        ))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "validation");
    }

    #[tokio::test]
    async fn a_client_error_is_problem_json_with_its_code_and_detail() {
        let (status, content_type, body) =
            body_of(ApiError::conflict("reply_locked", "Ana is replying")).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(content_type, PROBLEM_JSON);
        assert_eq!(
            body,
            serde_json::json!({
                "type": "about:blank",
                "title": "Conflict",
                "status": 409,
                "detail": "Ana is replying",
                "code": "reply_locked",
            })
        );
    }

    #[tokio::test]
    async fn a_server_error_never_shows_its_cause_to_the_client() {
        let cause = std::io::Error::other("password authentication failed for user app");
        let (status, _, body) = body_of(ApiError::internal(cause)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["code"], "internal");
        assert_eq!(body["detail"], OPAQUE_DETAIL);
        assert!(!body.to_string().contains("password"));
    }

    #[test]
    fn the_cause_chain_for_the_log_has_every_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] std::io::Error);
        let error = ApiError::internal(Outer(std::io::Error::other("inner")));
        assert_eq!(cause_chain(&error), "outer: inner");
    }

    #[tokio::test]
    async fn a_domain_error_is_a_422_naming_the_field() {
        let error = domain::DomainError::invalid("subject", "must not be empty");
        let (status, _, body) = body_of(error.into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "validation");
        assert_eq!(body["detail"], "subject: must not be empty");
    }
}

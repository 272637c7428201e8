//! The use cases' one error type. It says what went wrong in the words of the
//! product (invalid, denied, not found, conflict, unavailable, internal), never
//! in HTTP: the JSON API ([`crate::http::error::ApiError`]) and the pages adapt it, and
//! the job worker reads [`ServiceError::is_retryable`] from it.

use std::error::Error as StdError;
use std::time::Duration;

/// Any error that can be kept as the cause of a [`ServiceError`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of failure a [`ServiceError`] is; each surface maps it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input breaks a rule (a field's value): the caller's to fix.
    Invalid,
    /// The input cannot be read at all (not a cursor, not CSV).
    Malformed,
    /// No one is signed in, or the credentials are wrong.
    Unauthenticated,
    /// Someone is signed in but may not do this (DESIGN.md §3).
    Denied,
    /// Nothing there, or nothing the caller may know exists.
    NotFound,
    /// The current state refuses it (a reply lock, a stale version, a taken name).
    Conflict,
    /// The input is larger than the limit.
    TooLarge,
    /// The input is of a type that is not taken (a file's content type).
    Unsupported,
    /// Too many attempts; try again after the given time.
    RateLimited(Duration),
    /// Something outside us (a provider, the database) did not answer: worth retrying.
    Unavailable,
    /// A bug or a broken invariant on our side.
    Internal,
}

/// A use case that did not happen, and why. Nothing was changed.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct ServiceError {
    kind: ErrorKind,
    code: &'static str,
    detail: String,
    #[source]
    source: Option<BoxError>,
}

/// The detail of every internal error: the cause goes to the log, not to people.
const INTERNAL_DETAIL: &str =
    "The server could not complete this request. The problem has been logged.";

impl ServiceError {
    /// An error of any kind; `code` is a stable snake_case word clients may match on.
    pub fn new(kind: ErrorKind, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            detail: detail.into(),
            source: None,
        }
    }

    /// A value breaks a rule (`code` is usually `validation`).
    pub fn invalid(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, code, detail)
    }

    /// The input cannot be read.
    pub fn malformed(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Malformed, code, detail)
    }

    /// Wrong or missing credentials.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, "unauthenticated", detail)
    }

    /// The caller lacks the role or the ownership this needs.
    pub fn denied(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Denied, "forbidden", detail)
    }

    /// Nothing there, or not the caller's to see (both read the same).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, "not_found", detail)
    }

    /// The current state refuses the change.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, detail)
    }

    /// The input is over a size limit.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::TooLarge, "payload_too_large", detail)
    }

    /// The input's type is not one that is taken.
    pub fn unsupported(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, "unsupported_media_type", detail)
    }

    /// Too many attempts: come back after `retry_after`.
    pub fn rate_limited(retry_after: Duration, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::RateLimited(retry_after), "rate_limited", detail)
    }

    /// A dependency did not answer; `detail` is a fixed public sentence.
    pub fn unavailable(
        code: &'static str,
        detail: impl Into<String>,
        source: impl Into<BoxError>,
    ) -> Self {
        Self::new(ErrorKind::Unavailable, code, detail).with_source(source)
    }

    /// Our own failure; the cause is logged, never shown.
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self::new(ErrorKind::Internal, "internal", INTERNAL_DETAIL).with_source(source)
    }

    /// Keeps `source` as the cause, for the log.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// What went wrong, for a person (a fixed sentence for internal errors).
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The cause kept for the log, if any.
    pub fn into_parts(self) -> (ErrorKind, &'static str, String, Option<BoxError>) {
        (self.kind, self.code, self.detail, self.source)
    }

    /// Whether the same call may succeed later unchanged: a dependency that did
    /// not answer, or our own failure (a busy database). Refusals (invalid,
    /// denied, not found, conflict) never become right by waiting.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Unavailable | ErrorKind::Internal | ErrorKind::RateLimited(_)
        )
    }
}

/// Input that breaks a domain rule is the caller's to fix, with the domain's
/// own message (it names the field and what was wrong).
impl From<domain::DomainError> for ServiceError {
    fn from(error: domain::DomainError) -> Self {
        Self::invalid("validation", error.to_string()).with_source(error)
    }
}

/// The permission table's refusals (DESIGN.md §3), each with its one kind.
impl From<domain::Denied> for ServiceError {
    fn from(denied: domain::Denied) -> Self {
        use domain::Denied as D;
        match denied {
            // Never "denied": a non-member must not learn the inbox exists.
            D::NotVisible => Self::not_found("Not found."),
            D::NeedsRole(_) | D::NotYours => Self::denied(denied.to_string()),
            D::AssignedToSomeoneElse => Self::conflict("conflict_assigned", denied.to_string()),
            D::TargetNotMember => Self::invalid("validation", denied.to_string()),
        }
    }
}

/// A lifecycle move that does not exist (reopening a closed conversation).
impl From<domain::LifecycleError> for ServiceError {
    fn from(error: domain::LifecycleError) -> Self {
        match error {
            domain::LifecycleError::StartsNewConversation => {
                Self::conflict("conversation_closed", error.to_string())
            }
            _ => Self::conflict("invalid_transition", error.to_string()),
        }
    }
}

/// The store errors a caller can cause get their kind; anything else is
/// internal with its cause kept. Details are fixed sentences: constraint
/// names and SQL stay in the log.
impl From<store::StoreError> for ServiceError {
    fn from(error: store::StoreError) -> Self {
        use store::StoreError as E;
        let mapped = match &error {
            E::NotFound => Self::not_found("Not found."),
            E::VersionConflict => Self::conflict(
                "version_conflict",
                "Someone else changed this since you read it; reload and try again.",
            ),
            E::Duplicate(_) => Self::conflict("already_exists", "This already exists."),
            E::InvalidCursor => {
                Self::malformed("validation", "cursor: not a cursor this list gave out")
            }
            E::MissingReference(_) => {
                Self::invalid("validation", "It refers to something that does not exist.")
            }
            _ => return Self::internal(error),
        };
        mapped.with_source(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_never_retried_and_outages_are() {
        assert!(!ServiceError::invalid("validation", "x").is_retryable());
        assert!(!ServiceError::denied("x").is_retryable());
        assert!(!ServiceError::not_found("x").is_retryable());
        assert!(!ServiceError::conflict("conflict_locked", "x").is_retryable());
        assert!(ServiceError::internal(std::io::Error::other("disk")).is_retryable());
        assert!(
            ServiceError::unavailable("provider_unavailable", "down", "timeout").is_retryable()
        );
    }

    #[test]
    fn an_internal_error_never_carries_its_cause_in_the_detail() {
        let error = ServiceError::internal(std::io::Error::other("password for user app"));
        assert!(!error.detail().contains("password"));
        assert_eq!(error.code(), "internal");
    }
}

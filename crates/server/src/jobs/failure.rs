//! Why a run of a job did not finish it, and whether to try again.

use std::time::Duration;

use crate::services::{self, ServiceError};

/// Why a run did not finish the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Worth trying again: after `after` when the other side said so
    /// (`Retry-After`), else after the worker's backoff.
    Retry {
        /// How long to wait, when known.
        after: Option<Duration>,
        /// What went wrong, for the admins' list.
        reason: String,
    },
    /// Will never succeed (a refusal, a malformed job): given up at once.
    Fail(String),
}

impl JobError {
    /// A failure worth retrying after the usual backoff.
    pub fn retry(reason: impl Into<String>) -> Self {
        Self::Retry {
            after: None,
            reason: reason.into(),
        }
    }
}

/// A use case's refusal (invalid, denied, not found, conflict) is final;
/// an outage or our own failure is retried.
impl From<ServiceError> for JobError {
    fn from(error: ServiceError) -> Self {
        let reason = error.to_string();
        match error.kind() {
            services::ErrorKind::RateLimited(wait) => Self::Retry {
                after: Some(wait),
                reason,
            },
            _ if error.is_retryable() => Self::retry(reason),
            _ => Self::Fail(reason),
        }
    }
}

impl From<store::StoreError> for JobError {
    fn from(error: store::StoreError) -> Self {
        ServiceError::from(error).into()
    }
}

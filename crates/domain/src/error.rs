//! The domain's one error type.

use thiserror::Error;

/// Everything the domain can refuse. Each variant says what was wrong in
/// words an operator or an API client can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A phone number that is not a valid number anywhere.
    #[error("invalid phone number {input:?}: {reason}")]
    InvalidPhone {
        /// What was given (cut to a sane length).
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// An email address that does not parse.
    #[error("invalid email address {0:?}")]
    InvalidEmail(String),
    /// An id that is not a UUID.
    #[error("invalid id {0:?}")]
    InvalidId(String),
    /// A word that is not one of the enumerated values of a field.
    #[error("unknown {field} {value:?}; expected one of: {expected}")]
    UnknownValue {
        /// The field, for example `status`.
        field: &'static str,
        /// What was given.
        value: String,
        /// The accepted words, comma-separated.
        expected: &'static str,
    },
    /// A field whose value breaks a rule (empty, too long, bad characters).
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl DomainError {
    /// Shorthand for [`DomainError::Invalid`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}

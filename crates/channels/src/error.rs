//! The crate's one error type.

use thiserror::Error;

/// Everything that can go wrong talking to a provider or reading what it sent.
///
/// The split that matters to callers is [`Error::is_transient`]: a transient
/// error is worth retrying with backoff, anything else will fail the same way
/// again and should be shown to a person.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The provider could not be reached or was briefly unable to answer
    /// (connection error, timeout, HTTP 5xx, HTTP 429). Retry with backoff.
    #[error("the provider is unavailable for now: {0}")]
    Transient(String),
    /// The provider asked us to slow down (HTTP 429) and said for how long
    /// (`Retry-After`): the call may be made again after that, not before.
    #[error("the provider is rate limiting us; retry after {} s", .0.as_secs())]
    RateLimited(std::time::Duration),
    /// The provider refused the request (HTTP 4xx). Retrying will not help;
    /// `code` (Twilio's error code, for example `21211`) and `message` are
    /// kept verbatim so the agent sees why.
    #[error("the provider refused the request{}: {message}", code_suffix(code.as_deref()))]
    Permanent {
        /// The provider's error code, when it gave one.
        code: Option<String>,
        /// The provider's explanation.
        message: String,
    },
    /// The provider answered with success but in a shape this crate cannot
    /// read. Not retried: the request may well have taken effect.
    #[error("the provider's answer could not be read: {0}")]
    UnexpectedResponse(String),
    /// A webhook or an argument lacks a field it must have.
    #[error("missing field {0}")]
    MissingField(String),
    /// A webhook field or an argument has a value that cannot be used.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// The field, as the provider names it (`From`, `MediaUrl2`, …).
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The provider client was configured with something unusable.
    #[error("invalid provider configuration: {0}")]
    Config(String),
}

/// The error of a provider call ([`crate::SmsProvider`]): the same type as
/// [`enum@Error`], named for what callers match on (`SendError::Transient`,
/// `SendError::Permanent`).
pub type SendError = Error;

impl Error {
    /// Whether retrying the same call later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Transient(_) | Error::RateLimited(_))
    }

    /// The provider's error code, when the provider refused with one.
    pub fn provider_code(&self) -> Option<&str> {
        match self {
            Error::Permanent { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// Shorthand for [`Error::InvalidField`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidField {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

fn code_suffix(code: Option<&str>) -> String {
    code.map(|c| format!(" (error {c})")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permanent_error_names_the_provider_code_and_message() {
        let e = Error::Permanent {
            code: Some("21211".into()),
            message: "Invalid 'To' Phone Number".into(),
        };
        assert_eq!(
            e.to_string(),
            "the provider refused the request (error 21211): Invalid 'To' Phone Number"
        );
        assert_eq!(e.provider_code(), Some("21211"));
        assert!(!e.is_transient());
        assert!(Error::Transient("timeout".into()).is_transient());
    }
}

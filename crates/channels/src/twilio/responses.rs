//! What Twilio's REST API answers, and how its failures map to [`enum@Error`].

use reqwest::StatusCode;
use serde::Deserialize;

use crate::error::Error;

/// A request that got no HTTP answer: worth retrying. A timeout after the
/// request went out may mean Twilio did send the message; Twilio has no
/// idempotency key for Messages, so a retry can duplicate it (rare, and
/// better than a text silently lost).
pub(super) fn transport_error(e: reqwest::Error) -> Error {
    let e = e.without_url();
    if e.is_timeout() {
        Error::Transient(format!("Twilio did not answer in time: {e}"))
    } else if e.is_connect() {
        Error::Transient(format!("could not connect to Twilio: {e}"))
    } else if e.is_builder() {
        Error::Config(format!("could not build the request: {e}"))
    } else {
        Error::Transient(format!("talking to Twilio failed: {e}"))
    }
}

/// Twilio's error body: `{code, message, more_info, status}`.
#[derive(Debug, Deserialize)]
struct TwilioError {
    code: Option<serde_json::Value>,
    message: Option<String>,
}

/// Maps an answer that is not a success: 429 and 5xx are worth retrying,
/// other 4xx are Twilio refusing with a code and a reason.
pub(super) fn error_from(status: StatusCode, body: &[u8]) -> Error {
    let parsed: Option<TwilioError> = serde_json::from_slice(body).ok();
    let code = parsed.as_ref().and_then(|e| match &e.code {
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    });
    let message = parsed
        .and_then(|e| e.message)
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let snippet: String = text.chars().take(200).collect();
            format!("HTTP {status} {snippet}").trim_end().to_string()
        });
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        let code = code.map(|c| format!(" (error {c})")).unwrap_or_default();
        Error::Transient(format!(
            "Twilio answered HTTP {}{code}: {message}",
            status.as_u16()
        ))
    } else if status.is_client_error() {
        Error::Permanent { code, message }
    } else {
        Error::UnexpectedResponse(format!("HTTP {status}: {message}"))
    }
}

/// The parts of a created Message resource that matter here.
#[derive(Debug, Deserialize)]
pub(super) struct MessageResource {
    pub sid: String,
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct AvailablePage {
    pub available_phone_numbers: Vec<AvailableResource>,
}

#[derive(Debug, Deserialize)]
pub(super) struct AvailableResource {
    pub phone_number: String,
    pub friendly_name: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub iso_country: Option<String>,
    #[serde(default)]
    pub capabilities: Capabilities,
}

/// The live API spells these `SMS`, `MMS` and `voice`; the OpenAPI examples
/// spell them in lower case. Both are read.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Capabilities {
    #[serde(default, alias = "SMS")]
    pub sms: bool,
    #[serde(default, alias = "MMS")]
    pub mms: bool,
    #[serde(default, alias = "Voice")]
    pub voice: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct IncomingNumberResource {
    pub sid: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_twilio_400_is_permanent_with_its_code_and_message() {
        let body = br#"{"code": 21211, "message": "Invalid 'To' Phone Number", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#;
        assert_eq!(
            error_from(StatusCode::BAD_REQUEST, body),
            Error::Permanent {
                code: Some("21211".into()),
                message: "Invalid 'To' Phone Number".into()
            }
        );
    }

    #[test]
    fn a_5xx_or_429_is_transient_even_without_a_json_body() {
        assert!(error_from(StatusCode::BAD_GATEWAY, b"<html>").is_transient());
        assert!(error_from(StatusCode::TOO_MANY_REQUESTS, b"{}").is_transient());
        assert!(matches!(
            error_from(StatusCode::NOT_FOUND, b""),
            Error::Permanent { code: None, .. }
        ));
    }
}

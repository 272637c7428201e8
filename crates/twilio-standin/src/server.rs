//! The stand-in's HTTP side: one handler that records each request, checks
//! it and answers the way Twilio does.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::spec::{self, Param};
use crate::{numbers, Failure, RecordedRequest, Shared};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// A fresh sid: the prefix and 32 hex digits, like Twilio's.
pub(crate) fn new_sid(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::now_v7().simple())
}

/// What to answer.
pub(crate) enum Outcome {
    Answer {
        status: StatusCode,
        body: Value,
        rejection: Option<String>,
    },
    Hang(Duration),
}

impl Outcome {
    pub(crate) fn ok(status: StatusCode, body: Value) -> Self {
        Outcome::Answer {
            status,
            body,
            rejection: None,
        }
    }

    /// A refusal because of the request's format.
    pub(crate) fn reject(status: StatusCode, code: Option<u32>, message: String) -> Self {
        Outcome::Answer {
            status,
            body: error_body(status, code, &message),
            rejection: Some(message),
        }
    }

    /// An injected failure: not a rejection of the request.
    pub(crate) fn fail(status: StatusCode, code: u32, message: &str) -> Self {
        Outcome::ok(status, error_body(status, Some(code), message))
    }
}

/// Twilio's error body.
fn error_body(status: StatusCode, code: Option<u32>, message: &str) -> Value {
    json!({
        "code": code,
        "message": message,
        "more_info": code.map(|c| format!("https://www.twilio.com/docs/errors/{c}")),
        "status": status.as_u16(),
    })
}

async fn handle(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut request = RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default(),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        basic_auth: basic_auth(&headers),
        params: url::form_urlencoded::parse(&body).into_owned().collect(),
        status: 0,
        rejection: None,
        response: Value::Null,
    };
    let outcome = route(&shared, &request, &body);
    let (status, json) = match outcome {
        Outcome::Answer {
            status,
            body,
            rejection,
        } => {
            request.rejection = rejection;
            (status, body)
        }
        Outcome::Hang(duration) => {
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            request.status = status.as_u16();
            shared.lock().requests.push(request);
            // Recorded first so a test sees the request while the client waits.
            tokio::time::sleep(duration).await;
            let body = error_body(status, Some(20500), "An internal server error has occurred");
            return (status, axum::Json(body)).into_response();
        }
    };
    request.status = status.as_u16();
    request.response = json.clone();
    shared.lock().requests.push(request);
    (status, axum::Json(json)).into_response()
}

fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(BASE64.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn route(shared: &Shared, request: &RecordedRequest, body: &[u8]) -> Outcome {
    let not_found = || {
        Outcome::reject(
            StatusCode::NOT_FOUND,
            Some(20404),
            format!("The requested resource {} was not found", request.path),
        )
    };
    let segments: Vec<&str> = request.path.trim_start_matches('/').split('/').collect();
    let ["2010-04-01", "Accounts", account, rest @ ..] = segments.as_slice() else {
        return not_found();
    };
    let expected = (shared.account_sid.clone(), shared.auth_token.clone());
    if request.basic_auth.as_ref() != Some(&expected) {
        return Outcome::reject(StatusCode::UNAUTHORIZED, Some(20003), "Authenticate".into());
    }
    if *account != shared.account_sid {
        return not_found();
    }
    match (request.method.as_str(), rest) {
        ("POST", ["Messages.json"]) => create_message(shared, request, body),
        ("GET", ["AvailablePhoneNumbers", country, "Local.json"]) => {
            numbers::available_numbers(shared, request, country)
        }
        ("POST", ["IncomingPhoneNumbers.json"]) => numbers::buy_number(shared, request, body),
        _ => not_found(),
    }
}

/// The checks every form POST gets before its own.
pub(crate) fn check_form(
    request: &RecordedRequest,
    body: &[u8],
    spec: &[Param],
) -> Result<(), Outcome> {
    let bad = |message: String| {
        Outcome::reject(
            StatusCode::BAD_REQUEST,
            None,
            format!("Twilio stand-in: {message}"),
        )
    };
    let media_type = request
        .content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(str::trim);
    if media_type != Some("application/x-www-form-urlencoded") {
        return Err(bad(format!(
            "Content-Type must be application/x-www-form-urlencoded, got {:?}",
            request.content_type
        )));
    }
    if std::str::from_utf8(body).is_err() {
        return Err(bad("the form body is not UTF-8".into()));
    }
    spec::check(spec, &request.params).map_err(bad)
}

fn create_message(shared: &Shared, request: &RecordedRequest, body: &[u8]) -> Outcome {
    if let Err(outcome) = check_form(request, body, spec::MESSAGE_PARAMS) {
        return outcome;
    }
    let has = |name: &str| request.param(name).is_some_and(|v| !v.is_empty());
    // Twilio's own codes for a missing To, From or Body.
    if !has("To") {
        return Outcome::reject(
            StatusCode::BAD_REQUEST,
            Some(21604),
            "A 'To' phone number is required.".into(),
        );
    }
    if !(has("From") || has("MessagingServiceSid")) {
        return Outcome::reject(
            StatusCode::BAD_REQUEST,
            Some(21603),
            "A 'From' or 'MessagingServiceSid' parameter is required to send a message.".into(),
        );
    }
    if !(has("Body") || has("MediaUrl") || has("ContentSid")) {
        return Outcome::reject(
            StatusCode::BAD_REQUEST,
            Some(21602),
            "Message body is required.".into(),
        );
    }
    let text = request.param("Body").unwrap_or_default();
    if text.chars().count() > 1600 {
        return Outcome::reject(
            StatusCode::BAD_REQUEST,
            Some(21617),
            "The concatenated message body exceeds the 1600 character limit.".into(),
        );
    }
    let to = request.param("To").unwrap_or_default();
    match shared.lock().failures.pop_front() {
        None => {}
        Some(Failure::ServerError) => {
            return Outcome::fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                20500,
                "An internal server error has occurred",
            )
        }
        Some(Failure::RateLimited) => {
            return Outcome::fail(StatusCode::TOO_MANY_REQUESTS, 20429, "Too Many Requests")
        }
        Some(Failure::Hang(duration)) => return Outcome::Hang(duration),
        Some(Failure::InvalidTo) => {
            return Outcome::fail(
                StatusCode::BAD_REQUEST,
                21211,
                &format!("The 'To' number {to} is not a valid phone number."),
            )
        }
        Some(Failure::Unsubscribed) => {
            return Outcome::fail(
                StatusCode::BAD_REQUEST,
                21610,
                "Attempt to send to unsubscribed recipient",
            )
        }
    }
    let sid = new_sid("SM");
    let account = &shared.account_sid;
    let now = chrono::Utc::now().to_rfc2822();
    let service = request.param("MessagingServiceSid");
    let segments = text.chars().count().max(1).div_ceil(153);
    // The official 201 body (twilio-oai's `createWithQueuedStatus` shape).
    Outcome::ok(
        StatusCode::CREATED,
        json!({
            "account_sid": account,
            "api_version": "2010-04-01",
            "body": text,
            "date_created": now,
            "date_sent": null,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": null,
            "error_message": null,
            "from": request.param("From"),
            "messaging_service_sid": service,
            "num_media": request.params_named("MediaUrl").len().to_string(),
            "num_segments": segments.to_string(),
            "price": null,
            "price_unit": null,
            "sid": sid,
            "status": if service.is_some() { "accepted" } else { "queued" },
            "subresource_uris": {
                "media": format!("/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json"),
            },
            "to": to,
            "uri": format!("/2010-04-01/Accounts/{account}/Messages/{sid}.json"),
        }),
    )
}

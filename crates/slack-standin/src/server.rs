//! The stand-in's HTTP side: one route, `POST /api/{method}`.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::{Failure, HeldMessage, Inner, RecordedCall, BOT_TOKEN, BOT_USER, TEAM_ID, TEAM_NAME};

type Shared = Arc<Mutex<Inner>>;

pub(crate) fn router(inner: Shared) -> Router {
    Router::new()
        .route("/api/{method}", post(call))
        .with_state(inner)
}

async fn call(
    State(inner): State<Shared>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let args = arguments(&headers, &body);
    let mut inner = inner.lock().unwrap_or_else(PoisonError::into_inner);
    let (status, response) = answer(&mut inner, &method, &headers, &args);
    inner.calls.push(RecordedCall {
        method,
        args,
        status: status.as_u16(),
        response: response.clone(),
    });
    match status {
        StatusCode::TOO_MANY_REQUESTS => (
            status,
            [(header::RETRY_AFTER, response["retry_after"].to_string())],
        )
            .into_response(),
        StatusCode::INTERNAL_SERVER_ERROR => (status, "upstream failure").into_response(),
        _ => (status, Json(response)).into_response(),
    }
}

/// Adds the channel `name` and returns its new id (`C…`).
pub(crate) fn add_channel(inner: &mut Inner, name: &str) -> String {
    let id = format!("C0CH{:06}", inner.channels.len() + 1);
    inner.channels.insert(name.to_string(), id.clone());
    id
}

/// The arguments of a JSON or form call, as a JSON object.
fn arguments(headers: &HeaderMap, body: &[u8]) -> Value {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        return serde_json::from_slice(body).unwrap_or(Value::Null);
    }
    let form: Map<String, Value> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    Value::Object(form)
}

fn refuse(error: &str) -> (StatusCode, Value) {
    (StatusCode::OK, json!({"ok": false, "error": error}))
}

fn answer(
    inner: &mut Inner,
    method: &str,
    headers: &HeaderMap,
    args: &Value,
) -> (StatusCode, Value) {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match bearer {
        None => return refuse("not_authed"),
        Some(token) if token != BOT_TOKEN => return refuse("invalid_auth"),
        Some(_) if inner.revoked => return refuse("token_revoked"),
        Some(_) => {}
    }
    if let Some(failure) = inner.failures.get_mut(method).and_then(|f| f.pop_front()) {
        return match failure {
            Failure::Error(code) => refuse(code),
            Failure::RateLimited(seconds) => (
                StatusCode::TOO_MANY_REQUESTS,
                json!({"ok": false, "error": "ratelimited", "retry_after": seconds}),
            ),
            Failure::ServerError => (StatusCode::INTERNAL_SERVER_ERROR, Value::Null),
        };
    }
    if !args.is_object() {
        return refuse("invalid_json");
    }
    let text = |name: &str| args[name].as_str().filter(|s| !s.is_empty());
    match method {
        "chat.postMessage" => {
            let Some(channel) = text("channel") else {
                return refuse("channel_not_found");
            };
            if text("text").is_none() && !args["blocks"].is_array() {
                return refuse("no_text");
            }
            inner.next_ts += 1;
            let ts = format!("1764800000.{:06}", inner.next_ts);
            let message = HeldMessage {
                channel: channel.to_string(),
                ts: ts.clone(),
                text: text("text").unwrap_or_default().to_string(),
                blocks: args["blocks"].clone(),
            };
            inner.messages.push(message);
            (
                StatusCode::OK,
                json!({"ok": true, "channel": channel, "ts": ts, "message": {"text": args["text"], "blocks": args["blocks"]}}),
            )
        }
        "chat.update" | "chat.delete" => {
            let (Some(channel), Some(ts)) = (text("channel"), text("ts")) else {
                return refuse("cant_update_message");
            };
            let Some(at) = inner
                .messages
                .iter()
                .position(|m| m.channel == channel && m.ts == ts)
            else {
                return refuse("message_not_found");
            };
            if method == "chat.delete" {
                inner.messages.remove(at);
            } else {
                let held = &mut inner.messages[at];
                held.text = text("text").unwrap_or_default().to_string();
                held.blocks = args["blocks"].clone();
            }
            (
                StatusCode::OK,
                json!({"ok": true, "channel": channel, "ts": ts}),
            )
        }
        "views.open" => {
            if text("trigger_id").is_none() {
                return refuse("invalid_trigger_id");
            }
            if !args["view"].is_object() {
                return refuse("invalid_arguments");
            }
            (
                StatusCode::OK,
                json!({"ok": true, "view": {"id": "V0STANDIN"}}),
            )
        }
        "conversations.create" => {
            let name = text("name").unwrap_or_default();
            if name.is_empty() {
                return refuse("invalid_name_required");
            }
            if name.chars().count() > 80 {
                return refuse("invalid_name_maxlength");
            }
            if !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
            {
                return refuse("invalid_name_specials");
            }
            if inner.channels.contains_key(name) {
                return refuse("name_taken");
            }
            let id = add_channel(inner, name);
            (
                StatusCode::OK,
                json!({"ok": true, "channel": {"id": id, "name": name, "is_channel": true,
                       "is_private": args["is_private"].as_bool().unwrap_or(false)}}),
            )
        }
        "auth.test" => (
            StatusCode::OK,
            json!({"ok": true, "url": "https://standin.slack.com/", "team": TEAM_NAME,
                   "user": BOT_USER, "team_id": TEAM_ID, "user_id": "U0STANDINBOT"}),
        ),
        "users.lookupByEmail" => {
            let Some(email) = text("email") else {
                return refuse("users_not_found");
            };
            match inner
                .users
                .iter()
                .find(|(_, e)| e.eq_ignore_ascii_case(email))
            {
                Some((id, email)) => (
                    StatusCode::OK,
                    json!({"ok": true, "user": {"id": id, "profile": {"email": email}}}),
                ),
                None => refuse("users_not_found"),
            }
        }
        "users.info" => {
            let Some(user) = text("user") else {
                return refuse("user_not_found");
            };
            match inner.users.get(user) {
                Some(email) => (
                    StatusCode::OK,
                    json!({"ok": true, "user": {"id": user, "profile": {"email": email}}}),
                ),
                None => refuse("user_not_found"),
            }
        }
        _ => refuse("unknown_method"),
    }
}

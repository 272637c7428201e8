//! Slack's Web API, the calls notifications need: `chat.postMessage`,
//! `chat.update`, `chat.delete`, `views.open`, `users.info`,
//! `users.lookupByEmail`, `conversations.create` (a new inbox's own
//! channel), and `auth.test` to check a token when connecting. Every call is
//! a POST with the bot token as a bearer token; Slack answers 200 with
//! `{"ok": false, "error": "…"}` for a refusal and 429 with `Retry-After`
//! when it wants us to slow down.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::Error;

/// Slack's Web API unless configured otherwise (`slack_api_base`).
pub const DEFAULT_API_BASE: &str = "https://slack.com/api";

/// How long to wait on a 429 that names no time.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Refusals that say Slack itself failed: worth trying again.
const TRANSIENT_ERRORS: &[&str] = &[
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "ratelimited",
];

/// A bot token's client of one Slack workspace.
#[derive(Clone)]
pub struct SlackClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

// Written by hand so that the token never reaches a log.
impl std::fmt::Debug for SlackClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// A message posted: where it is, to update or delete it later.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PostedMessage {
    /// The channel's id (`C…`, or `D…` for a direct message).
    pub channel: String,
    /// The message's timestamp, its id within the channel.
    pub ts: String,
}

/// Who a bot token is (`auth.test`): checked when an admin connects Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    /// The Slack workspace's id (`T…`): interactions name it.
    pub team_id: String,
    /// The Slack workspace's name.
    pub team: String,
    /// The bot's user name.
    pub bot_user: String,
}

/// A Slack user, as far as Switchboard cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackUser {
    /// `U…`.
    pub id: String,
    /// The email of their profile (needs the `users:read.email` scope).
    pub email: Option<String>,
}

/// A channel the bot created (`conversations.create`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedChannel {
    /// `C…`.
    pub id: String,
    /// Its name, as Slack kept it.
    pub name: String,
}

impl SlackClient {
    /// A client of `base` (`https://slack.com/api`) with the bot `token`,
    /// over the caller's shared `http` client (its timeouts apply).
    pub fn new(base: &str, token: &str, http: reqwest::Client) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            http,
        }
    }

    /// Posts a message with `text` (the notification's plain fallback) and `blocks`.
    pub async fn post_message(
        &self,
        channel: &str,
        text: &str,
        blocks: &Value,
    ) -> Result<PostedMessage, Error> {
        let body =
            json!({"channel": channel, "text": text, "blocks": blocks, "unfurl_links": false});
        let answer = self.call("chat.postMessage", &body).await?;
        serde_json::from_value(answer)
            .map_err(|e| Error::UnexpectedResponse(format!("chat.postMessage: {e}")))
    }

    /// Replaces a message's text and blocks.
    pub async fn update(
        &self,
        message: &PostedMessage,
        text: &str,
        blocks: &Value,
    ) -> Result<(), Error> {
        let body =
            json!({"channel": message.channel, "ts": message.ts, "text": text, "blocks": blocks});
        self.call("chat.update", &body).await.map(drop)
    }

    /// Deletes a message; one already gone counts as deleted.
    pub async fn delete(&self, message: &PostedMessage) -> Result<(), Error> {
        let body = json!({"channel": message.channel, "ts": message.ts});
        match self.call("chat.delete", &body).await {
            Err(Error::Permanent { code, .. }) if code.as_deref() == Some("message_not_found") => {
                Ok(())
            }
            other => other.map(drop),
        }
    }

    /// Opens `view` (a modal) for the user whose interaction gave `trigger_id`.
    pub async fn open_view(&self, trigger_id: &str, view: &Value) -> Result<(), Error> {
        let body = json!({"trigger_id": trigger_id, "view": view});
        self.call("views.open", &body).await.map(drop)
    }

    /// Who the token is: the team and the bot user (`auth.test`).
    pub async fn auth_test(&self) -> Result<BotIdentity, Error> {
        let answer = self.call("auth.test", &json!({})).await?;
        let field = |name: &str| answer[name].as_str().unwrap_or_default().to_string();
        let team_id = field("team_id");
        if team_id.is_empty() {
            return Err(Error::UnexpectedResponse(
                "auth.test without a team_id".into(),
            ));
        }
        Ok(BotIdentity {
            team_id,
            team: field("team"),
            bot_user: field("user"),
        })
    }

    /// The Slack user whose profile has `email` (`users.lookupByEmail`):
    /// where a member's direct messages go. `None` when nobody has it.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<String>, Error> {
        match self
            .call("users.lookupByEmail", &json!({"email": email}))
            .await
        {
            Ok(answer) => Ok(answer["user"]["id"].as_str().map(str::to_string)),
            Err(Error::Permanent { code, .. }) if code.as_deref() == Some("users_not_found") => {
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// The user `id`, with the email of their profile.
    pub async fn user(&self, id: &str) -> Result<SlackUser, Error> {
        let answer = self.call("users.info", &json!({"user": id})).await?;
        let user = &answer["user"];
        let id = user["id"]
            .as_str()
            .ok_or_else(|| Error::UnexpectedResponse("users.info without a user id".into()))?;
        Ok(SlackUser {
            id: id.to_string(),
            email: user["profile"]["email"].as_str().map(str::to_string),
        })
    }

    /// Creates the public channel `name` (the bot is its first member, so it
    /// can post there). `Ok(None)` when the name is taken.
    pub async fn create_channel(&self, name: &str) -> Result<Option<CreatedChannel>, Error> {
        let body = json!({"name": name, "is_private": false});
        let answer = match self.call("conversations.create", &body).await {
            Ok(answer) => answer,
            Err(Error::Permanent { code, .. }) if code.as_deref() == Some("name_taken") => {
                return Ok(None)
            }
            Err(other) => return Err(other),
        };
        let channel = &answer["channel"];
        match (channel["id"].as_str(), channel["name"].as_str()) {
            (Some(id), Some(name)) => Ok(Some(CreatedChannel {
                id: id.to_string(),
                name: name.to_string(),
            })),
            _ => Err(Error::UnexpectedResponse(
                "conversations.create without a channel id and name".into(),
            )),
        }
    }

    /// One Web API call; the answer when `ok` is true.
    async fn call(&self, method: &str, body: &Value) -> Result<Value, Error> {
        let response = self
            .http
            .post(format!("{}/{method}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .map_err(|e| Error::Transient(format!("{method}: {e}")))?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(Error::RateLimited(retry_after(response.headers())));
        }
        if status.is_server_error() {
            return Err(Error::Transient(format!("{method}: HTTP {status}")));
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| Error::UnexpectedResponse(format!("{method}: {e}")))?;
        if answer["ok"].as_bool() == Some(true) {
            return Ok(answer);
        }
        let code = answer["error"]
            .as_str()
            .unwrap_or("unknown_error")
            .to_string();
        if TRANSIENT_ERRORS.contains(&code.as_str()) {
            return Err(Error::Transient(format!("{method}: {code}")));
        }
        Err(Error::Permanent {
            message: format!("{method}: {code}"),
            code: Some(code),
        })
    }
}

fn retry_after(headers: &HeaderMap) -> Duration {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_RETRY_AFTER, Duration::from_secs)
}

/// Whether a refusal means the token no longer works (the app was removed,
/// the token revoked): admins must reconnect Slack, retrying will not help.
pub fn is_token_problem(error: &Error) -> bool {
    matches!(
        error.provider_code(),
        Some(
            "invalid_auth" | "token_revoked" | "account_inactive" | "not_authed" | "token_expired"
        )
    )
}

/// The longest channel name Slack accepts.
const MAX_CHANNEL_NAME: usize = 80;

/// A Slack channel name for an inbox called `inbox_name`: `inbox-` and the
/// name in Slack's alphabet (lower-case letters, digits, `-` and `_`, at
/// most 80 characters), with `-{n}` when `n > 1` (the name was taken).
pub fn channel_name(inbox_name: &str, n: u32) -> String {
    let mut slug = String::new();
    for c in inbox_name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let suffix = if n > 1 {
        format!("-{n}")
    } else {
        String::new()
    };
    let room = MAX_CHANNEL_NAME - "inbox-".len() - suffix.len();
    let slug: String = slug.trim_end_matches('-').chars().take(room).collect();
    let slug = slug.trim_end_matches('-');
    match slug.is_empty() {
        true => format!("inbox{suffix}"),
        false => format!("inbox-{slug}{suffix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::channel_name;

    #[test]
    fn an_inbox_name_becomes_a_channel_name_slack_accepts() {
        assert_eq!(channel_name("Support", 1), "inbox-support");
        assert_eq!(
            channel_name("  Billing & Refunds!! ", 1),
            "inbox-billing-refunds"
        );
        assert_eq!(channel_name("Café Ünïcode", 2), "inbox-caf-n-code-2");
        assert_eq!(channel_name("🚀", 1), "inbox");
        assert_eq!(channel_name("🚀", 3), "inbox-3");
        let long = channel_name(&"x".repeat(200), 12);
        assert_eq!(long.len(), 80);
        assert!(long.ends_with("x-12"));
        for name in ["a b", "A.B", "a--b", "-a-"] {
            let made = channel_name(name, 1);
            assert!(made
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'));
            assert!(!made.contains("--"), "{made}");
        }
    }
}

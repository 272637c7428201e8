//! A local stand-in for Slack's Web API, for tests.
//!
//! [`SlackStandin::start`] serves `POST /api/{method}` on `127.0.0.1` and a
//! free port for the methods notifications use — `chat.postMessage`,
//! `chat.update`, `chat.delete`, `views.open`, `users.info`,
//! `users.lookupByEmail`, `conversations.create`, `auth.test` — checking the
//! bearer token and each method's required arguments the way Slack does,
//! and answering `{"ok": true, …}` or `{"ok": false, "error": "…"}` (HTTP 200).
//! Every call is recorded ([`SlackStandin::calls`]). The next calls can be
//! made to fail ([`SlackStandin::fail_next`]: an `ok:false` error, HTTP 429
//! with `Retry-After`, or HTTP 500), the token can be revoked
//! ([`SlackStandin::revoke_token`]), and the stand-in sends signed
//! interactions the way Slack does ([`SlackStandin::send_interaction`]).

mod server;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use anyhow::Context as _;
use serde_json::Value;
use tokio::task::JoinHandle;

/// The bot token the stand-in accepts.
pub const BOT_TOKEN: &str = "xoxb-standin-0000-token";
/// The Slack workspace's id `auth.test` answers (interactions carry it).
pub const TEAM_ID: &str = "T0STANDIN";
/// The Slack workspace's name `auth.test` answers.
pub const TEAM_NAME: &str = "Stand-in Slack";
/// The bot's user name `auth.test` answers.
pub const BOT_USER: &str = "switchboard";
/// The signing secret it signs interactions with.
pub const SIGNING_SECRET: &str = "standin-signing-secret-0123456789";

/// How the next call of a method fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// HTTP 200 `{"ok": false, "error": code}`.
    Error(&'static str),
    /// HTTP 429 with `Retry-After: seconds`.
    RateLimited(u64),
    /// HTTP 500 with no JSON.
    ServerError,
}

/// One call the stand-in answered.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCall {
    /// The Web API method (`chat.postMessage`, …).
    pub method: String,
    /// The arguments (JSON body, or the form body as an object).
    pub args: Value,
    /// The HTTP status answered.
    pub status: u16,
    /// What was answered (`Value::Null` for a 500).
    pub response: Value,
}

impl RecordedCall {
    /// Whether Slack would have done what was asked.
    pub fn ok(&self) -> bool {
        self.response["ok"].as_bool() == Some(true)
    }
}

/// A message the stand-in holds, as Slack would show it.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldMessage {
    /// Its channel.
    pub channel: String,
    /// Its `ts`.
    pub ts: String,
    /// The fallback text.
    pub text: String,
    /// The blocks.
    pub blocks: Value,
}

#[derive(Debug, Default)]
struct Inner {
    calls: Vec<RecordedCall>,
    failures: BTreeMap<String, VecDeque<Failure>>,
    users: BTreeMap<String, String>,
    messages: Vec<HeldMessage>,
    /// Channels by name, with their ids.
    channels: BTreeMap<String, String>,
    revoked: bool,
    next_ts: u64,
}

/// The running stand-in; stops when dropped.
#[derive(Debug)]
pub struct SlackStandin {
    /// Where the Web API is (`http://127.0.0.1:port/api`): a client's `slack_api_base`.
    pub api_base: String,
    inner: Arc<Mutex<Inner>>,
    task: JoinHandle<()>,
}

impl Drop for SlackStandin {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SlackStandin {
    /// Starts serving on a free port of `127.0.0.1`.
    pub async fn start() -> anyhow::Result<Self> {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the Slack stand-in")?;
        let address = listener.local_addr()?;
        let app = server::router(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            api_base: format!("http://{address}/api"),
            inner,
            task,
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.inner().calls.clone()
    }

    /// The calls of one method, oldest first.
    pub fn calls_to(&self, method: &str) -> Vec<RecordedCall> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// The messages in the channels now (posted, updated, not deleted).
    pub fn messages(&self) -> Vec<HeldMessage> {
        self.inner().messages.clone()
    }

    /// The channels that exist, as `(id, name)`, by name.
    pub fn channels(&self) -> Vec<(String, String)> {
        let inner = self.inner();
        inner
            .channels
            .iter()
            .map(|(name, id)| (id.clone(), name.clone()))
            .collect()
    }

    /// A channel `name` that someone else created; returns its id.
    pub fn add_channel(&self, name: &str) -> String {
        server::add_channel(&mut self.inner(), name)
    }

    /// A Slack user `id` whose profile has `email` (for `users.info`).
    pub fn add_user(&self, id: &str, email: &str) {
        self.inner().users.insert(id.to_string(), email.to_string());
    }

    /// The next call of `method` fails as `failure` (queued: call it again
    /// for the call after).
    pub fn fail_next(&self, method: &str, failure: Failure) {
        self.inner()
            .failures
            .entry(method.to_string())
            .or_default()
            .push_back(failure);
    }

    /// From now on every call is refused with `token_revoked`, as when an
    /// admin removes the app from the Slack workspace.
    pub fn revoke_token(&self) {
        self.inner().revoked = true;
    }

    /// POSTs `payload` to `url` as Slack sends an interaction: a form with
    /// `payload=<JSON>`, signed with [`SIGNING_SECRET`] at `timestamp`
    /// (Unix seconds; pass an old one to test refusals).
    pub async fn send_interaction(
        &self,
        url: &str,
        payload: &Value,
        timestamp: i64,
    ) -> anyhow::Result<reqwest::Response> {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish();
        let timestamp = timestamp.to_string();
        let signature = channels::slack::sign(SIGNING_SECRET, &timestamp, body.as_bytes());
        Ok(reqwest::Client::new()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", timestamp)
            .header("x-slack-signature", signature)
            .body(body)
            .send()
            .await?)
    }
}

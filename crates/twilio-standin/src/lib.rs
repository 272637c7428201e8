//! A local stand-in for Twilio's REST API, for tests.
//!
//! [`TwilioStandin::start`] serves, on `127.0.0.1` and a free port:
//! - `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, checking the exact
//!   wire format (path, HTTP basic auth, form encoding, known parameters and
//!   their formats, required ones) and answering with Twilio's official 201 body;
//! - `GET …/AvailablePhoneNumbers/{Country}/Local.json` over a small inventory;
//! - `POST …/IncomingPhoneNumbers.json` to buy one of those numbers.
//!
//! Every request is recorded ([`TwilioStandin::requests`]); a request the
//! stand-in refuses for its format carries a `rejection`. The next sends can be
//! made to fail ([`TwilioStandin::fail_next_sends`]), and the stand-in can post
//! signed status callbacks and inbound texts the way Twilio does
//! ([`TwilioStandin::send_status_callback`], [`TwilioStandin::send_inbound_sms`]).

mod numbers;
mod server;
pub mod spec;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{anyhow, Context as _};
use channels::twilio::{signature, TwilioConfig};
use tokio::task::JoinHandle;

/// The account the stand-in serves unless told otherwise.
pub const ACCOUNT_SID: &str = "AC0123456789abcdef0123456789abcdef";
/// That account's auth token.
pub const AUTH_TOKEN: &str = "standin-auth-token";

/// How the next sends fail (see [`TwilioStandin::fail_next_sends`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// HTTP 500 with Twilio's error body (code 20500).
    ServerError,
    /// HTTP 429 (code 20429).
    RateLimited,
    /// No answer for this long (make it longer than the client's timeout),
    /// then HTTP 500.
    Hang(Duration),
    /// HTTP 400, code 21211: the `To` number is not valid.
    InvalidTo,
    /// HTTP 400, code 21610: the recipient has replied STOP.
    Unsubscribed,
}

/// One request the stand-in received.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The decoded query.
    pub query: Vec<(String, String)>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The basic-auth user and password, when the header was well formed.
    pub basic_auth: Option<(String, String)>,
    /// The decoded form body, in order.
    pub params: Vec<(String, String)>,
    /// The HTTP status answered (500 for a hang).
    pub status: u16,
    /// Why the stand-in refused the request's format, if it did.
    pub rejection: Option<String>,
    /// The JSON answered.
    pub response: serde_json::Value,
}

impl RecordedRequest {
    /// The first value of a form parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a form parameter.
    pub fn params_named(&self, name: &str) -> Vec<&str> {
        self.params
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The `sid` of the resource created, for a successful create.
    pub fn sid(&self) -> Option<&str> {
        self.response.get("sid").and_then(|s| s.as_str())
    }
}

/// A number the stand-in offers for sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryNumber {
    /// E.164.
    pub phone_number: String,
    /// ISO country code.
    pub iso_country: String,
    /// City.
    pub locality: String,
    /// State.
    pub region: String,
}

#[derive(Debug)]
struct Shared {
    account_sid: String,
    auth_token: String,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    requests: Vec<RecordedRequest>,
    failures: VecDeque<Failure>,
    inventory: Vec<InventoryNumber>,
}

impl Shared {
    /// A poisoned lock only means another test thread panicked; the data is
    /// still a list of records.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running stand-in; stops when dropped.
#[derive(Debug)]
pub struct TwilioStandin {
    /// Where it listens, for example `http://127.0.0.1:41234`.
    pub base_url: String,
    /// The account it serves.
    pub account_sid: String,
    /// That account's auth token (basic-auth password and signing key).
    pub auth_token: String,
    shared: Arc<Shared>,
    http: reqwest::Client,
    task: JoinHandle<()>,
}

impl Drop for TwilioStandin {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TwilioStandin {
    /// Starts a stand-in for [`ACCOUNT_SID`] / [`AUTH_TOKEN`].
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_for(ACCOUNT_SID, AUTH_TOKEN).await
    }

    /// Starts a stand-in for another account.
    pub async fn start_for(account_sid: &str, auth_token: &str) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the Twilio stand-in")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            account_sid: account_sid.to_string(),
            auth_token: auth_token.to_string(),
            inner: Mutex::new(Inner {
                inventory: default_inventory(),
                ..Inner::default()
            }),
        });
        let app = server::router(shared.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("Twilio stand-in stopped: {e}");
            }
        });
        Ok(Self {
            base_url: format!("http://{addr}"),
            account_sid: account_sid.to_string(),
            auth_token: auth_token.to_string(),
            shared,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
            task,
        })
    }

    /// A Twilio client configuration pointing at this stand-in.
    pub fn client_config(&self, timeout: Duration) -> TwilioConfig {
        TwilioConfig {
            base_url: self.base_url.clone(),
            account_sid: self.account_sid.clone(),
            auth_token: self.auth_token.clone(),
            timeout,
        }
    }

    /// Makes the next `n` message sends that pass the format checks fail this way.
    pub fn fail_next_sends(&self, n: usize, failure: Failure) {
        self.shared.lock().failures.extend((0..n).map(|_| failure));
    }

    /// Every request received, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Requests refused for their format (a test of a client expects none).
    pub fn rejections(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.rejection.is_some())
            .collect()
    }

    /// Messages the stand-in accepted (201), oldest first.
    pub fn sent_messages(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.status == 201 && r.path.ends_with("/Messages.json"))
            .collect()
    }

    /// Adds a number to those offered for sale.
    pub fn add_available_number(&self, number: InventoryNumber) {
        self.shared.lock().inventory.push(number);
    }

    /// Posts `params` to `url` as a form, signed with this account's token
    /// the way Twilio signs webhooks.
    pub async fn post_signed(
        &self,
        url: &str,
        params: &[(String, String)],
    ) -> anyhow::Result<reqwest::Response> {
        let signature = signature::sign(url, params, &self.auth_token);
        Ok(self
            .http
            .post(url)
            .header(signature::HEADER, signature)
            .form(params)
            .send()
            .await?)
    }

    /// Posts a signed status callback for a message this stand-in accepted,
    /// to the `StatusCallback` it was sent with, with the fields Twilio sends.
    /// Call it in any order (`delivered` before `sent`) to test reordering.
    pub async fn send_status_callback(
        &self,
        message_sid: &str,
        status: &str,
        error_code: Option<&str>,
    ) -> anyhow::Result<reqwest::StatusCode> {
        let sent = self
            .sent_messages()
            .into_iter()
            .find(|r| r.sid() == Some(message_sid))
            .ok_or_else(|| anyhow!("the stand-in accepted no message {message_sid}"))?;
        let url = sent
            .param("StatusCallback")
            .ok_or_else(|| anyhow!("message {message_sid} was sent without a StatusCallback"))?
            .to_string();
        let mut params = vec![
            ("SmsSid", message_sid),
            ("SmsStatus", status),
            ("MessageStatus", status),
            ("To", sent.param("To").unwrap_or_default()),
            ("MessageSid", message_sid),
            ("AccountSid", &self.account_sid),
            ("From", sent.param("From").unwrap_or_default()),
            ("ApiVersion", "2010-04-01"),
        ];
        if let Some(code) = error_code {
            params.push(("ErrorCode", code));
        }
        let params = owned(&params);
        Ok(self.post_signed(&url, &params).await?.status())
    }

    /// Posts a signed inbound-text webhook to `url`, as Twilio does when a
    /// customer texts one of the account's numbers. `media` is a list of
    /// `(url, content type)`.
    pub async fn send_inbound_sms(
        &self,
        url: &str,
        from: &str,
        to: &str,
        body: &str,
        media: &[(&str, &str)],
    ) -> anyhow::Result<reqwest::Response> {
        let sid = server::new_sid(if media.is_empty() { "SM" } else { "MM" });
        let num_media = media.len().to_string();
        let mut params = vec![
            ("ToCountry", "US"),
            ("SmsMessageSid", sid.as_str()),
            ("NumMedia", num_media.as_str()),
            ("SmsSid", sid.as_str()),
            ("SmsStatus", "received"),
            ("Body", body),
            ("To", to),
            ("NumSegments", "1"),
            ("MessageSid", sid.as_str()),
            ("AccountSid", self.account_sid.as_str()),
            ("From", from),
            ("ApiVersion", "2010-04-01"),
        ];
        let keys: Vec<(String, String)> = (0..media.len())
            .map(|i| (format!("MediaUrl{i}"), format!("MediaContentType{i}")))
            .collect();
        for ((url_key, type_key), (media_url, content_type)) in keys.iter().zip(media) {
            params.push((url_key, media_url));
            params.push((type_key, content_type));
        }
        let params = owned(&params);
        self.post_signed(url, &params).await
    }
}

fn owned(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn default_inventory() -> Vec<InventoryNumber> {
    [
        ("+14155550101", "San Francisco", "CA"),
        ("+14155550102", "San Francisco", "CA"),
        ("+12125550103", "New York", "NY"),
        ("+13125550104", "Chicago", "IL"),
    ]
    .into_iter()
    .map(|(n, locality, region)| InventoryNumber {
        phone_number: n.to_string(),
        iso_country: "US".to_string(),
        locality: locality.to_string(),
        region: region.to_string(),
    })
    .collect()
}

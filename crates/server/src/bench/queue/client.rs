//! A signed-in API client, as the web app's scripts are: a session cookie,
//! and the CSRF token on writes.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::bench::BenchError;
use crate::http::auth::CSRF_HEADER;

/// One request a figure makes.
#[derive(Debug, Clone)]
pub enum Call {
    /// `GET` this path (with its query).
    Get(String),
    /// `POST` this JSON to this path.
    Post(String, Value),
}

/// A user signed in over the API.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
    /// Their user id.
    pub user_id: String,
    /// Their (first) workspace's id.
    pub workspace_id: String,
}

impl Client {
    /// Signs in with an address and password.
    pub async fn sign_in(base: &str, email: &str, password: &str) -> Result<Self, BenchError> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| BenchError::Http(format!("cannot build a client: {e}")))?;
        let mut client = Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            csrf: String::new(),
            user_id: String::new(),
            workspace_id: String::new(),
        };
        let session = client
            .call(&Call::Post(
                "/api/v1/session".into(),
                json!({ "email": email, "password": password }),
            ))
            .await?;
        client.csrf = text(&session, "/csrf_token")?;
        client.user_id = text(&session, "/user/id")?;
        let me = client.call(&Call::Get("/api/v1/me".into())).await?;
        client.workspace_id = text(&me, "/workspaces/0/id")?;
        Ok(client)
    }

    /// The workspace's API path followed by `rest`.
    pub fn ws(&self, rest: &str) -> String {
        format!("/api/v1/workspaces/{}{rest}", self.workspace_id)
    }

    /// Makes a call; an answer other than 2xx is an error naming it.
    pub async fn call(&self, call: &Call) -> Result<Value, BenchError> {
        let (request, path) = match call {
            Call::Get(path) => (self.http.get(format!("{}{path}", self.base)), path),
            Call::Post(path, body) => (
                self.http
                    .post(format!("{}{path}", self.base))
                    .header(CSRF_HEADER, &self.csrf)
                    .json(body),
                path,
            ),
        };
        let response = request
            .send()
            .await
            .map_err(|e| BenchError::Http(format!("{path}: {e}")))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| BenchError::Http(format!("{path}: {e}")))?;
        if !status.is_success() {
            return Err(BenchError::Http(format!(
                "{path}: {status}: {}",
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            )));
        }
        Ok(serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Makes a call and says how long the answer took (read whole).
    pub async fn time(&self, call: &Call) -> Result<Duration, BenchError> {
        let started = Instant::now();
        self.call(call).await?;
        Ok(started.elapsed())
    }
}

/// The string at a JSON pointer, or an error naming it.
pub fn text(value: &Value, pointer: &str) -> Result<String, BenchError> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| BenchError::Http(format!("the answer has no {pointer}")))
}

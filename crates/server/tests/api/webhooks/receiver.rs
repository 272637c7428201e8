//! A customer's webhook endpoint on loopback: records every delivery, checks
//! its signature with the Standard Webhooks reference library (an
//! implementation independent of ours), and answers as told.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;

/// One delivery as the endpoint received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// `webhook-id`.
    pub id: String,
    /// The JSON body.
    pub body: serde_json::Value,
    /// Whether the signature verified with the endpoint's secret.
    pub verified: bool,
}

#[derive(Debug, Default)]
struct Inner {
    secret: Option<String>,
    /// Statuses to answer, in order; after them, 200.
    answers: Vec<u16>,
    /// How long to take before answering.
    hold: std::time::Duration,
    received: Vec<Received>,
}

/// The endpoint and what it has seen.
#[derive(Debug, Clone, Default)]
pub struct Receiver {
    inner: Arc<Mutex<Inner>>,
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
}

impl Receiver {
    /// Starts an endpoint on a free port.
    pub async fn start() -> Self {
        let mut receiver = Receiver::default();
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        receiver.url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    /// The secret deliveries must be signed with.
    pub fn expect_secret(&self, secret: &str) {
        self.inner.lock().unwrap().secret = Some(secret.to_string());
    }

    /// Answers these statuses to the next requests, then 200s.
    pub fn answer(&self, statuses: &[u16]) {
        self.inner.lock().unwrap().answers = statuses.to_vec();
    }

    /// Takes this long before answering each request.
    pub fn hold(&self, hold: std::time::Duration) {
        self.inner.lock().unwrap().hold = hold;
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let (status, hold) = record(&receiver, &headers, &body);
    tokio::time::sleep(hold).await;
    StatusCode::from_u16(status).unwrap()
}

fn record(receiver: &Receiver, headers: &HeaderMap, body: &Bytes) -> (u16, std::time::Duration) {
    let mut inner = receiver.inner.lock().unwrap();
    let verified = inner.secret.as_deref().is_some_and(|secret| {
        standardwebhooks::Webhook::new(secret)
            .and_then(|hook| hook.verify(body, headers))
            .is_ok()
    });
    inner.received.push(Received {
        id: headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        body: serde_json::from_slice(body).unwrap_or(serde_json::Value::Null),
        verified,
    });
    let status = if inner.answers.is_empty() {
        200
    } else {
        inner.answers.remove(0)
    };
    (status, inner.hold)
}

//! Shared test helpers: test data paths and a webhook receiver.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use channels::twilio::{signature, twiml};

/// A file under the repository's `testdata/`.
pub fn testdata(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(path)
}

/// Reads a JSON test-data file.
pub fn testdata_json(path: &str) -> serde_json::Value {
    let file = testdata(path);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
    serde_json::from_str(&text).unwrap()
}

/// One webhook the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub params: Vec<(String, String)>,
    pub signature: Option<String>,
}

/// A stand-in for Switchboard's webhook endpoints: records each form POST and
/// answers with empty TwiML.
pub struct Receiver {
    /// The public URL root, like `SWITCHBOARD_PUBLIC_URL`.
    pub public_url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let app = axum::Router::new()
            .fallback(record)
            .with_state(received.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            public_url: format!("http://{addr}"),
            received,
            task,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Whether a received webhook carries a valid signature for `auth_token`,
    /// checked the way the server will: over its public URL.
    pub fn is_signed(&self, webhook: &Received, auth_token: &str) -> bool {
        let url = format!("{}{}", self.public_url, webhook.path);
        signature::validate(
            &url,
            &webhook.params,
            auth_token,
            webhook.signature.as_deref().unwrap_or_default(),
        )
    }
}

async fn record(
    State(received): State<Arc<Mutex<Vec<Received>>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> ([(&'static str, &'static str); 1], String) {
    received.lock().unwrap().push(Received {
        path: uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        params: channels::twilio::parse_form(&body),
        signature: headers
            .get(signature::HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    });
    (
        [("content-type", twiml::CONTENT_TYPE)],
        twiml::empty_response(),
    )
}

//! The load: N signed inbound-text webhooks, prepared before the clock
//! starts, posted from C concurrent connections.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http;
use channels::twilio::signature;
use domain::{
    Channel, ChannelId, ChannelKind, Inbox, PhoneNumber, Provider, Purpose, Workspace, WorkspaceId,
};
use http_body_util::{BodyExt, Full};
use store::StoreError;

use super::{BenchError, IngestOptions};
use crate::services::state::AppState;

/// Area codes the senders' numbers are spread over, 10,000 numbers each.
const AREA_CODES: [&str; 9] = [
    "415", "212", "312", "617", "206", "303", "512", "702", "646",
];
/// The most distinct senders the numbering above gives.
pub(super) const MAX_CONTACTS: usize = AREA_CODES.len() * 10_000;
/// How long one webhook may take before it counts as not acknowledged.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The bench's workspace, inbox and Twilio channel, and its customers' numbers.
#[derive(Debug)]
pub struct Fixture {
    /// The inbox the channel feeds.
    pub inbox: Inbox,
    /// The Twilio channel the webhooks name.
    pub channel: Channel,
    /// The channel's auth token, which signs the webhooks.
    auth_token: String,
    /// The customers, in the order messages cycle through them.
    pub senders: Vec<PhoneNumber>,
}

impl Fixture {
    /// Writes a workspace, an inbox and a Twilio channel (with made-up
    /// credentials: nothing is sent to Twilio) straight to the store.
    pub async fn create(state: &AppState, contacts: usize) -> Result<Self, BenchError> {
        let senders = (0..contacts)
            .map(|i| {
                let raw = format!("+1{}555{:04}", AREA_CODES[i / 10_000], i % 10_000);
                PhoneNumber::parse(&raw, "US")
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| BenchError::Options("a sender number does not parse"))?;
        let now = state.clock.now();
        let workspace = Workspace {
            id: WorkspaceId::generate(),
            name: "Bench".into(),
            created_at: now,
        };
        let inbox = Inbox {
            emoji: "⏱️".into(),
            purpose: Purpose::Support,
            ..Inbox::shared(&workspace.id, "Bench", now)
        };
        let auth_token = uuid::Uuid::now_v7().simple().to_string();
        let settings = serde_json::json!({
            "account_sid": format!("AC{}", uuid::Uuid::now_v7().simple()),
            "auth_token": auth_token,
        });
        let mut tx = state.store.begin().await?;
        store::workspaces::create(&mut tx, &workspace).await?;
        store::inboxes::create(&mut tx, &inbox).await?;
        // Numbers are unique across the database: try a few until one is free.
        let mut channel = None;
        for attempt in 0..100_u32 {
            let candidate = Channel {
                id: ChannelId::generate(),
                inbox_id: inbox.id.clone(),
                kind: ChannelKind::Sms,
                provider: Provider::Twilio,
                address: format!("+1628555{:04}", (uuid_low() + attempt) % 10_000),
                settings: settings.to_string(),
                created_at: now,
            };
            match store::channels::create(&mut tx, &candidate).await {
                Ok(()) => {
                    channel = Some(candidate);
                    break;
                }
                Err(StoreError::Duplicate(_)) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        let channel = channel.ok_or(BenchError::Options("no free number for the bench channel"))?;
        tx.commit().await?;
        Ok(Self {
            inbox,
            channel,
            auth_token,
            senders,
        })
    }
}

fn uuid_low() -> u32 {
    (uuid::Uuid::now_v7().as_u128() & 0xffff) as u32
}

/// One prepared webhook.
struct Prepared {
    sid: String,
    body: Bytes,
    signature: String,
}

/// What the load saw.
#[derive(Debug)]
pub(super) struct Run {
    /// The `MessageSid`s answered `200 <Response/>`.
    pub acknowledged: Vec<String>,
    /// Every answered request's latency.
    pub latencies: Vec<Duration>,
    /// From the first request to the last answer.
    pub elapsed: Duration,
}

/// Posts every webhook and waits for every answer.
///
/// Each sender is one keep-alive HTTP/1.1 connection driven by hyper's
/// connection API directly: the load shares the machine's two cores with the
/// server, so a pooling client's bookkeeping per request would be measured
/// as the server's slowness.
pub(super) async fn run(
    state: &AppState,
    fixture: &Fixture,
    options: &IngestOptions,
) -> Result<Run, BenchError> {
    let target = Target::new(&state.settings.public_url, &fixture.channel)?;
    let prepared: Arc<Vec<Prepared>> = Arc::new(
        (0..options.messages)
            .map(|i| prepare(fixture, &target.url, i))
            .collect(),
    );
    let target = Arc::new(target);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..options.concurrency)
        .map(|_| {
            let (target, prepared, next) = (target.clone(), prepared.clone(), next.clone());
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut connection = None;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(webhook) = prepared.get(i) else {
                        return seen;
                    };
                    let sent = Instant::now();
                    let acknowledged = tokio::time::timeout(
                        REQUEST_TIMEOUT,
                        post(&target, &mut connection, webhook),
                    )
                    .await
                    .unwrap_or(false);
                    if !acknowledged {
                        // Whatever went wrong, the next webhook starts afresh.
                        connection = None;
                    }
                    seen.push((i, sent.elapsed(), acknowledged));
                }
            })
        })
        .collect();
    let mut acknowledged = Vec::with_capacity(options.messages);
    let mut latencies = Vec::with_capacity(options.messages);
    for worker in workers {
        // A worker that panicked simply acknowledged nothing more.
        for (i, latency, ok) in worker.await.unwrap_or_default() {
            latencies.push(latency);
            if ok {
                acknowledged.push(prepared[i].sid.clone());
            }
        }
    }
    Ok(Run {
        acknowledged,
        latencies,
        elapsed: started.elapsed(),
    })
}

/// Where the webhooks go.
struct Target {
    /// The full URL, which the signatures cover.
    url: String,
    /// Its socket address.
    address: std::net::SocketAddr,
    /// Its `Host` header.
    host: http::HeaderValue,
    /// Its path.
    path: http::Uri,
}

impl Target {
    fn new(public_url: &str, channel: &Channel) -> Result<Self, BenchError> {
        let url = format!(
            "{}/hooks/twilio/{}/sms",
            public_url.trim_end_matches('/'),
            channel.id
        );
        let parsed = url::Url::parse(&url).map_err(|_| BenchError::Options("bad server URL"))?;
        let address = parsed
            .socket_addrs(|| None)
            .ok()
            .and_then(|a| a.into_iter().next())
            .ok_or(BenchError::Options("the server's address does not resolve"))?;
        let host = http::HeaderValue::from_str(&address.to_string())
            .map_err(|_| BenchError::Options("bad server address"))?;
        let path = http::Uri::try_from(parsed.path())
            .map_err(|_| BenchError::Options("bad webhook path"))?;
        Ok(Self {
            url,
            address,
            host,
            path,
        })
    }
}

type Connection = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// Whether the webhook was acknowledged as Twilio expects: 200 and TwiML.
/// Opens `connection` first when there is none.
async fn post(target: &Target, connection: &mut Option<Connection>, webhook: &Prepared) -> bool {
    if connection.is_none() {
        *connection = connect(target).await;
    }
    let Some(sender) = connection.as_mut() else {
        return false;
    };
    if sender.ready().await.is_err() {
        return false;
    }
    let request = http::Request::post(target.path.clone())
        .header(http::header::HOST, target.host.clone())
        .header(signature::HEADER, &webhook.signature)
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(Full::new(webhook.body.clone()));
    let Ok(request) = request else {
        return false;
    };
    match sender.send_request(request).await {
        Ok(response) if response.status() == http::StatusCode::OK => {
            match response.into_body().collect().await {
                Ok(body) => body
                    .to_bytes()
                    .windows(b"<Response/>".len())
                    .any(|w| w == b"<Response/>"),
                Err(_) => false,
            }
        }
        Ok(_) | Err(_) => false,
    }
}

async fn connect(target: &Target) -> Option<Connection> {
    let stream = tokio::net::TcpStream::connect(target.address).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .ok()?;
    tokio::spawn(connection);
    Some(sender)
}

/// The `i`th webhook, with the fields Twilio sends for a text, signed with
/// the channel's token over the webhook's URL.
fn prepare(fixture: &Fixture, url: &str, i: usize) -> Prepared {
    let sid = format!("SM{}", uuid::Uuid::now_v7().simple());
    let from = fixture.senders[i % fixture.senders.len()]
        .as_str()
        .to_string();
    let params: Vec<(String, String)> = [
        ("ToCountry", "US"),
        ("SmsMessageSid", &sid),
        ("NumMedia", "0"),
        ("SmsSid", &sid),
        ("SmsStatus", "received"),
        (
            "Body",
            &format!("Bench message {i}: is my order on its way?"),
        ),
        ("To", &fixture.channel.address),
        ("NumSegments", "1"),
        ("MessageSid", &sid),
        ("AccountSid", "ACbench"),
        ("From", &from),
        ("ApiVersion", "2010-04-01"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let signature = signature::sign(url, &params, &fixture.auth_token);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    Prepared {
        sid,
        body: Bytes::from(body),
        signature,
    }
}

//! The phone simulator's JSON endpoints (API.md, "Simulator"): the page's
//! script and tests play a customer's phone through these. Not under
//! `/api/v1`: they need no account, like a carrier's network.

use std::net::IpAddr;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::text::Word;
use serde::{Deserialize, Serialize};
use store::simulator::{PhoneDirection, PhoneMessage, SimulatorNumber};

use crate::http::client::ClientAddress;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::rate_limit::RateLimited;
use crate::services::simulator::{self, Text};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// `POST /simulator/api/messages`: a text from the customer's phone.
/// Missing fields read as empty, so each problem is a 422 naming its field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendBody {
    /// The customer's phone, E.164 or national in the server's default region.
    #[serde(default)]
    from: String,
    /// The simulator number texted.
    #[serde(default)]
    to: String,
    /// The text.
    #[serde(default)]
    body: String,
}

/// The answer to a text: where it was stored.
#[derive(Debug, Serialize)]
pub struct SentView {
    /// The inbound message's id.
    pub message_id: String,
    /// The conversation it joined or started.
    pub conversation_id: String,
}

/// `?number=` of `GET /simulator/api/messages`.
#[derive(Debug, Deserialize)]
pub struct PhoneQuery {
    /// The customer's phone.
    #[serde(default)]
    number: String,
}

/// One text on the phone.
#[derive(Debug, Serialize)]
pub struct PhoneMessageView {
    /// The message's id.
    pub id: String,
    /// `from_phone` (the customer wrote it) or `to_phone` (the team's reply).
    pub direction: &'static str,
    /// The simulator number on the other end.
    pub inbox_number: String,
    /// The text, exactly as written: the page shows it as text, never as markup.
    pub body: String,
    /// Pictures and files: `{url, content_type}`; a reply's at its public link.
    pub media: Vec<PhoneMediaView>,
    /// A reply's delivery status (`queued` … `delivered`, `failed`); `null` for the phone's own.
    pub delivery_status: Option<&'static str>,
    /// Why a reply failed.
    pub error: Option<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
}

impl From<PhoneMessage> for PhoneMessageView {
    fn from(m: PhoneMessage) -> Self {
        Self {
            id: m.id.to_string(),
            direction: match m.direction {
                PhoneDirection::FromPhone => "from_phone",
                PhoneDirection::ToPhone => "to_phone",
            },
            inbox_number: m.inbox_number.to_string(),
            body: m.body.as_str().to_string(),
            media: m
                .attachments
                .into_iter()
                .map(|a| PhoneMediaView {
                    url: a.url,
                    content_type: a.content_type,
                })
                .collect(),
            delivery_status: m.delivery_status.map(Word::as_str),
            error: m.error,
            created_at: m
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
    }
}

/// A picture or file on the phone.
#[derive(Debug, Serialize)]
pub struct PhoneMediaView {
    /// Where it is.
    pub url: String,
    /// Its MIME type.
    pub content_type: String,
}

/// What a phone has sent and received.
#[derive(Debug, Serialize)]
pub struct PhoneView {
    /// The phone, in E.164.
    pub number: String,
    /// Its texts, oldest first.
    pub messages: Vec<PhoneMessageView>,
}

/// A number a customer can text.
#[derive(Debug, Serialize)]
pub struct NumberView {
    /// E.164.
    pub number: String,
    /// The inbox it feeds.
    pub inbox_name: String,
    /// The inbox's emoji.
    pub emoji: String,
    /// The inbox's colour.
    pub color: String,
}

impl From<SimulatorNumber> for NumberView {
    fn from(n: SimulatorNumber) -> Self {
        Self {
            number: n.number.to_string(),
            inbox_name: n.inbox_name,
            emoji: n.emoji,
            color: n.color,
        }
    }
}

/// The simulator numbers.
#[derive(Debug, Serialize)]
pub struct NumbersView {
    /// Every number, by business and inbox (business names are not shown:
    /// anyone may call this).
    pub numbers: Vec<NumberView>,
}

/// `POST /simulator/api/messages {from, to, body}` → 201 `{message_id, conversation_id}`;
/// 429 past the limits per client address and per phone.
pub async fn send(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    JsonBody(body): JsonBody<SendBody>,
) -> Result<Response, ApiError> {
    let region = &state.settings.default_region;
    let text = Text::parse(&body.from, &body.to, &body.body, region)?;
    let limits = &state.simulator_limits;
    let now = Instant::now();
    if let Err(limited) = limits
        .texts_per_address
        .take(&client, now)
        .and_then(|()| limits.texts_per_phone.take(&text.from, now))
    {
        tracing::info!(
            retry_after = limited.seconds(),
            "simulator text rate limited"
        );
        return Err(ServiceError::from(limited).into());
    }
    let sent = simulator::send(&state, text).await?;
    Ok((
        StatusCode::CREATED,
        Json(SentView {
            message_id: sent.message_id.to_string(),
            conversation_id: sent.conversation_id.to_string(),
        }),
    )
        .into_response())
}

/// Refused when `client` has read too much lately.
fn limit_reads(state: &AppState, client: IpAddr) -> Result<(), RateLimited> {
    state
        .simulator_limits
        .reads_per_address
        .take(&client, Instant::now())
}

/// `GET /simulator/api/messages?number=` → `{number, messages}`.
pub async fn messages(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Query(query): Query<PhoneQuery>,
) -> Result<Response, ApiError> {
    if let Err(limited) = limit_reads(&state, client) {
        return Err(ServiceError::from(limited).into());
    }
    let phone = simulator::parse_phone("number", &query.number, &state.settings.default_region)?;
    let messages = simulator::phone_messages(&state, &phone).await?;
    Ok(Json(PhoneView {
        number: phone.to_string(),
        messages: messages.into_iter().map(Into::into).collect(),
    })
    .into_response())
}

/// `GET /simulator/api/numbers` → `{numbers}`.
pub async fn numbers(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
) -> Result<Response, ApiError> {
    if let Err(limited) = limit_reads(&state, client) {
        return Err(ServiceError::from(limited).into());
    }
    let numbers = simulator::numbers(&state).await?;
    Ok(Json(NumbersView {
        numbers: numbers.into_iter().map(Into::into).collect(),
    })
    .into_response())
}

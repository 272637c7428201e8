//! `/inboxes/{id}/channels` and `/inboxes/{id}/available-numbers`: the
//! numbers that feed an inbox. Provider credentials go in and never come out.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::text::Word;
use domain::{Channel, ChannelId, ChannelKind, DomainError, PhoneNumber, Provider};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::inbox_id;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::http::query::QueryParams;
use crate::services::inboxes::channels::{self, NewChannel, NumberSearch};
use crate::services::providers::{self, ChannelRequest};
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_channels, connect_channel))
        .routes(routes!(disconnect_channel))
        .routes(routes!(available_numbers))
}

/// A channel as the API shows it: never its provider settings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChannelView {
    /// Its id.
    pub id: String,
    /// The inbox it feeds.
    pub inbox_id: String,
    /// `sms` or `email`.
    #[schema(example = "sms")]
    pub kind: String,
    /// `simulator`, `twilio` or `smtp`.
    #[schema(example = "simulator")]
    pub provider: String,
    /// The E.164 number or the email address customers write to.
    pub address: String,
    /// When it was connected.
    pub created_at: DateTime<Utc>,
}

impl From<&Channel> for ChannelView {
    fn from(channel: &Channel) -> Self {
        Self {
            id: channel.id.to_string(),
            inbox_id: channel.inbox_id.to_string(),
            kind: channel.kind.as_str().to_string(),
            provider: channel.provider.as_str().to_string(),
            address: channel.address.clone(),
            created_at: channel.created_at,
        }
    }
}

/// The channels of an inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelList {
    /// Oldest first.
    pub items: Vec<ChannelView>,
}

/// `POST /inboxes/{id}/channels`: `{kind: "sms", provider: "simulator",
/// phone_number}` or `{kind: "sms", provider: "twilio", phone_number,
/// account_sid, auth_token}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectChannel {
    /// `sms` (email channels arrive with the email work).
    #[schema(example = "sms")]
    kind: String,
    /// `simulator` or `twilio`.
    #[schema(example = "simulator")]
    provider: String,
    /// The number, read in the server's default region unless it starts with `+`.
    phone_number: String,
    /// Twilio: the account SID.
    account_sid: Option<String>,
    /// Twilio: the auth token (stored, never returned).
    auth_token: Option<String>,
    /// Twilio: buy this number now with the server's Twilio account (from
    /// available-numbers) instead of connecting one the workspace owns.
    purchase: Option<bool>,
}

// Written by hand so that the auth token never reaches a log.
impl std::fmt::Debug for ConnectChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectChannel")
            .field("kind", &self.kind)
            .field("provider", &self.provider)
            .field("phone_number", &self.phone_number)
            .finish_non_exhaustive()
    }
}

impl ConnectChannel {
    fn parse(self, region: &str) -> Result<NewChannel, DomainError> {
        if ChannelKind::parse(&self.kind)? != ChannelKind::Sms {
            return Err(DomainError::invalid(
                "kind",
                "only sms channels can be connected for now",
            ));
        }
        let number = PhoneNumber::parse(&self.phone_number, region)
            .map_err(|e| DomainError::invalid("phone_number", e.to_string()))?;
        providers::new_channel(
            number,
            ChannelRequest {
                provider: Provider::parse(&self.provider)?,
                account_sid: self.account_sid.as_deref(),
                auth_token: self.auth_token.as_deref(),
                purchase: self.purchase,
            },
        )
    }
}

/// Filters of `GET /inboxes/{id}/available-numbers`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NumberQuery {
    /// Three digits (US and Canada); 415 when absent.
    area_code: Option<String>,
    /// Digits the number must contain.
    contains: Option<String>,
    /// `simulator` (the default) or `twilio` (the server's Twilio account).
    provider: Option<String>,
}

/// A number that could be connected.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableNumber {
    /// In E.164.
    pub phone_number: String,
    /// Who would carry it.
    #[schema(example = "simulator")]
    pub provider: String,
}

/// Numbers that could be connected.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableNumbers {
    /// A few numbers matching the filters.
    pub items: Vec<AvailableNumber>,
}

/// The channels of an inbox (members and admins; settings are never shown).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/inboxes/{id}/channels", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ChannelList), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such inbox, or not yours to see")))]
async fn list_channels(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<ChannelList>, ApiError> {
    let id = inbox_id(&id)?;
    let channels = channels::list(&state, &who, &id).await?;
    let items = channels.iter().map(ChannelView::from).collect();
    Ok(Json(ChannelList { items }))
}

/// Connect an SMS number to an inbox (admins).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/inboxes/{id}/channels", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    request_body = ConnectChannel, security(("session" = []), ("token" = [])),
    responses((status = 201, body = ChannelView), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"), (status = 404, description = "No such inbox, or not yours to see"),
        (status = 409, description = "`number_taken`: the number is connected already"),
        (status = 422, description = "A field is invalid, or Twilio refused the purchase"),
        (status = 502, description = "Twilio did not answer")))]
async fn connect_channel(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<ConnectChannel>,
) -> Result<(StatusCode, Json<ChannelView>), ApiError> {
    let id = inbox_id(&id)?;
    let new = body.parse(&state.settings.default_region)?;
    let channel = channels::connect(&state, &who, &id, new).await?;
    Ok((StatusCode::CREATED, Json(ChannelView::from(&channel))))
}

/// Disconnect a channel (admins); its conversations stay.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/inboxes/{id}/channels/{ch}", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id"),
        ("ch" = String, Path, description = "Channel id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Disconnected"), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such inbox or channel, or not yours to see")))]
async fn disconnect_channel(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id, ch)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = inbox_id(&id)?;
    let ch = ChannelId::parse(&ch).map_err(|_| ApiError::not_found("no such channel"))?;
    channels::disconnect(&state, &who, &id, &ch).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Numbers the provider can give (admins). The simulator offers fictional
/// 555-01xx numbers; `provider=twilio` searches Twilio's inventory with the
/// server's Twilio account (422 `twilio_not_configured` without one).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/inboxes/{id}/available-numbers", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id"),
        NumberQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = AvailableNumbers), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"), (status = 404, description = "No such inbox, or not yours to see"),
        (status = 422, description = "A filter is invalid, or Twilio is not configured or refused"),
        (status = 502, description = "Twilio did not answer")))]
async fn available_numbers(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    QueryParams(query): QueryParams<NumberQuery>,
) -> Result<Json<AvailableNumbers>, ApiError> {
    let id = inbox_id(&id)?;
    let search = NumberSearch::parse(query.area_code.as_deref(), query.contains.as_deref())?;
    let provider = match query.provider.as_deref() {
        None => Provider::Simulator,
        Some(word) => Provider::parse(word)?,
    };
    let numbers = channels::available_numbers(&state, &who, &id, &search, provider).await?;
    let items = numbers
        .into_iter()
        .map(|n| AvailableNumber {
            phone_number: n.as_str().to_string(),
            provider: provider.as_str().to_string(),
        })
        .collect();
    Ok(Json(AvailableNumbers { items }))
}

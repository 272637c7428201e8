//! The settings page's number forms: connecting a number (a simulator one,
//! or one bought from Twilio) and disconnecting one.

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use domain::{ChannelId, PhoneNumber};
use serde::Deserialize;

use super::{answer, inbox_id, InboxPath, Posted};
use crate::http::error::ApiError;
use crate::http::ui::pages::numbers::NumberQuery;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::inboxes::channels::{self, NewChannel};
use crate::services::providers;
use crate::services::state::AppState;

/// Connecting a number: the one chosen, the search it came from (and, by
/// its provider, whether connecting buys it from Twilio).
#[derive(Debug, Default, Deserialize)]
pub struct ConnectForm {
    #[serde(default)]
    number: String,
    #[serde(flatten)]
    search: NumberQuery,
    #[serde(default)]
    next: String,
}

/// Disconnecting a number.
#[derive(Debug, Default, Deserialize)]
pub struct DisconnectForm {
    #[serde(default)]
    channel_id: String,
    #[serde(default)]
    next: String,
}

/// `POST …/settings/connect` (admins): a simulator number, or one bought
/// from Twilio.
pub async fn connect(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<ConnectForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let region = state.settings.default_region.clone();
    let done: Result<&'static str, ApiError> = async {
        let number = PhoneNumber::parse(&form.number, &region)?;
        let new = providers::offered(form.search.provider(), number);
        let notice = match new {
            NewChannel::TwilioPurchase { .. } => "Number bought from Twilio and connected.",
            _ => "Number connected.",
        };
        channels::connect(&state, &agent.who, &id, new).await?;
        Ok(notice)
    }
    .await;
    // The same search again, so a refused purchase leaves the admin where
    // they were, with the numbers still offered.
    let posted = Posted {
        search: form.search,
        ..Posted::form("connect").next(form.next)
    };
    answer(&state, &agent, jar, &id, posted, done).await
}

/// `POST …/settings/disconnect` (admins).
pub async fn disconnect(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<DisconnectForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let done: Result<&'static str, ApiError> = async {
        let channel = ChannelId::parse(form.channel_id.trim())
            .map_err(|_| ApiError::not_found("no such channel in this inbox"))?;
        channels::disconnect(&state, &agent.who, &id, &channel).await?;
        Ok("Number disconnected.")
    }
    .await;
    let posted = Posted::form("disconnect").next(form.next);
    answer(&state, &agent, jar, &id, posted, done).await
}

//! The settings page's "Scheduled replies" card (admins): whether a reply
//! scheduled to go later is cancelled when the customer writes first.

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use domain::ScheduledSend;
use serde::Deserialize;

use super::{inbox_id, save_policy, InboxPath, Posted};
use crate::http::error::ApiError;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::inboxes::InboxChanges;
use crate::services::state::AppState;

/// The card's one checkbox: present (`on`) when ticked, absent when not.
#[derive(Debug, Default, Deserialize)]
pub struct ScheduledSendForm {
    #[serde(default)]
    cancel_on_reply: Option<String>,
}

/// `POST …/settings/scheduled-send` (admins).
pub async fn save_scheduled_send(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<ScheduledSendForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let changes = Ok(InboxChanges {
        scheduled_send: Some(ScheduledSend {
            cancel_on_reply: form.cancel_on_reply.is_some(),
        }),
        ..InboxChanges::default()
    });
    save_policy(
        &state,
        &agent,
        jar,
        &id,
        changes,
        Posted::form("scheduled-send"),
        "Scheduled replies saved.",
    )
    .await
}

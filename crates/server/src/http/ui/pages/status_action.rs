//! `POST /w/{ws}/c/{id}/do/status`: the Status menu's Open, Pending,
//! On hold and Close buttons (and their shortcuts), through the same
//! lifecycle function as the API's `/status`.

use axum::extract::State;
use axum::response::Redirect;
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::Status;
use serde::Deserialize;

use super::actions::{answer, ConversationPath};
use super::app::parse_id;
use crate::http::error::ApiError;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::conversations as svc;
use crate::services::state::AppState;

/// The statuses the menu offers, with their words and labels. Done and
/// Snoozed have buttons of their own; New is only ever set by a customer.
pub const MENU: &[(&str, &str)] = &[
    ("open", "Open"),
    ("pending", "Pending"),
    ("on_hold", "On hold"),
    ("closed", "Close"),
];

/// Status: the new one.
#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    status: String,
}

/// `POST …/do/status`.
pub async fn set_status(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    axum::extract::Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let status = Status::parse(&form.status)?;
        svc::set_status(&state, &agent.who, &id, status)
            .await
            .map(drop)
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

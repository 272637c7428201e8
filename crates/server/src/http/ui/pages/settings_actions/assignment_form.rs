//! The settings page's "Assignment" card (admins): the inbox's
//! auto-assignment mode, the per-member cap and contact owner's fallback.

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{AssignmentMode, AssignmentPolicy};
use serde::Deserialize;

use super::{inbox_id, optional, save_policy, InboxPath, Posted};
use crate::http::error::ApiError;
use crate::http::ui::pages::settings::Values;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::inboxes::InboxChanges;
use crate::services::state::AppState;

/// The auto-assignment modes as the Assignment card offers them: the form
/// word, its label, and what it does.
pub const ASSIGNMENT_MODES: &[(&str, &str, &str)] = &[
    ("manual", "Manual", "People take conversations themselves."),
    (
        "round_robin",
        "Round robin",
        "In turn, among the members who are available.",
    ),
    (
        "balanced",
        "Balanced",
        "To the available member with the fewest open conversations.",
    ),
    (
        "contact_owner",
        "Contact owner",
        "To the contact's owner when they are a member and available; otherwise the fallback.",
    ),
];

/// The Assignment card's fields as stored (the fallback shows round robin
/// until one is chosen); the other fields are left empty.
pub fn assignment_values(policy: AssignmentPolicy) -> Values {
    Values {
        assignment_mode: policy.mode.as_str().to_string(),
        assignment_cap: policy.cap.map(|cap| cap.to_string()).unwrap_or_default(),
        assignment_fallback: policy
            .fallback
            .unwrap_or(AssignmentMode::RoundRobin)
            .as_str()
            .to_string(),
        ..Values::default()
    }
}

/// The assignment form: a blank cap is no limit; the fallback matters only
/// for contact owner and is ignored for the other modes.
#[derive(Debug, Default, Deserialize)]
pub struct AssignmentForm {
    #[serde(default)]
    assignment_mode: String,
    #[serde(default)]
    assignment_cap: String,
    #[serde(default)]
    assignment_fallback: String,
}

impl AssignmentForm {
    fn parse(&self) -> Result<AssignmentPolicy, ApiError> {
        let cap = match optional(&self.assignment_cap) {
            None => None,
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                ApiError::unprocessable("validation", "assignment.cap: must be a whole number")
            })?),
        };
        let fallback = (self.assignment_mode == "contact_owner")
            .then(|| optional(&self.assignment_fallback))
            .flatten();
        Ok(AssignmentPolicy::parse(
            &self.assignment_mode,
            cap,
            fallback,
        )?)
    }
}

/// `POST …/settings/assignment` (admins).
pub async fn save_assignment(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<AssignmentForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let changes = form.parse().map(|policy| InboxChanges {
        assignment: Some(policy),
        ..InboxChanges::default()
    });
    let typed = Values {
        assignment_mode: form.assignment_mode,
        assignment_cap: form.assignment_cap,
        assignment_fallback: form.assignment_fallback,
        ..Values::default()
    };
    let posted = Posted::form("assignment").typed(typed);
    save_policy(
        &state,
        &agent,
        jar,
        &id,
        changes,
        posted,
        "Assignment saved.",
    )
    .await
}

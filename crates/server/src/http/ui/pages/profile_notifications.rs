//! The Notifications card of `/w/{ws}/profile`: how I hear of each trigger.

use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use domain::text::Word;

use super::auth::sentence;
use crate::http::error::ApiError;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::notifications::{preferences, Medium, Trigger};
use crate::services::state::AppState;

/// The media offered, in the order shown.
pub const MEDIA: &[(&str, &str)] = &[
    ("in_app", "In the app"),
    ("email", "Email"),
    ("slack_dm", "Slack message"),
    ("off", "Off"),
];

/// What each trigger is called on the page.
fn label(trigger: Trigger) -> &'static str {
    match trigger {
        Trigger::Inbound => "New customer messages",
        Trigger::Assigned => "Assigned to me",
        Trigger::Mentioned => "@mentions of me",
        Trigger::SnoozeWoke => "My snoozed conversations waking",
        Trigger::SlaBreached => "Overdue: mine, or unassigned in my inboxes",
        Trigger::RegistrationCompleted => "Carrier registration completed (admins)",
    }
}

/// My current choices for the page: `(trigger word, label, medium word)`.
pub async fn choices(
    state: &AppState,
    agent: &Agent,
) -> Result<Vec<(&'static str, &'static str, &'static str)>, ApiError> {
    let all = preferences::get(state, &agent.who).await?;
    Ok(all
        .into_iter()
        .filter(|(t, _)| *t != Trigger::RegistrationCompleted || agent.who.role.is_admin())
        .map(|(t, m)| (t.as_str(), label(t), m.as_str()))
        .collect())
}

/// `POST /w/{ws}/profile/notifications`.
pub async fn save(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let mut changes = Vec::new();
    for (name, value) in &fields {
        let Ok(trigger) = Trigger::parse(name) else {
            // The CSRF token and anything else that is not a trigger.
            continue;
        };
        let medium = Medium::parse(value).map_err(|_| {
            ApiError::unprocessable(
                "validation",
                sentence(&format!("{}: choose one of the options", label(trigger))),
            )
        })?;
        changes.push((trigger, medium));
    }
    preferences::set(&state, &agent.who, &changes).await?;
    Ok(super::profile::back(&agent, jar, "Notifications saved."))
}

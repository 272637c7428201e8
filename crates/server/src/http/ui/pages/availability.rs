//! `POST /w/{ws}/availability`: the top bar's Available / Away switch. The
//! same change as the profile page's, one click from every queue.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::Availability;
use serde::Deserialize;

use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::accounts::profile::{self, ProfileChange};
use crate::services::state::AppState;

/// The switch: the availability to change to.
#[derive(Debug, Default, Deserialize)]
pub struct AvailabilityForm {
    #[serde(default)]
    availability: String,
}

/// Sets my availability and goes back to the inbox, saying what it means.
pub async fn set(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path(ws): Path<String>,
    CsrfForm(form): CsrfForm<AvailabilityForm>,
) -> Result<Response, ApiError> {
    let availability = Availability::parse(&form.availability)?;
    let change = ProfileChange {
        availability: Some(availability),
        ..ProfileChange::default()
    };
    profile::update(&state, &agent.who.user, change).await?;
    let notice = match availability {
        Availability::Available => {
            "You are available: auto-assignment gives you new conversations."
        }
        Availability::Away => "You are away: auto-assignment gives you nothing new.",
    };
    let jar = cookies::flash(jar, notice);
    Ok((jar, Redirect::to(&format!("/w/{ws}"))).into_response())
}

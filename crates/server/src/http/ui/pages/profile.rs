//! `/w/{ws}/profile`: my name, time zone, availability and password.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{Availability, Zone};
use serde::Deserialize;

use super::auth::sentence;
use super::settings::Frame;
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::{render, Chrome};
use crate::services::accounts::profile::{self, ProfileChange};
use crate::services::accounts::Password;
use crate::services::state::AppState;

/// The profile page.
#[derive(Debug, Template)]
#[template(path = "team/profile.html")]
pub struct ProfilePage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// My login address.
    pub email: String,
    /// The profile form's values.
    pub values: ProfileForm,
    /// Every zone, for the select.
    pub zones: Vec<&'static str>,
    /// A notice of the last change.
    pub notice: Option<String>,
    /// Why the profile form was refused.
    pub error: Option<String>,
    /// Why the password form was refused.
    pub password_error: Option<String>,
    /// How I hear of each trigger: `(trigger word, label, medium word)`.
    pub notify: Vec<(&'static str, &'static str, &'static str)>,
    /// The media offered: `(word, label)`.
    pub media: &'static [(&'static str, &'static str)],
}

/// The profile form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProfileForm {
    /// My name.
    #[serde(default)]
    pub name: String,
    /// An IANA zone, or empty for none chosen yet.
    #[serde(default)]
    pub time_zone: String,
    /// `available` or `away`.
    #[serde(default)]
    pub availability: String,
}

/// The password form.
#[derive(Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

impl std::fmt::Debug for PasswordForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordForm { .. }")
    }
}

/// `GET /w/{ws}/profile`.
pub async fn page(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    let (jar, notice) = cookies::take_flash(jar);
    let mut page = build(&state, &agent, None).await?;
    page.notice = notice;
    Ok((jar, render(&page)?).into_response())
}

/// `POST /w/{ws}/profile`.
pub async fn save(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<Response, ApiError> {
    let done: Result<(), ApiError> = async {
        let change = ProfileChange {
            name: Some(form.name.clone()),
            time_zone: match form.time_zone.trim() {
                "" => None,
                zone => Some(Zone::parse(zone)?),
            },
            availability: Some(Availability::parse(&form.availability)?),
        };
        profile::update(&state, &agent.who.user, change).await?;
        Ok(())
    }
    .await;
    match done {
        Ok(()) => Ok(back(&agent, jar, "Profile saved.")),
        Err(error) if error.status().is_client_error() => {
            let mut page = build(&state, &agent, Some(form)).await?;
            page.error = Some(sentence(error.public_detail()));
            Ok(render(&page)?.into_response())
        }
        Err(error) => Err(error),
    }
}

/// `POST /w/{ws}/profile/password`.
pub async fn change_password(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, ApiError> {
    let done: Result<(), ApiError> = async {
        let new = Password::parse(form.new_password)?;
        let current = Password::typed(form.current_password);
        profile::change_password(&state, &agent.who.user, current, new).await?;
        Ok(())
    }
    .await;
    match done {
        Ok(()) => Ok(back(&agent, jar, "Password changed.")),
        Err(error) if error.status().is_client_error() => {
            let mut page = build(&state, &agent, None).await?;
            let detail = error.public_detail();
            let detail = if let Some(rest) = detail.strip_prefix("current_password:") {
                format!("Current password:{rest}")
            } else if let Some(rest) = detail.strip_prefix("password:") {
                format!("New password:{rest}")
            } else {
                detail.to_string()
            };
            page.password_error = Some(sentence(&detail));
            Ok(render(&page)?.into_response())
        }
        Err(error) => Err(error),
    }
}

pub(super) fn back(agent: &Agent, jar: CookieJar, notice: &str) -> Response {
    let ws = agent.who.workspace_id.to_string();
    let jar = cookies::flash(jar, notice);
    (jar, Redirect::to(&format!("/w/{ws}/profile"))).into_response()
}

async fn build(
    state: &AppState,
    agent: &Agent,
    typed: Option<ProfileForm>,
) -> Result<ProfilePage, ApiError> {
    let me = profile::get(state, &agent.who.user).await?;
    let values = typed.unwrap_or_else(|| ProfileForm {
        name: me.user.name.clone(),
        time_zone: me
            .time_zone
            .map(|z| z.name().to_string())
            .unwrap_or_default(),
        availability: me.availability.as_str().to_string(),
    });
    let mut frame = Frame::of(agent);
    frame.my_name = me.user.name.clone();
    frame.my_initials = crate::http::ui::format::initials(&me.user.name);
    Ok(ProfilePage {
        chrome: Chrome::new("Your profile"),
        frame,
        email: me.user.email.as_str().to_string(),
        values,
        // A zone the browser sent that the picker leaves out (`Etc/UTC`)
        // is offered too, so that saving the form keeps it.
        zones: me
            .time_zone
            .map(|z| z.name())
            .filter(|name| !Zone::all().any(|listed| listed == *name))
            .into_iter()
            .chain(Zone::all())
            .collect(),
        notice: None,
        error: None,
        password_error: None,
        notify: super::profile_notifications::choices(state, agent).await?,
        media: super::profile_notifications::MEDIA,
    })
}

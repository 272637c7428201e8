//! The Slack part of `/w/{ws}/integrations` (admins): the app manifest to
//! create the Slack app from (this server's interactivity URL filled in, a
//! copy button), the connect form (bot token, signing secret), and once
//! connected, the Slack workspace, the token problem Slack last reported
//! ("Slack: token revoked on …") and a disconnect button.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::Zone;
use serde::Deserialize;
use store::slack::Connection;

use super::integrations::{self, IntegrationsQuery, Posted};
use super::settings::shown_on_page;
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::format::full_time;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::render;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::notifications::slack::connection::{self, Credentials};
use crate::services::state::AppState;

/// The Slack section as the page shows it.
#[derive(Debug, Clone, Default)]
pub struct SlackSection {
    /// Whether Slack is connected.
    pub connected: bool,
    /// The Slack workspace's name.
    pub team: String,
    /// The bot's user name.
    pub bot_user: String,
    /// When it was connected, in the viewer's zone.
    pub connected_at: String,
    /// "Slack: token revoked on …", when Slack refuses the token.
    pub problem: Option<String>,
    /// The app manifest, ready to paste.
    pub manifest: String,
    /// Why the connect form was refused.
    pub error: Option<String>,
}

/// The section for the page.
pub async fn section(
    state: &AppState,
    agent: &Agent,
    zone: Zone,
    error: Option<String>,
) -> Result<SlackSection, ApiError> {
    let found = connection::status(state, &agent.who).await?;
    let manifest = connection::manifest(state);
    Ok(match found {
        None => SlackSection {
            manifest,
            error,
            ..SlackSection::default()
        },
        Some(c) => SlackSection {
            connected: true,
            problem: problem(&c, zone),
            team: c.team_name,
            bot_user: c.bot_user,
            connected_at: full_time(c.connected_at, zone),
            manifest,
            error,
        },
    })
}

/// What admins read about a refused token.
fn problem(connection: &Connection, zone: Zone) -> Option<String> {
    let code = connection.token_problem.as_deref()?;
    let what = match code {
        "token_revoked" => "token revoked",
        "invalid_auth" | "not_authed" => "token no longer valid",
        "account_inactive" => "app removed from Slack",
        "token_expired" => "token expired",
        other => other,
    };
    let since = connection
        .token_problem_at
        .map(|at| format!(" on {}", full_time(at, zone)))
        .unwrap_or_default();
    Some(format!(
        "Slack: {what}{since}. Notifications are not being posted; connect again with a new bot token."
    ))
}

/// The connect form.
#[derive(Deserialize)]
pub struct ConnectForm {
    bot_token: String,
    signing_secret: String,
}

// Written by hand so that neither secret reaches a log.
impl std::fmt::Debug for ConnectForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConnectForm(***)")
    }
}

/// `POST /w/{ws}/integrations/slack`: connects, or shows the form's refusal.
pub async fn connect(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<ConnectForm>,
) -> Result<Response, ApiError> {
    let credentials = Credentials {
        bot_token: form.bot_token,
        signing_secret: form.signing_secret,
    };
    match connection::connect(&state, &agent.who, credentials).await {
        Ok(connected) => {
            let jar = cookies::flash(jar, &format!("Slack connected: {}", connected.team_name));
            let back = format!("/w/{}/integrations#slack", agent.who.workspace_id);
            Ok((jar, Redirect::to(&back)).into_response())
        }
        Err(error) => {
            let error = ApiError::from(error);
            if !shown_on_page(&error) && error.code() != "slack_unavailable" {
                return Err(error);
            }
            let posted = Posted::slack_refused(sentence(error.public_detail()));
            let page =
                integrations::page(&state, &agent, &IntegrationsQuery::default(), posted).await?;
            Ok(render(&page)?.into_response())
        }
    }
}

/// `POST /w/{ws}/integrations/slack/disconnect`.
pub async fn disconnect(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    connection::disconnect(&state, &agent.who).await?;
    let jar = cookies::flash(jar, "Slack disconnected.");
    let back = format!("/w/{}/integrations#slack", agent.who.workspace_id);
    Ok((jar, Redirect::to(&back)).into_response())
}

//! Connecting a workspace to Slack (admins): the bot token and the app's
//! signing secret, checked with `auth.test` before they are kept, and never
//! shown again; the connection's state, with the token problem Slack last
//! reported; disconnecting; the app manifest to create the Slack app from.

use std::fmt;

use channels::slack::SlackClient;
use domain::Action;
use store::slack::Connection;

use crate::services::access::Principal;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The app manifest, with `{public_url}` where the server's address goes.
const MANIFEST: &str = include_str!("../../../../../../slack/manifest.yml");

/// Longest token or secret accepted (Slack's are under 100 characters).
const MAX_SECRET: usize = 200;

/// What an admin pastes from the Slack app's pages.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The bot token (`xoxb-…`), from "OAuth & Permissions".
    pub bot_token: String,
    /// The signing secret, from "Basic Information".
    pub signing_secret: String,
}

// Written by hand so that neither secret reaches a log.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(***)")
    }
}

/// The app manifest for this server: the interactivity URL is
/// `{public_url}/hooks/slack/interactions`.
pub fn manifest(state: &AppState) -> String {
    MANIFEST.replace(
        "{public_url}",
        state.settings.public_url.trim_end_matches('/'),
    )
}

/// The workspace's connection, if Slack is connected (admins).
pub async fn status(state: &AppState, who: &Principal) -> Result<Option<Connection>, ServiceError> {
    who.may(Action::ManageIntegrations)?;
    let mut reader = state.store.read().await?;
    Ok(store::slack::connection(&mut reader.conn(), &who.workspace_id).await?)
}

/// Connects the workspace (or replaces its connection) once Slack accepts
/// the token (`auth.test`).
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn connect(
    state: &AppState,
    who: &Principal,
    credentials: Credentials,
) -> Result<Connection, ServiceError> {
    who.may(Action::ManageIntegrations)?;
    let bot_token = secret("bot_token", &credentials.bot_token)?;
    if !bot_token.starts_with("xoxb-") {
        return Err(ServiceError::invalid(
            "validation",
            "bot_token: a bot token starts with xoxb- (the app's \"OAuth & Permissions\" page)",
        ));
    }
    let signing_secret = secret("signing_secret", &credentials.signing_secret)?;
    let client = SlackClient::new(
        &state.settings.slack_api_base,
        &bot_token,
        state.http.clone(),
    );
    let identity = match client.auth_test().await {
        Ok(identity) => identity,
        Err(error) if error.is_transient() => {
            return Err(ServiceError::unavailable(
                "slack_unavailable",
                "Slack did not answer; try again in a moment.",
                error,
            ))
        }
        Err(error) => {
            let code = error.provider_code().unwrap_or("unexpected answer");
            return Err(ServiceError::invalid(
                "validation",
                format!("bot_token: Slack refused it ({code})"),
            ));
        }
    };
    let connection = Connection {
        workspace_id: who.workspace_id.clone(),
        team_id: identity.team_id,
        team_name: identity.team,
        bot_user: identity.bot_user,
        bot_token,
        signing_secret,
        connected_at: state.clock.now(),
        token_problem: None,
        token_problem_at: None,
    };
    let mut tx = state.store.begin().await?;
    store::slack::connect(&mut tx, &connection).await?;
    tx.commit().await?;
    tracing::info!(team_id = %connection.team_id, "Slack connected");
    Ok(connection)
}

/// Disconnects Slack; messages already posted stay but are no longer updated.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn disconnect(state: &AppState, who: &Principal) -> Result<(), ServiceError> {
    who.may(Action::ManageIntegrations)?;
    let mut tx = state.store.begin().await?;
    if !store::slack::disconnect(&mut tx, &who.workspace_id).await? {
        return Err(ServiceError::not_found("Slack is not connected."));
    }
    tx.commit().await?;
    Ok(())
}

/// A pasted secret, trimmed: present, one line, not absurdly long.
fn secret(field: &str, raw: &str) -> Result<String, ServiceError> {
    let value = raw.trim();
    let invalid = |why: &str| ServiceError::invalid("validation", format!("{field}: {why}"));
    if value.is_empty() {
        return Err(invalid("required"));
    }
    if value.chars().count() > MAX_SECRET {
        return Err(invalid(&format!("at most {MAX_SECRET} characters")));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(invalid("must not contain spaces"));
    }
    Ok(value.to_string())
}

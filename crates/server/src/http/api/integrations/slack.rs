//! `/api/v1/workspaces/{ws}/integrations/slack`: the workspace's Slack
//! connection (admins). The bot token and signing secret go in and never
//! come out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use store::slack::Connection;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::notifications::slack::connection::{self, Credentials};
use crate::services::state::AppState;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_slack, connect_slack, disconnect_slack))
}

/// `PUT /integrations/slack`: what the Slack app's pages show.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectSlackRequest {
    /// The bot token (`xoxb-…`), from the app's "OAuth & Permissions" page.
    #[schema(example = "xoxb-0000-0000-abcd", min_length = 1, max_length = 200)]
    pub bot_token: String,
    /// The signing secret, from the app's "Basic Information" page.
    #[schema(min_length = 1, max_length = 200)]
    pub signing_secret: String,
}

// Written by hand so that neither secret reaches a log.
impl std::fmt::Debug for ConnectSlackRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConnectSlackRequest(***)")
    }
}

/// The workspace's Slack connection: never its token or secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlackView {
    /// Whether Slack is connected.
    pub connected: bool,
    /// The Slack workspace's name.
    pub team: Option<String>,
    /// The bot's user name.
    pub bot_user: Option<String>,
    /// When an admin connected it.
    pub connected_at: Option<DateTime<Utc>>,
    /// Why Slack refuses the token (`token_revoked`, `invalid_auth`, …), if
    /// it has since: reconnect with a new token.
    pub token_problem: Option<String>,
    /// Since when.
    pub token_problem_at: Option<DateTime<Utc>>,
    /// The app manifest to create the Slack app from, with this server's
    /// interactivity URL filled in.
    pub manifest: String,
}

fn view(state: &AppState, connection: Option<Connection>) -> SlackView {
    let manifest = connection::manifest(state);
    match connection {
        None => SlackView {
            connected: false,
            team: None,
            bot_user: None,
            connected_at: None,
            token_problem: None,
            token_problem_at: None,
            manifest,
        },
        Some(c) => SlackView {
            connected: true,
            team: Some(c.team_name),
            bot_user: Some(c.bot_user),
            connected_at: Some(c.connected_at),
            token_problem: c.token_problem,
            token_problem_at: c.token_problem_at,
            manifest,
        },
    }
}

/// The workspace's Slack connection (admins).
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{ws}/integrations/slack",
    tag = "integrations",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    responses(
        (status = 200, description = "Connected or not, with the app manifest", body = SlackView),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
    )
)]
async fn get_slack(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
) -> Result<Json<SlackView>, ApiError> {
    let found = connection::status(&state, &who).await?;
    Ok(Json(view(&state, found)))
}

/// Connects Slack (admins), or replaces the connection: the token is
/// checked with Slack's `auth.test` first. Neither secret is ever returned.
#[utoipa::path(
    put,
    path = "/api/v1/workspaces/{ws}/integrations/slack",
    tag = "integrations",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    request_body = ConnectSlackRequest,
    responses(
        (status = 200, description = "Connected", body = SlackView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin, or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: a field is missing, or Slack refused the token", content_type = "application/problem+json"),
        (status = 503, description = "`slack_unavailable`: Slack did not answer", content_type = "application/problem+json"),
    )
)]
async fn connect_slack(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<ConnectSlackRequest>,
) -> Result<Json<SlackView>, ApiError> {
    let credentials = Credentials {
        bot_token: body.bot_token,
        signing_secret: body.signing_secret,
    };
    let connected = connection::connect(&state, &who, credentials).await?;
    Ok(Json(view(&state, Some(connected))))
}

/// Disconnects Slack (admins); messages already posted stay in Slack.
#[utoipa::path(
    delete,
    path = "/api/v1/workspaces/{ws}/integrations/slack",
    tag = "integrations",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    responses(
        (status = 204, description = "Disconnected"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin, or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: Slack is not connected", content_type = "application/problem+json"),
    )
)]
async fn disconnect_slack(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
) -> Result<StatusCode, ApiError> {
    connection::disconnect(&state, &who).await?;
    Ok(StatusCode::NO_CONTENT)
}

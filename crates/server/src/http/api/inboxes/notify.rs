//! `GET · PUT /inboxes/{id}/notify`: who is told of an inbox's inbound
//! messages ("Notify users and channels") and the throttle (admins).

use axum::extract::{Path, State};
use axum::Json;
use domain::{DomainError, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::inbox_id;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::notifications::settings::{self, InboxNotify};
use crate::services::notifications::Target;
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_notify, set_notify))
}

/// One target: a member of the inbox (by their own preference), a Slack
/// channel, or an email address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetView {
    /// A member of the inbox.
    Member {
        /// Their user id.
        user_id: String,
    },
    /// A Slack channel.
    SlackChannel {
        /// Its id: `C…` or `G…`.
        channel_id: String,
        /// Its name, for people.
        #[serde(default)]
        name: String,
    },
    /// An email address.
    Email {
        /// The address.
        address: String,
    },
}

/// An inbox's notification settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotifyView {
    /// At most one notification per conversation and target this often (0 to 86400).
    pub notify_throttle_secs: i64,
    /// Who is told of inbound messages.
    pub targets: Vec<TargetView>,
    /// `false` while the inbox uses the default (its members, in-app).
    pub custom: bool,
}

/// `PUT /inboxes/{id}/notify`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetNotify {
    /// 0 to 86400 seconds; 180 when absent.
    #[schema(minimum = 0, maximum = 86400)]
    notify_throttle_secs: Option<i64>,
    /// The whole list.
    targets: Vec<TargetView>,
}

impl From<InboxNotify> for NotifyView {
    fn from(n: InboxNotify) -> Self {
        Self {
            notify_throttle_secs: n.throttle_secs,
            targets: n
                .targets
                .into_iter()
                .map(|t| match t {
                    Target::Member { user_id } => TargetView::Member {
                        user_id: user_id.to_string(),
                    },
                    Target::SlackChannel { channel_id, name } => {
                        TargetView::SlackChannel { channel_id, name }
                    }
                    Target::Email { address } => TargetView::Email { address },
                })
                .collect(),
            custom: n.custom,
        }
    }
}

/// The targets sent, their ids parsed (a bad one names its entry).
fn targets(sent: Vec<TargetView>) -> Result<Vec<Target>, ApiError> {
    sent.into_iter()
        .enumerate()
        .map(|(i, t)| {
            Ok(match t {
                TargetView::Member { user_id } => Target::Member {
                    user_id: UserId::parse(&user_id).map_err(|_| {
                        DomainError::invalid(
                            "targets",
                            format!("targets[{i}].user_id: not a member of this inbox"),
                        )
                    })?,
                },
                TargetView::SlackChannel { channel_id, name } => {
                    Target::SlackChannel { channel_id, name }
                }
                TargetView::Email { address } => Target::Email { address },
            })
        })
        .collect()
}

/// An inbox's notification settings (admins).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/inboxes/{id}/notify", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = NotifyView), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"), (status = 404, description = "No such inbox")))]
async fn get_notify(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<NotifyView>, ApiError> {
    let id = inbox_id(&id)?;
    Ok(Json(settings::get(&state, &who, &id).await?.into()))
}

/// Replace an inbox's notification settings (admins).
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/inboxes/{id}/notify", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    request_body = SetNotify, security(("session" = []), ("token" = [])),
    responses((status = 200, body = NotifyView), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"), (status = 404, description = "No such inbox"),
        (status = 422, description = "A target or the throttle is invalid (the detail names it)")))]
async fn set_notify(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<SetNotify>,
) -> Result<Json<NotifyView>, ApiError> {
    let id = inbox_id(&id)?;
    let targets = targets(body.targets)?;
    let throttle = body
        .notify_throttle_secs
        .unwrap_or(crate::services::notifications::throttle::DEFAULT_SECS);
    Ok(Json(
        settings::set(&state, &who, &id, throttle, targets)
            .await?
            .into(),
    ))
}

//! Each person's own view of their inboxes: `PUT /inboxes/order` and
//! `PUT /inboxes/{id}/mute` change the caller's list only.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::InboxId;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::inbox_id;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::inboxes::personal;
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_order))
        .routes(routes!(set_muted))
}

/// `PUT /inboxes/order`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetOrder {
    /// The caller's inboxes, first first; any left out follow in their old order.
    inbox_ids: Vec<String>,
}

/// `PUT /inboxes/{id}/mute`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMuted {
    /// Muted for the caller only.
    muted: bool,
}

/// Order the caller's inboxes (for the caller only).
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/inboxes/order", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id")),
    request_body = SetOrder, security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Reordered"), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace"),
        (status = 422, description = "An id is not one of the caller's inboxes, or is listed twice")))]
async fn set_order(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<SetOrder>,
) -> Result<StatusCode, ApiError> {
    let order = body
        .inbox_ids
        .iter()
        .map(|raw| {
            InboxId::parse(raw).map_err(|_| {
                ApiError::unprocessable(
                    "validation",
                    format!("inbox_ids: {raw:?} is not one of your inboxes"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    personal::set_order(&state, &who, order).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mute or unmute an inbox (for the caller only).
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/inboxes/{id}/mute", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    request_body = SetMuted, security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Done"), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such inbox, or not yours to see"),
        (status = 422, description = "The caller is not a member")))]
async fn set_muted(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<SetMuted>,
) -> Result<StatusCode, ApiError> {
    let id = inbox_id(&id)?;
    personal::set_muted(&state, &who, &id, body.muted).await?;
    Ok(StatusCode::NO_CONTENT)
}

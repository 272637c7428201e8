//! The reply lock: take or renew it while replying, release it when done.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conversation_id;
use super::views::LockView;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::services::conversations;
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(take_lock, release_lock))
}

/// Take the reply lock, or renew one's own, for about 90 seconds. Others'
/// replies are refused while it is live.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/lock",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = LockView),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "`conflict_locked`: someone else is replying (named in the detail)")))]
async fn take_lock(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<LockView>, ApiError> {
    let holder = conversations::lock(&state, &who, &conversation_id(&id)?).await?;
    Ok(Json(LockView::from(&holder)))
}

/// Release one's reply lock (nothing happens when one holds none).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/conversations/{id}/lock",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Released"),
        (status = 404, description = "No such conversation")))]
async fn release_lock(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    conversations::unlock(&state, &who, &conversation_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

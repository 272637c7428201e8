//! `/api/v1/me/invitations`: the caller's invitations to workspaces, which
//! they accept (and join) or decline.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use store::invitations::Invitation;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{RoleName, WorkspaceView};
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::services::accounts::invitations;
use crate::services::state::AppState;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invitations))
        .routes(routes!(accept_invitation))
        .routes(routes!(decline_invitation))
}

/// An invitation to a workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    /// Its id.
    pub id: String,
    /// The workspace's id.
    pub workspace_id: String,
    /// The workspace's name.
    pub workspace_name: String,
    /// The role offered.
    pub role: RoleName,
    /// When it was made (RFC 3339 UTC).
    pub created_at: String,
}

impl From<Invitation> for InvitationView {
    fn from(invitation: Invitation) -> Self {
        Self {
            id: invitation.id,
            workspace_id: invitation.workspace.id.to_string(),
            workspace_name: invitation.workspace.name,
            role: invitation.role.into(),
            created_at: invitation
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
    }
}

/// The caller's open invitations (one page: there are few).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationList {
    /// The invitations, oldest first.
    pub items: Vec<InvitationView>,
    /// Always `null`: the whole list fits one page.
    pub next_cursor: Option<String>,
}

/// The caller's invitations to workspaces.
#[utoipa::path(
    get,
    path = "/api/v1/me/invitations",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    responses(
        (status = 200, description = "The invitations", body = InvitationList),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
    )
)]
async fn list_invitations(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<InvitationList>, ApiError> {
    let items = invitations::mine(&state, &caller.user).await?;
    Ok(Json(InvitationList {
        items: items.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// Accepts an invitation: the caller joins its workspace with its role.
#[utoipa::path(
    post,
    path = "/api/v1/me/invitations/{id}/accept",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The invitation's id")),
    responses(
        (status = 200, description = "Joined: the workspace and the caller's role there", body = WorkspaceView),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`csrf`: a cookie write without the CSRF header", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such invitation of the caller's", content_type = "application/problem+json"),
    )
)]
async fn accept_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<WorkspaceView>, ApiError> {
    let (workspace, role) = invitations::accept(&state, &caller.user, &id).await?;
    Ok(Json(WorkspaceView::new(&workspace, role)))
}

/// Declines an invitation, which is then gone.
#[utoipa::path(
    delete,
    path = "/api/v1/me/invitations/{id}",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The invitation's id")),
    responses(
        (status = 204, description = "Declined"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`csrf`: a cookie write without the CSRF header", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such invitation of the caller's", content_type = "application/problem+json"),
    )
)]
async fn decline_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    invitations::decline(&state, &caller.user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

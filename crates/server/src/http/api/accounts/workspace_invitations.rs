//! `/api/v1/workspaces/{ws}/invitations`: the workspace's open invitations,
//! which admins list and revoke (they are made by `POST /members`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use store::invitations::Invitation;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::RoleName;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::services::accounts::invitations;
use crate::services::state::AppState;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_pending))
        .routes(routes!(revoke_invitation))
}

/// An open invitation to the workspace, as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingInvitationView {
    /// Its id.
    pub id: String,
    /// The address invited, lower-cased.
    #[schema(format = Email)]
    pub email: String,
    /// The role they get when they accept.
    pub role: RoleName,
    /// When it was made or last renewed (RFC 3339 UTC).
    pub created_at: String,
}

impl From<Invitation> for PendingInvitationView {
    fn from(n: Invitation) -> Self {
        Self {
            id: n.id,
            email: n.email,
            role: n.role.into(),
            created_at: n
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
    }
}

/// The workspace's open invitations (one page: there are few).
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingInvitationList {
    /// Newest first.
    pub items: Vec<PendingInvitationView>,
    /// Always `null`: the whole list fits one page.
    pub next_cursor: Option<String>,
}

/// The workspace's open invitations. Admins only.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{ws}/invitations",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    responses(
        (status = 200, description = "The open invitations", body = PendingInvitationList),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
    )
)]
async fn list_pending(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
) -> Result<Json<PendingInvitationList>, ApiError> {
    let items = invitations::pending(&state, &who).await?;
    Ok(Json(PendingInvitationList {
        items: items.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// Revokes an open invitation: its link stops working.
#[utoipa::path(
    delete,
    path = "/api/v1/workspaces/{ws}/invitations/{id}",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(
        ("ws" = String, Path, description = "The workspace's id"),
        ("id" = String, Path, description = "The invitation's id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin (an owner for an owner's invitation), or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such open invitation here", content_type = "application/problem+json"),
    )
)]
async fn revoke_invitation(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    invitations::revoke(&state, &who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

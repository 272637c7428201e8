//! `/inboxes/{id}/members`: who belongs to an inbox (admins change it).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::text::Word;
use domain::UserId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::inbox_id;
use crate::http::api::accounts::{AvailabilityName, RoleName};
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::inboxes::members::{self, Member};
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members, add_member))
        .routes(routes!(remove_member))
}

/// A member of an inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxMemberView {
    /// The user's id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// Their workspace role: `owner`, `admin` or `agent`.
    #[schema(value_type = RoleName, example = "agent")]
    pub role: String,
    /// `available` or `away`: whether auto-assignment gives them new work.
    #[schema(value_type = AvailabilityName, example = "available")]
    pub availability: String,
}

impl From<&Member> for InboxMemberView {
    fn from(member: &Member) -> Self {
        Self {
            id: member.user.id.to_string(),
            name: member.user.name.clone(),
            email: member.user.email.to_string(),
            role: member.role.as_str().to_string(),
            availability: member.availability.as_str().to_string(),
        }
    }
}

/// The members of an inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxMemberList {
    /// In the order they joined.
    pub items: Vec<InboxMemberView>,
}

/// `POST /inboxes/{id}/members`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddInboxMember {
    /// A member of the workspace.
    user_id: String,
}

/// The members of an inbox (members and admins).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/inboxes/{id}/members", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = InboxMemberList), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such inbox, or not yours to see")))]
async fn list_members(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<InboxMemberList>, ApiError> {
    let id = inbox_id(&id)?;
    let members = members::list(&state, &who, &id).await?;
    let items = members.iter().map(InboxMemberView::from).collect();
    Ok(Json(InboxMemberList { items }))
}

/// Add a person of the workspace to an inbox (admins).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/inboxes/{id}/members", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id")),
    request_body = AddInboxMember, security(("session" = []), ("token" = [])),
    responses((status = 201, body = InboxMemberView), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"), (status = 404, description = "No such inbox, or not yours to see"),
        (status = 422, description = "Not a member of the workspace")))]
async fn add_member(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<AddInboxMember>,
) -> Result<(StatusCode, Json<InboxMemberView>), ApiError> {
    let id = inbox_id(&id)?;
    let user_id = UserId::parse(&body.user_id)?;
    let member = members::add(&state, &who, &id, &user_id).await?;
    Ok((StatusCode::CREATED, Json(InboxMemberView::from(&member))))
}

/// Remove someone from an inbox (admins).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/inboxes/{id}/members/{user}", tag = "inboxes",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Inbox id"),
        ("user" = String, Path, description = "User id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Removed"), (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such inbox or member, or not yours to see")))]
async fn remove_member(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id, user)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = inbox_id(&id)?;
    let user = UserId::parse(&user).map_err(|_| ApiError::not_found("no such member"))?;
    members::remove(&state, &who, &id, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

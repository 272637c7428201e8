//! `/api/v1/workspaces/{ws}/members`: who belongs to the workspace.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::{EmailAddress, Role, User, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::RoleName;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::accounts::members::{self, NewMember};
use crate::services::accounts::Password;
use crate::services::state::AppState;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members, add_member))
        .routes(routes!(change_member, remove_member))
}

/// A member of the workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The user's id.
    pub id: String,
    /// Their login address.
    #[schema(format = Email)]
    pub email: String,
    /// Display name.
    pub name: String,
    /// Their role in this workspace.
    pub role: RoleName,
}

impl MemberView {
    fn new(user: &User, role: Role) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.as_str().to_string(),
            name: user.name.clone(),
            role: role.into(),
        }
    }
}

/// Everyone in the workspace, by name (one page: a team is not that large).
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberList {
    /// The members.
    pub items: Vec<MemberView>,
    /// Always `null`: the whole list fits one page.
    pub next_cursor: Option<String>,
}

/// An invitation to the workspace, as the admin who made it sees it: the
/// same whether or not the address already had an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitedView {
    /// The invitation's id.
    pub id: String,
    /// The address invited, lower-cased.
    #[schema(format = Email)]
    pub email: String,
    /// The role they get when they accept.
    pub role: RoleName,
    /// Always `invited`: they join when they accept.
    #[schema(example = "invited")]
    pub status: &'static str,
}

/// `POST /members`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// Their login address. Its owner joins when they accept the invitation.
    #[schema(format = Email, example = "ana@acme.example")]
    pub email: String,
    /// Display name for a new account, 1 to 100 characters (an existing
    /// account keeps its own).
    #[schema(example = "Ana Lima")]
    pub name: String,
    /// Their role here. Only an owner may make an owner.
    pub role: RoleName,
    /// A first password, 8 to 1024 characters, for an address that has no
    /// account yet (one is made so they can log in and accept). Ignored for
    /// an existing account, which keeps its own: the answer is the same
    /// either way.
    #[schema(format = Password)]
    pub password: Option<String>,
}

impl std::fmt::Debug for AddMemberRequest {
    // Neither the address nor the password belongs in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddMemberRequest")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// `PATCH /members/{user}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeMemberRequest {
    /// The new role. Only an owner may give or take away the owner role.
    pub role: RoleName,
}

/// The workspace's members, by name. Any member may list them.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{ws}/members",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    responses(
        (status = 200, description = "The members", body = MemberList),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
    )
)]
async fn list_members(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
) -> Result<Json<MemberList>, ApiError> {
    let members = members::list(&state, &who).await?;
    Ok(Json(MemberList {
        items: members
            .iter()
            .map(|(user, role)| MemberView::new(user, *role))
            .collect(),
        next_cursor: None,
    }))
}

/// Invites a person to the workspace; they join when they accept
/// (`POST /api/v1/me/invitations/{id}/accept`). An address without an
/// account gets one. The answer is the same whether or not the address had
/// an account, so it tells nobody which addresses are registered.
#[utoipa::path(
    post,
    path = "/api/v1/workspaces/{ws}/members",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    request_body = AddMemberRequest,
    responses(
        (status = 202, description = "Invited: they join when they accept", body = InvitedView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin (an owner for the owner role), or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
        (status = 409, description = "`already_member`: a member of this workspace already", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: an address, name or password breaks a rule", content_type = "application/problem+json"),
    )
)]
async fn add_member(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<AddMemberRequest>,
) -> Result<(StatusCode, Json<InvitedView>), ApiError> {
    let new = NewMember {
        email: EmailAddress::parse(&body.email)?,
        name: body.name,
        role: Role::from(body.role),
        password: body.password.map(Password::parse).transpose()?,
    };
    let invited = members::add(&state, &who, new).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(InvitedView {
            id: invited.id,
            email: invited.email,
            role: invited.role.into(),
            status: "invited",
        }),
    ))
}

/// Gives a member another role. The last owner cannot be demoted.
#[utoipa::path(
    patch,
    path = "/api/v1/workspaces/{ws}/members/{user}",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(
        ("ws" = String, Path, description = "The workspace's id"),
        ("user" = String, Path, description = "The member's user id"),
    ),
    request_body = ChangeMemberRequest,
    responses(
        (status = 200, description = "The member with the new role", body = MemberView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin (an owner when an owner is involved), or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace, or no such member in it", content_type = "application/problem+json"),
        (status = 409, description = "`last_owner`: the workspace's only owner", content_type = "application/problem+json"),
        (status = 422, description = "`unprocessable`: not a role, or an unknown field", content_type = "application/problem+json"),
    )
)]
async fn change_member(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, member)): Path<(String, String)>,
    JsonBody(body): JsonBody<ChangeMemberRequest>,
) -> Result<Json<MemberView>, ApiError> {
    let member = member_id(&member)?;
    let role = Role::from(body.role);
    let user = members::change_role(&state, &who, &member, role).await?;
    Ok(Json(MemberView::new(&user, role)))
}

/// Takes a member out of the workspace and its inboxes (their account
/// stays). The last owner cannot be removed.
#[utoipa::path(
    delete,
    path = "/api/v1/workspaces/{ws}/members/{user}",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(
        ("ws" = String, Path, description = "The workspace's id"),
        ("user" = String, Path, description = "The member's user id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin (an owner to remove an owner), or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace, or no such member in it", content_type = "application/problem+json"),
        (status = 409, description = "`last_owner`: the workspace's only owner", content_type = "application/problem+json"),
    )
)]
async fn remove_member(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, member)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let member = member_id(&member)?;
    members::remove(&state, &who, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A user id from the path; anything else names no member.
fn member_id(raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw).map_err(|_| ApiError::not_found("no such member"))
}

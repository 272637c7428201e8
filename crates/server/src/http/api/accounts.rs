//! Accounts endpoints of API.md: first-run setup, logging in and out, the
//! caller (`me`), personal API tokens ([`tokens`]) and workspace members
//! ([`members`]).
//!
//! The session cookie is `HttpOnly` (scripts cannot read it), `SameSite=Lax`
//! (other sites' forms do not send it; cookie writes need the CSRF header
//! as well), `Path=/`, `Secure` when the public URL is https, and lives as
//! long as the session: 14 days, renewed on use.

mod invitations;
mod members;
mod profile;
mod tokens;
mod workspace_invitations;

pub use members::invite_link;
pub use profile::AvailabilityName;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use domain::{EmailAddress, Role, User, Workspace};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::{Caller, Credential, SESSION_COOKIE};
use crate::http::client::{self, ClientAddress};
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::accounts::limiter::RetryAfter;
use crate::services::accounts::sessions::{self, Login, SESSION_TTL};
use crate::services::accounts::setup::{self, NewOwner};
use crate::services::accounts::Password;
use crate::services::state::AppState;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_up))
        .routes(routes!(log_in, log_out))
        .routes(routes!(me))
        .merge(tokens::routes())
        .merge(members::routes())
        .merge(invitations::routes())
        .merge(profile::routes())
        .merge(workspace_invitations::routes())
}

/// A role in a workspace: `owner` > `admin` > `agent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = Role)]
pub enum RoleName {
    /// Handles conversations in the inboxes they belong to.
    Agent,
    /// Manages inboxes, members and policy; sees every inbox.
    Admin,
    /// Everything an admin can, plus deleting inboxes and managing owners.
    Owner,
}

impl From<RoleName> for Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Agent => Role::Agent,
            RoleName::Admin => Role::Admin,
            RoleName::Owner => Role::Owner,
        }
    }
}

impl From<Role> for RoleName {
    fn from(role: Role) -> Self {
        match role {
            Role::Agent => RoleName::Agent,
            Role::Admin => RoleName::Admin,
            Role::Owner => RoleName::Owner,
        }
    }
}

/// A user as the API shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// Their id.
    pub id: String,
    /// Their login address.
    #[schema(format = Email)]
    pub email: String,
    /// Display name.
    pub name: String,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.as_str().to_string(),
            name: user.name.clone(),
        }
    }
}

/// A workspace with the caller's role in it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkspaceView {
    /// Its id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The caller's role there.
    pub role: RoleName,
}

impl WorkspaceView {
    pub(super) fn new(workspace: &Workspace, role: Role) -> Self {
        Self {
            id: workspace.id.to_string(),
            name: workspace.name.clone(),
            role: role.into(),
        }
    }
}

/// `POST /api/v1/setup`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// The owner's login address.
    #[schema(format = Email, example = "olivia@acme.example")]
    pub email: String,
    /// 8 to 1024 characters.
    #[schema(format = Password, min_length = 8, max_length = 1024)]
    pub password: String,
    /// The owner's display name, 1 to 100 characters.
    #[schema(example = "Olivia Owner", min_length = 1, max_length = 100)]
    pub name: String,
    /// The first workspace's name, 1 to 100 characters.
    #[schema(example = "Acme Plumbing", min_length = 1, max_length = 100)]
    pub workspace_name: String,
}

/// The owner and workspace first-run setup made; the owner is logged in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetupView {
    /// The owner.
    pub user: UserView,
    /// The workspace, with the owner's role.
    pub workspace: WorkspaceView,
    /// For the `X-CSRF-Token` header of cookie-authenticated writes.
    pub csrf_token: String,
}

/// `POST /api/v1/session`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The login address.
    #[schema(format = Email)]
    pub email: String,
    /// The password.
    #[schema(format = Password)]
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest").finish_non_exhaustive()
    }
}

/// A new session: the cookie is set, and this is its CSRF token.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Who logged in.
    pub user: UserView,
    /// For the `X-CSRF-Token` header of cookie-authenticated writes.
    pub csrf_token: String,
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    /// Their id.
    pub id: String,
    /// Their login address.
    #[schema(format = Email)]
    pub email: String,
    /// Display name.
    pub name: String,
    /// For the `X-CSRF-Token` header; `null` when authenticated by an API
    /// token, which needs none.
    pub csrf_token: Option<String>,
    /// The workspaces they belong to, with their role in each, by name.
    pub workspaces: Vec<WorkspaceView>,
}

/// First-run setup: makes the first account, the owner of a new workspace,
/// and logs them in. Only while the install has no account at all.
#[utoipa::path(
    post,
    path = "/api/v1/setup",
    tag = "accounts",
    request_body = SetupRequest,
    responses(
        (status = 201, description = "Set up; the session cookie is set", body = SetupView,
            headers(("set-cookie" = String, description = "The session cookie"))),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 409, description = "`already_set_up`: an account exists already", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: an address, password or name breaks a rule", content_type = "application/problem+json"),
    )
)]
async fn set_up(
    State(state): State<AppState>,
    jar: CookieJar,
    JsonBody(body): JsonBody<SetupRequest>,
) -> Result<(StatusCode, CookieJar, Json<SetupView>), ApiError> {
    let owner = NewOwner {
        email: EmailAddress::parse(&body.email)?,
        workspace: body.workspace_name,
        name: Some(body.name),
        password: Password::parse(body.password)?,
    };
    let done = setup::setup(&state, owner).await?;
    let cookie = session_cookie(&state, done.session.cookie_value.clone())?;
    let view = SetupView {
        user: UserView::from(&done.created.user),
        workspace: WorkspaceView::new(&done.created.workspace, Role::Owner),
        csrf_token: done.session.session.csrf_token,
    };
    Ok((StatusCode::CREATED, jar.add(cookie), Json(view)))
}

/// Logs in with an address and password: sets the session cookie.
///
/// Wrong credentials, whatever is wrong, get one answer. Failed attempts
/// are limited per client address and per account.
#[utoipa::path(
    post,
    path = "/api/v1/session",
    tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = SessionView,
            headers(("set-cookie" = String, description = "The session cookie"))),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: wrong address or password", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: not an e-mail address", content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many failed logins", content_type = "application/problem+json",
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    )
)]
async fn log_in(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    jar: CookieJar,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    let email = EmailAddress::parse(&body.email)?;
    let password = Password::typed(body.password);
    let known = client::device(&jar);
    match sessions::log_in(&state, client, known.as_deref(), &email, password).await? {
        Login::LoggedIn {
            user,
            session,
            device,
        } => {
            let mut jar = jar.add(session_cookie(&state, session.cookie_value)?);
            if let Some(device) = device {
                jar = jar.add(client::device_cookie(&state, device)?);
            }
            let view = SessionView {
                user: UserView::from(&user),
                csrf_token: session.session.csrf_token,
            };
            Ok((jar, Json(view)).into_response())
        }
        Login::Throttled(wait) => Ok(throttled(wait)),
    }
}

/// Logs out: ends the session and clears its cookie. With an API token
/// there is no session and nothing happens (revoke a token with
/// `DELETE /api/v1/tokens/{id}`).
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    responses(
        (status = 204, description = "Logged out; the cookie is cleared"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`csrf`: the X-CSRF-Token header is missing or wrong", content_type = "application/problem+json"),
    )
)]
async fn log_out(
    State(state): State<AppState>,
    caller: Caller,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar), ApiError> {
    if let Credential::Session { raw, .. } = &caller.credential {
        sessions::log_out(&state, raw).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
    ))
}

/// The caller, their CSRF token and their workspaces. Also renews the
/// session (and its cookie) when it was last renewed over an hour ago.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    responses(
        (status = 200, description = "The caller", body = MeView),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
    )
)]
async fn me(
    State(state): State<AppState>,
    caller: Caller,
    jar: CookieJar,
) -> Result<(CookieJar, Json<MeView>), ApiError> {
    let (cookie_value, csrf_token) = match caller.credential {
        Credential::Session { raw, csrf_token } => (Some(raw), Some(csrf_token)),
        Credential::Token { .. } => (None, None),
    };
    let me = sessions::me(&state, caller.user, cookie_value.as_deref()).await?;
    let jar = match cookie_value.filter(|_| me.session_renewed) {
        Some(value) => jar.add(session_cookie(&state, value)?),
        None => jar,
    };
    let view = MeView {
        id: me.user.id.to_string(),
        email: me.user.email.as_str().to_string(),
        name: me.user.name,
        csrf_token,
        workspaces: me
            .workspaces
            .iter()
            .map(|(workspace, role)| WorkspaceView::new(workspace, *role))
            .collect(),
    };
    Ok((jar, Json(view)))
}

/// The session cookie carrying `value` (see the module's documentation).
fn session_cookie(state: &AppState, value: String) -> Result<Cookie<'static>, ApiError> {
    let secure = state.settings.public_url.starts_with("https://");
    Ok(Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(SESSION_TTL.try_into().map_err(ApiError::internal)?)
        .build())
}

/// 429 `rate_limited` with `Retry-After` in seconds.
fn throttled(wait: RetryAfter) -> Response {
    let seconds = wait.seconds();
    let error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("too many failed logins; try again in {seconds} seconds"),
    );
    ([(header::RETRY_AFTER, seconds.to_string())], error).into_response()
}

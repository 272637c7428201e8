//! `/api/v1/tokens`: the caller's personal API tokens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use store::tokens::ApiToken;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::accounts::tokens;
use crate::services::state::AppState;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token, list_tokens))
        .routes(routes!(revoke_token))
}

/// `POST /api/v1/tokens`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    /// What it is for, 1 to 100 characters.
    #[schema(example = "nightly export")]
    pub name: String,
}

/// A token just made, with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenView {
    /// Its id, to revoke it.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// The secret, for `Authorization: Bearer …`. Only its hash is kept: it
    /// cannot be shown again.
    pub token: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A token as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// Its id, to revoke it.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When a request last used it.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenView {
    fn from(token: ApiToken) -> Self {
        Self {
            id: token.id,
            name: token.name,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
        }
    }
}

/// The caller's tokens, oldest first (one page: a person has few).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    /// The tokens.
    pub items: Vec<TokenView>,
    /// Always `null`: the whole list fits one page.
    pub next_cursor: Option<String>,
}

/// Makes an API token acting as the caller. The secret is in this answer only.
#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    request_body = NewTokenRequest,
    responses(
        (status = 201, description = "The token, with its secret", body = NewTokenView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`csrf`: the X-CSRF-Token header is missing or wrong", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: the name breaks a rule", content_type = "application/problem+json"),
    )
)]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<NewTokenRequest>,
) -> Result<(StatusCode, Json<NewTokenView>), ApiError> {
    let made = tokens::create(&state, &caller.user, &body.name).await?;
    let view = NewTokenView {
        id: made.token.id,
        name: made.token.name,
        token: made.secret,
        created_at: made.token.created_at,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// The caller's API tokens, without their secrets.
#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    responses(
        (status = 200, description = "The caller's tokens", body = TokenList),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
    )
)]
async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<TokenList>, ApiError> {
    let tokens = tokens::list(&state, &caller.user).await?;
    Ok(Json(TokenList {
        items: tokens.into_iter().map(TokenView::from).collect(),
        next_cursor: None,
    }))
}

/// Revokes one of the caller's tokens; requests with it fail from now on.
#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "accounts",
    security(("session" = []), ("token" = [])),
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`csrf`: the X-CSRF-Token header is missing or wrong", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such token of the caller's", content_type = "application/problem+json"),
    )
)]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    tokens::revoke(&state, &caller.user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

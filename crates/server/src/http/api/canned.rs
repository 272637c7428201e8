//! `/api/v1/workspaces/{ws}/canned-replies`: saved replies agents insert
//! into the composer by shortcut, shared (admins manage them) or personal.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::{CannedReply, CannedReplyId, ConversationId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::canned::{self, Draft, Listed};
use crate::services::state::AppState;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_replies, create_reply))
        .routes(routes!(update_reply, delete_reply))
}

/// `GET /canned-replies` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CannedQuery {
    /// Only replies whose shortcut starts with this (what follows `/` in the composer).
    q: Option<String>,
    /// Fill the placeholders in for this conversation (`rendered`).
    conversation_id: Option<String>,
}

/// A new reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCannedReply {
    /// What follows `/` in the composer: 1 to 32 of `a-z 0-9 - _`.
    #[schema(example = "refund", min_length = 1, max_length = 33)]
    pub shortcut: String,
    /// The text. Placeholders: `{{contact.first_name}}`, `{{contact.name}}`,
    /// `{{contact.phone}}`, `{{agent.name}}`, `{{agent.first_name}}`, `{{inbox.name}}`.
    #[schema(
        example = "Hi {{contact.first_name}}, your refund is on its way.",
        min_length = 1,
        max_length = 2000
    )]
    pub body: String,
    /// Shared with the whole workspace (admins only); else the caller's own.
    #[serde(default)]
    pub shared: bool,
}

/// A change to a reply: whichever fields are given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedReplyChange {
    /// A new shortcut.
    pub shortcut: Option<String>,
    /// A new body.
    pub body: Option<String>,
}

/// A reply as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CannedReplyView {
    /// Its id.
    pub id: String,
    /// The shortcut.
    pub shortcut: String,
    /// The text with its placeholders.
    pub body: String,
    /// Shared with the workspace, or the caller's own.
    pub shared: bool,
    /// The body filled in for `conversation_id`, when one was given.
    pub rendered: Option<String>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl CannedReplyView {
    fn of(reply: CannedReply, rendered: Option<String>) -> Self {
        Self {
            id: reply.id.to_string(),
            shared: reply.owner_id.is_none(),
            shortcut: reply.shortcut,
            body: reply.body,
            rendered,
            updated_at: reply.updated_at,
        }
    }
}

/// The replies one may insert.
#[derive(Debug, Serialize, ToSchema)]
pub struct CannedReplyList {
    /// By shortcut; at most 200.
    pub items: Vec<CannedReplyView>,
    /// Always `null`.
    pub next_cursor: Option<String>,
}

/// The workspace's shared replies and the caller's own.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{ws}/canned-replies",
    tag = "conversations",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id"), CannedQuery),
    responses(
        (status = 200, description = "The replies", body = CannedReplyList),
        (status = 400, description = "`bad_request`: an unknown query parameter", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace or conversation of the caller's", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: `q` is not a shortcut", content_type = "application/problem+json"),
    )
)]
async fn list_replies(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Query(query): Query<CannedQuery>,
) -> Result<Json<CannedReplyList>, ApiError> {
    let conversation = match query.conversation_id.as_deref().filter(|c| !c.is_empty()) {
        Some(raw) => Some(
            ConversationId::parse(raw).map_err(|_| ApiError::not_found("no such conversation"))?,
        ),
        None => None,
    };
    let listed = canned::list(
        &state,
        &who,
        query.q.as_deref().unwrap_or(""),
        conversation.as_ref(),
    )
    .await?;
    Ok(Json(CannedReplyList {
        items: listed
            .into_iter()
            .map(|Listed { reply, rendered }| CannedReplyView::of(reply, rendered))
            .collect(),
        next_cursor: None,
    }))
}

/// Saves a reply: the caller's own, or shared with the workspace (admins).
#[utoipa::path(
    post,
    path = "/api/v1/workspaces/{ws}/canned-replies",
    tag = "conversations",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    request_body = NewCannedReply,
    responses(
        (status = 201, description = "Saved", body = CannedReplyView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a shared reply needs an admin, or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
        (status = 409, description = "`shortcut_taken`: the caller already sees a reply with this shortcut", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: a bad shortcut, an empty or too long body, an unknown placeholder", content_type = "application/problem+json"),
    )
)]
async fn create_reply(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<NewCannedReply>,
) -> Result<(StatusCode, Json<CannedReplyView>), ApiError> {
    let draft = Draft {
        shared: body.shared,
        shortcut: Some(body.shortcut),
        body: Some(body.body),
    };
    let reply = canned::create(&state, &who, draft).await?;
    Ok((StatusCode::CREATED, Json(CannedReplyView::of(reply, None))))
}

/// Changes a reply: one's own, or a shared one (admins).
#[utoipa::path(
    patch,
    path = "/api/v1/workspaces/{ws}/canned-replies/{id}",
    tag = "conversations",
    security(("session" = []), ("token" = [])),
    params(
        ("ws" = String, Path, description = "The workspace's id"),
        ("id" = String, Path, description = "The reply's id"),
    ),
    request_body = CannedReplyChange,
    responses(
        (status = 200, description = "Changed", body = CannedReplyView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a shared reply needs an admin, or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such reply of the caller's", content_type = "application/problem+json"),
        (status = 409, description = "`shortcut_taken`: another reply has this shortcut", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: a bad shortcut or body", content_type = "application/problem+json"),
    )
)]
async fn update_reply(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<CannedReplyChange>,
) -> Result<Json<CannedReplyView>, ApiError> {
    let id = parse_id(&id)?;
    let draft = Draft {
        shared: false,
        shortcut: body.shortcut,
        body: body.body,
    };
    let reply = canned::update(&state, &who, &id, draft).await?;
    Ok(Json(CannedReplyView::of(reply, None)))
}

/// Removes a reply: one's own, or a shared one (admins).
#[utoipa::path(
    delete,
    path = "/api/v1/workspaces/{ws}/canned-replies/{id}",
    tag = "conversations",
    security(("session" = []), ("token" = [])),
    params(
        ("ws" = String, Path, description = "The workspace's id"),
        ("id" = String, Path, description = "The reply's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: a shared reply needs an admin, or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such reply of the caller's", content_type = "application/problem+json"),
    )
)]
async fn delete_reply(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    canned::delete(&state, &who, &parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn parse_id(raw: &str) -> Result<CannedReplyId, ApiError> {
    CannedReplyId::parse(raw).map_err(|_| ApiError::not_found("no such canned reply"))
}

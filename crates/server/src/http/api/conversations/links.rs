//! Links from a conversation to records in other systems.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::text::Word;
use domain::{LinkId, LinkKind};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conversation_id;
use super::views::LinkView;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::conversations::{self, NewLink};
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_link))
        .routes(routes!(remove_link))
}

/// `POST …/links`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddLink {
    /// `contact`, `account`, `ticket`, `deal` or `other`.
    #[schema(example = "ticket")]
    kind: String,
    /// The record's id in the other system.
    external_id: String,
    /// Where to open it: an http or https URL.
    url: String,
    /// What to show; the external id when absent.
    title: Option<String>,
}

/// Link the conversation to a record in another system.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/links",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    request_body = AddLink, security(("session" = []), ("token" = [])),
    responses((status = 201, body = LinkView),
        (status = 404, description = "No such conversation"),
        (status = 422, description = "A value that is not valid (URLs must be http or https)")))]
async fn add_link(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<AddLink>,
) -> Result<(StatusCode, Json<LinkView>), ApiError> {
    let new = NewLink {
        kind: LinkKind::parse(body.kind.trim())?,
        external_id: body.external_id,
        url: body.url,
        title: body.title,
    };
    let link = conversations::add_link(&state, &who, &conversation_id(&id)?, new).await?;
    Ok((StatusCode::CREATED, Json(LinkView::from(&link))))
}

/// Remove a link.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/conversations/{id}/links/{link}",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id"),
        ("link" = String, Path, description = "Link id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Removed"),
        (status = 404, description = "No such conversation or link")))]
async fn remove_link(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id, link)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let link = LinkId::parse(&link).map_err(|_| ApiError::not_found("no such link"))?;
    conversations::remove_link(&state, &who, &conversation_id(&id)?, &link).await?;
    Ok(StatusCode::NO_CONTENT)
}

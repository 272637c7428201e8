//! One message by id: its permalink, and for a scheduled reply, changing or
//! cancelling it before it goes.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::{DomainError, MessageBody, MessageId};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::messages::parse_send_at;
use super::views::{MessageView, PermalinkView};
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::conversations;
use crate::services::scheduled::{self, Reschedule};
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(permalink, edit_scheduled, cancel_scheduled))
}

fn message_id(raw: &str) -> Result<MessageId, ApiError> {
    MessageId::parse(raw).map_err(|_| ApiError::not_found("no such message"))
}

/// A message by id, with its conversation and inbox: permalinks.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/messages/{id}", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Message id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PermalinkView),
        (status = 404, description = "No such message, or one the caller may not see")))]
async fn permalink(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<PermalinkView>, ApiError> {
    let (message, conversation) = conversations::message(&state, &who, &message_id(&id)?).await?;
    Ok(Json(PermalinkView {
        message: MessageView::from(&message),
        inbox_id: conversation.inbox_id.to_string(),
    }))
}

/// `PATCH /messages/{id}`: a scheduled reply's new text or time.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    /// The new text: not blank, at most 64 KiB of UTF-8.
    #[schema(max_length = 65_536)]
    body: Option<String>,
    /// When it should go now (RFC 3339; in the future, at most a year ahead).
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-03-10T09:00:00Z")]
    send_at: Option<String>,
}

impl RescheduleBody {
    fn parse(self) -> Result<Reschedule, DomainError> {
        Ok(Reschedule {
            body: self
                .body
                .as_deref()
                .map(|b| MessageBody::parse(b, false))
                .transpose()?,
            send_at: self.send_at.as_deref().map(parse_send_at).transpose()?,
        })
    }
}

/// Change a scheduled reply's text or time before it goes (its author or
/// an admin).
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/messages/{id}", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Message id")),
    request_body = RescheduleBody, security(("session" = []), ("token" = [])),
    responses((status = 200, body = MessageView, description = "The scheduled reply, changed"),
        (status = 403, description = "Not the reply's author nor an admin"),
        (status = 404, description = "No such message, or one the caller may not see"),
        (status = 409, description = "`not_scheduled`: it was already sent or cancelled"),
        (status = 422, description = "A value that is not valid (a `send_at` in the past)")))]
async fn edit_scheduled(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<RescheduleBody>,
) -> Result<Json<MessageView>, ApiError> {
    let id = message_id(&id)?;
    let change = body.parse()?;
    let message = scheduled::edit(&state, &who, &id, change).await?;
    Ok(Json(MessageView::from(&message)))
}

/// Cancel a scheduled reply before it goes (its author or an admin); it
/// stays in the timeline as cancelled.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/messages/{id}", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Message id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Cancelled; it will not be sent"),
        (status = 403, description = "Not the reply's author nor an admin"),
        (status = 404, description = "No such message, or one the caller may not see"),
        (status = 409, description = "`not_scheduled`: it was already sent or cancelled")))]
async fn cancel_scheduled(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    scheduled::cancel(&state, &who, &message_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

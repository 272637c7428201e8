//! The buttons: assign, transfer, return, done, reopen, snooze, status,
//! tags, and `PATCH` for the subject and priority. Each answers the
//! conversation after the change.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use domain::conversation::parse_subject;
use domain::text::Word;
use domain::{DomainError, Priority, Status, Tag, UserId};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conversation_id;
use super::views::ConversationView;
use crate::http::api::inboxes::nullable;
use crate::http::api::words::{PriorityWord, SettableStatusWord};
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::conversations::{self, Edit};
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(assign_to_me))
        .routes(routes!(transfer))
        .routes(routes!(return_to_inbox))
        .routes(routes!(assign))
        .routes(routes!(mark_done))
        .routes(routes!(reopen))
        .routes(routes!(snooze))
        .routes(routes!(set_status))
        .routes(routes!(set_tags))
}

type Answer = Result<Json<ConversationView>, ApiError>;

fn answer(state: &AppState, conversation: &domain::Conversation) -> Answer {
    Ok(Json(ConversationView::at(conversation, state.clock.now())))
}

fn user_id(field: &'static str, raw: &str) -> Result<UserId, DomainError> {
    UserId::parse(raw).map_err(|_| DomainError::invalid(field, "not a user id"))
}

/// `PATCH /conversations/{id}`: absent fields stay; `subject: null` clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConversation {
    /// Up to 200 characters; `null` or empty clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    subject: Option<Option<String>>,
    /// `none`, `low`, `normal`, `high` or `urgent`.
    #[schema(value_type = Option<PriorityWord>)]
    priority: Option<String>,
}

/// Change the subject and/or priority (the priority as a status change:
/// agents only on unassigned conversations or their own).
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/conversations/{id}", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    request_body = UpdateConversation, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 403, description = "An agent changing the priority of someone else's conversation"),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "The conversation is closed"),
        (status = 422, description = "A value that is not valid")))]
pub(super) async fn update_conversation(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<UpdateConversation>,
) -> Answer {
    let edit = Edit {
        subject: body
            .subject
            .map(|s| s.map_or(Ok(None), |s| parse_subject(&s)))
            .transpose()?,
        priority: body.priority.as_deref().map(Priority::parse).transpose()?,
    };
    answer(
        &state,
        &conversations::edit(&state, &who, &conversation_id(&id)?, edit).await?,
    )
}

/// Assign to me: agents take unassigned conversations; admins take any.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/assign-to-me",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "`conflict_assigned`: someone else has it")))]
async fn assign_to_me(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Answer {
    answer(
        &state,
        &conversations::assign_to_me(&state, &who, &conversation_id(&id)?).await?,
    )
}

/// `POST …/transfer`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// A member of the conversation's inbox.
    user_id: String,
}

/// Transfer to another member of the inbox (agents: only their own).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/transfer",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    request_body = Transfer, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 403, description = "An agent transferring someone else's conversation"),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "The conversation is closed"),
        (status = 422, description = "The user is not a member of the inbox")))]
async fn transfer(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<Transfer>,
) -> Answer {
    let to = user_id("user_id", &body.user_id)?;
    answer(
        &state,
        &conversations::transfer(&state, &who, &conversation_id(&id)?, &to).await?,
    )
}

/// Return to the inbox: unassign (agents: only their own).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/return-to-inbox",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 403, description = "An agent returning someone else's conversation"),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "The conversation is closed")))]
async fn return_to_inbox(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Answer {
    answer(
        &state,
        &conversations::return_to_inbox(&state, &who, &conversation_id(&id)?).await?,
    )
}

/// `POST …/assign`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assign {
    /// A member of the conversation's inbox, or `null` to unassign.
    user_id: Option<String>,
}

/// Assign to any member of the inbox, or to nobody (admins).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/assign",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    request_body = Assign, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "The conversation is closed"),
        (status = 422, description = "The user is not a member of the inbox")))]
async fn assign(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<Assign>,
) -> Answer {
    let to = body
        .user_id
        .as_deref()
        .map(|raw| user_id("user_id", raw))
        .transpose()?;
    answer(
        &state,
        &conversations::assign(&state, &who, &conversation_id(&id)?, to.as_ref()).await?,
    )
}

/// Mark as done (`resolved`).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/done",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 403, description = "An agent on someone else's conversation"),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "The conversation is closed")))]
async fn mark_done(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Answer {
    answer(
        &state,
        &conversations::mark_done(&state, &who, &conversation_id(&id)?).await?,
    )
}

/// Reopen (`open`).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/reopen",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 403, description = "An agent on someone else's conversation"),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "The conversation is closed")))]
async fn reopen(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Answer {
    answer(
        &state,
        &conversations::reopen(&state, &who, &conversation_id(&id)?).await?,
    )
}

/// `POST …/snooze`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Snooze {
    /// When it comes back (RFC 3339), in the future.
    until: DateTime<Utc>,
}

/// Snooze until a time; it reopens then.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/snooze",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    request_body = Snooze, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 403, description = "An agent on someone else's conversation"),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "The conversation is closed"),
        (status = 422, description = "A time that is not in the future")))]
async fn snooze(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<Snooze>,
) -> Answer {
    answer(
        &state,
        &conversations::snooze(&state, &who, &conversation_id(&id)?, body.until).await?,
    )
}

/// `POST …/status`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetStatus {
    /// `open`, `pending`, `on_hold`, `resolved` or `closed` (snooze has its own button).
    #[schema(value_type = SettableStatusWord, example = "pending")]
    status: String,
}

/// Set a status explicitly.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/status",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    request_body = SetStatus, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 403, description = "An agent on someone else's conversation"),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "A move the lifecycle does not allow"),
        (status = 422, description = "Not a status")))]
async fn set_status(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<SetStatus>,
) -> Answer {
    let status = Status::parse(body.status.trim())?;
    answer(
        &state,
        &conversations::set_status(&state, &who, &conversation_id(&id)?, status).await?,
    )
}

/// `PUT …/tags`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetTags {
    /// The whole new set; at most 20, each 1 to 40 characters.
    #[schema(max_items = 20)]
    tags: Vec<String>,
}

/// Replace the tags.
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/conversations/{id}/tags",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    request_body = SetTags, security(("session" = []), ("token" = [])),
    responses((status = 200, body = ConversationView),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "The conversation is closed"),
        (status = 422, description = "A tag that is not valid")))]
async fn set_tags(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<SetTags>,
) -> Answer {
    let tags = Tag::parse_set(&body.tags)?;
    answer(
        &state,
        &conversations::set_tags(&state, &who, &conversation_id(&id)?, tags).await?,
    )
}

//! Writing and reading messages: compose, replies and notes, the timeline,
//! read cursors, and permalinks.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use domain::{
    ApiCode, ChannelId, DomainError, InboxId, MediaId, MessageBody, MessageKind, PhoneNumber,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conversation_id;
use super::list::limit;
use super::views::{
    ComposedView, ConversationView, MessageView, PostedView, TimelineItemView, TimelinePage,
};
use crate::http::api::events::EventView;
use crate::http::api::words::PostKindWord;
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::http::query::QueryParams;
use crate::services::conversations::{self, Compose, InboxRef};
use crate::services::messages::{self, Post};
use crate::services::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_message))
        .routes(routes!(timeline))
        .routes(routes!(mark_read))
}

/// `POST /conversations`: a first message to a customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComposeBody {
    /// The inbox to send from (or give `inbox_api_code`).
    inbox_id: Option<String>,
    /// The inbox's short code, for links from other tools.
    inbox_api_code: Option<String>,
    /// The number to send from; the inbox's first SMS number when absent.
    channel_id: Option<String>,
    /// The customer's number, read in the server's default region unless it starts with `+`.
    #[schema(min_length = 1, max_length = 64)]
    to: String,
    /// The text: not blank, at most 64 KiB of UTF-8.
    #[schema(min_length = 1, max_length = 65_536)]
    body: String,
}

impl ComposeBody {
    fn parse(self, region: &str) -> Result<Compose, DomainError> {
        let inbox = match (self.inbox_id, self.inbox_api_code) {
            (Some(id), None) => InboxRef::Id(
                InboxId::parse(&id).map_err(|_| DomainError::invalid("inbox_id", "not an id"))?,
            ),
            (None, Some(code)) => InboxRef::ApiCode(ApiCode::parse(&code)?),
            _ => {
                return Err(DomainError::invalid(
                    "inbox_id",
                    "give either inbox_id or inbox_api_code",
                ))
            }
        };
        Ok(Compose {
            inbox,
            channel_id: self
                .channel_id
                .map(|id| {
                    ChannelId::parse(&id)
                        .map_err(|_| DomainError::invalid("channel_id", "not an id"))
                })
                .transpose()?,
            to: PhoneNumber::parse(&self.to, region)
                .map_err(|e| DomainError::invalid("to", e.to_string()))?,
            body: MessageBody::parse(&self.body, false)?,
        })
    }
}

/// Compose: text a customer from an inbox. The contact's conversation in
/// that inbox is reused when it is not closed (200); otherwise a new one is
/// created (201), assigned to the writer, waiting in Done until the
/// customer answers.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id")),
    request_body = ComposeBody, security(("session" = []), ("token" = [])),
    responses((status = 201, body = ComposedView, description = "A new conversation"),
        (status = 200, body = ComposedView, description = "The contact's open conversation, continued"),
        (status = 404, description = "No such inbox, or one the caller may not see"),
        (status = 409, description = "`conflict_locked` or `inbox_unregistered`"),
        (status = 422, description = "A value that is not valid, or `opted_out`")))]
pub(super) async fn compose(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<ComposeBody>,
) -> Result<(StatusCode, Json<ComposedView>), ApiError> {
    let compose = body.parse(&state.settings.default_region)?;
    let composed = conversations::compose(&state, &who, compose).await?;
    let status = if composed.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(ComposedView {
            conversation: ConversationView::at(&composed.conversation, state.clock.now()),
            message: MessageView::from(&composed.message),
        }),
    ))
}

/// `POST …/messages`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostBody {
    /// `reply` (sent to the customer) or `note` (internal).
    #[schema(value_type = PostKindWord, example = "reply")]
    kind: String,
    /// The text: at most 64 KiB of UTF-8; not blank unless the reply has attachments.
    #[serde(default)]
    #[schema(max_length = 65_536)]
    body: String,
    /// Files for a reply (MMS), uploaded first with `POST /media`: at most
    /// 10 and 5 MB in all. An upload may be sent again in other replies.
    #[serde(default)]
    #[schema(max_items = 10)]
    attachments: Vec<AttachmentRef>,
    /// The `version` the writer saw: a reply is refused as stale when the
    /// customer wrote since.
    expected_version: Option<i64>,
    /// Send the reply later, at this RFC 3339 time (in the future, at most a
    /// year ahead). It is `scheduled` until then: edit it with
    /// `PATCH /messages/{id}`, cancel it with `DELETE /messages/{id}`.
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-03-10T09:00:00Z")]
    send_at: Option<String>,
}

/// Reads an RFC 3339 `send_at`.
pub(super) fn parse_send_at(raw: &str) -> Result<domain::Timestamp, DomainError> {
    chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map(|at| at.with_timezone(&chrono::Utc))
        .map_err(|_| {
            DomainError::invalid(
                "send_at",
                "must be an RFC 3339 time with its offset, like 2026-03-10T09:00:00Z",
            )
        })
}

/// An uploaded file to attach.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    /// The `media_id` `POST /media` answered.
    media_id: String,
}

impl PostBody {
    fn parse(self) -> Result<Post, DomainError> {
        let kind = match self.kind.as_str() {
            "reply" => MessageKind::Outbound,
            "note" => MessageKind::Note,
            other => {
                return Err(DomainError::UnknownValue {
                    field: "kind",
                    value: other.chars().take(64).collect(),
                    expected: "reply, note",
                })
            }
        };
        let attachments = self
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                MediaId::parse(&a.media_id).map_err(|_| {
                    DomainError::invalid("attachments", format!("item {i}: media_id is not an id"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Post {
            kind,
            body: MessageBody::parse(&self.body, !attachments.is_empty())?,
            attachments,
            expected_version: self.expected_version,
            send_at: self.send_at.as_deref().map(parse_send_at).transpose()?,
        })
    }
}

/// Reply to the customer or write an internal note; with `send_at`, a
/// reply is scheduled to go later (answered 201 with status `scheduled`).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/messages",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    request_body = PostBody, security(("session" = []), ("token" = [])),
    responses((status = 201, body = PostedView),
        (status = 404, description = "No such conversation"),
        (status = 409, description = "`conflict_locked` (someone else is replying), \
`stale_conversation` (the customer wrote since `expected_version`), `inbox_unregistered`, \
or the conversation is closed"),
        (status = 422, description = "A value that is not valid (a `send_at` in the past, a \
scheduled note), or `opted_out`")))]
async fn post_message(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<PostBody>,
) -> Result<(StatusCode, Json<PostedView>), ApiError> {
    let post = body.parse()?;
    let (message, conversation) =
        messages::post(&state, &who, &conversation_id(&id)?, post).await?;
    Ok((
        StatusCode::CREATED,
        Json(PostedView {
            message: MessageView::from(&message),
            conversation: ConversationView::at(&conversation, state.clock.now()),
        }),
    ))
}

/// Paging of a timeline.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TimelineQuery {
    /// 1 to 200; 50 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The conversation's timeline: messages, notes and events, oldest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/conversations/{id}/timeline",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id"), TimelineQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = TimelinePage),
        (status = 400, description = "A cursor this list did not give out"),
        (status = 404, description = "No such conversation"),
        (status = 422, description = "`limit` out of range")))]
async fn timeline(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
    QueryParams(query): QueryParams<TimelineQuery>,
) -> Result<Json<TimelinePage>, ApiError> {
    let limit = limit(query.limit.as_deref())?;
    let page = conversations::timeline(
        &state,
        &who,
        &conversation_id(&id)?,
        query.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(Json(TimelinePage {
        items: page
            .items
            .iter()
            .map(|item| TimelineItemView {
                event: EventView::from(&item.event),
                message: item.message.as_ref().map(MessageView::from),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Mark the conversation read: the caller's cursor, or the team's in an
/// inbox whose unread mode is `shared`.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/conversations/{id}/read",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Read"),
        (status = 404, description = "No such conversation")))]
async fn mark_read(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    conversations::mark_read(&state, &who, &conversation_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

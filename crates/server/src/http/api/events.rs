//! Live events (`GET /events`): Server-Sent Events of every change the
//! caller may see, resumable with `Last-Event-ID`. The feed itself (replay,
//! live, no gap, no repeat) is [`crate::http::sse`].

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use domain::{Event, EventKind};
use futures_util::{stream, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::notifications::NotificationView;
use crate::http::auth::{Credential, InWorkspaceWith};
use crate::http::error::ApiError;
use crate::http::metrics::SseClient;
use crate::http::query::QueryParams;
use crate::http::sse;
use crate::services::state::AppState;

/// How often an idle stream sends a comment, so that proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a client waits before reconnecting after the stream ends.
const RETRY: Duration = Duration::from_secs(3);

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// An event as streamed (the `data:` of an SSE message) and as listed in a
/// timeline: where it happened, who did it, and what, with the fields of its
/// `type`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    /// Its sequence number: the SSE `id:`, to resume with `Last-Event-ID`.
    pub seq: i64,
    /// The workspace.
    pub workspace_id: String,
    /// The inbox.
    pub inbox_id: String,
    /// The conversation.
    pub conversation_id: String,
    /// Who did it; `null` for the customer or the system.
    pub actor_id: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// `type` (the SSE `event:`: `created`, `message`, `assigned`,
    /// `transferred`, `returned`, `status_changed`, `priority_changed`,
    /// `subject_changed`, `tags_changed`, `linked`, `unlinked`, `delivery`,
    /// `locked`, `unlocked`, `call`, `sla_breached`, `message_scheduled`,
    /// `scheduled_message_edited`, `scheduled_message_cancelled`) and that type's own fields.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub kind: EventKind,
}

impl From<&Event> for EventView {
    fn from(event: &Event) -> Self {
        Self {
            seq: event.seq,
            workspace_id: event.workspace_id.to_string(),
            inbox_id: event.inbox_id.to_string(),
            conversation_id: event.conversation_id.to_string(),
            actor_id: event.actor_id.as_ref().map(ToString::to_string),
            created_at: event.created_at,
            kind: event.kind.clone(),
        }
    }
}

/// Where to resume, for clients that cannot set the `Last-Event-ID` header.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// The last event id received; the header wins when both are sent.
    last_event_id: Option<String>,
}

/// Stream the changes the caller may see as Server-Sent Events: `id:` is the
/// event's sequence number, `event:` its type, `data:` the event as JSON.
/// With `Last-Event-ID` the events after it are replayed first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/events", tag = "events",
    params(("ws" = String, Path, description = "Workspace id"),
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id"),
        EventsQuery),
    security(("session" = []), ("token" = [])),
    responses(
        (status = 200, content_type = "text/event-stream", body = EventView,
            description = "A stream of events; each `data:` is an EventView"),
        (status = 400, description = "Last-Event-ID is not an event id"),
        (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace")))]
async fn events(
    State(state): State<AppState>,
    InWorkspaceWith(who, credential): InWorkspaceWith,
    headers: HeaderMap,
    QueryParams(query): QueryParams<EventsQuery>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let last = last_event_id(&headers, query.last_event_id.as_deref())?;
    let proof = match credential {
        Credential::Session { raw, .. } => sse::Proof::Session(raw),
        Credential::Token { id } => sse::Proof::Token(id),
    };
    // The caller's own in-app notifications ride along as `notification`
    // messages (no id: they are not events and are not replayed; the
    // centre's list has them all).
    let notifications = own_notifications(&state, &who);
    let feed = sse::open(&state, who, proof, last).await?;
    // The first message tells the client how soon to come back, and that the
    // subscription is live: anything committed from now on will arrive.
    let hello = SseEvent::default().retry(RETRY).comment("connected");
    // Counted as a live client until the stream is dropped.
    let client = SseClient::open(&state);
    let events = feed.into_stream().map(move |event| {
        let _open = &client;
        Ok(message(&event))
    });
    // The stream ends when the feed does (logged out, left the workspace):
    // its end is marked so that the notifications end with it.
    let ends = events.map(Some).chain(stream::once(async { None }));
    let live = stream::select(ends, notifications.map(Some))
        .take_while(|item| std::future::ready(item.is_some()))
        .filter_map(std::future::ready);
    Ok(Sse::new(stream::once(async move { Ok(hello) }).chain(live))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

/// The in-app notifications for `who` published on this node from now on,
/// as SSE messages; ends with the node.
fn own_notifications(
    state: &AppState,
    who: &crate::services::access::Principal,
) -> impl Stream<Item = Result<SseEvent, Infallible>> + Send + 'static {
    let receiver = state.hub.subscribe_notifications();
    let user = who.user.id.clone();
    let workspace = who.workspace_id.clone();
    let shutdown = state.shutdown.clone();
    stream::unfold(receiver, move |mut receiver| {
        let (user, workspace, shutdown) = (user.clone(), workspace.clone(), shutdown.clone());
        async move {
            loop {
                let received = tokio::select! {
                    () = shutdown.cancelled() => return None,
                    received = receiver.recv() => received,
                };
                match received {
                    Ok(n) if n.user_id == user && n.workspace_id == workspace => {
                        let view = NotificationView::from(n.as_ref());
                        let message = SseEvent::default().event("notification");
                        let message = message.clone().json_data(view).unwrap_or(message);
                        return Some((Ok(message), receiver));
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    })
}

/// One SSE message for `event`.
fn message(event: &Event) -> SseEvent {
    let message = SseEvent::default()
        .id(event.seq.to_string())
        .event(event.kind.name());
    match message.clone().json_data(EventView::from(event)) {
        Ok(message) => message,
        // Cannot happen for these types; a message without data keeps the id.
        Err(error) => {
            tracing::error!(%error, "cannot serialise an event");
            message
        }
    }
}

/// The resume point: the `Last-Event-ID` header, else the query parameter.
fn last_event_id(headers: &HeaderMap, query: Option<&str>) -> Result<Option<i64>, ApiError> {
    let raw = match headers.get("last-event-id") {
        Some(value) => Some(value.to_str().map_err(|_| bad_id())?),
        None => query,
    };
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|seq| *seq >= 0)
            .map(Some)
            .ok_or_else(bad_id),
    }
}

fn bad_id() -> ApiError {
    ApiError::bad_request(
        "validation",
        "Last-Event-ID: not an event id (the id: of an event this stream sent)",
    )
}

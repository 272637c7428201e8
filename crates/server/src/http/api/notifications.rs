//! The caller's notifications in this workspace: the in-app centre
//! (`/me/notifications`) and how they want to hear of each trigger
//! (`/me/notification-preferences`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::text::Word;
use domain::DomainError;
use serde::{Deserialize, Serialize};
use store::notifications::Notification;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::http::query::QueryParams;
use crate::services::notifications::{centre, preferences, Medium, Trigger};
use crate::services::state::AppState;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
        .routes(routes!(get_preferences, set_preferences))
}

/// One notification in the caller's centre (also the `data:` of the live
/// feed's `notification` messages).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    /// Its id.
    pub id: String,
    /// `inbound`, `assigned`, `mentioned`, `snooze_woke`, `sla_breached` or
    /// `registration_completed`.
    pub trigger: String,
    /// The contact and the first line, or what happened.
    pub text: String,
    /// The inbox it concerns.
    pub inbox_id: Option<String>,
    /// The conversation it concerns (open it at `/conversations/{id}`).
    pub conversation_id: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When the caller read it; `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl From<&Notification> for NotificationView {
    fn from(n: &Notification) -> Self {
        Self {
            id: n.id.clone(),
            trigger: n.trigger.clone(),
            text: n.body.clone(),
            inbox_id: n.inbox_id.as_ref().map(ToString::to_string),
            conversation_id: n.conversation_id.as_ref().map(ToString::to_string),
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

/// A page of the caller's notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    /// Newest first.
    pub items: Vec<NotificationView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
    /// How many of all the caller's notifications are unread.
    pub unread: i64,
}

/// Paging of `GET /me/notifications`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// How the caller hears of each trigger: `in_app`, `email`, `slack_dm` or `off`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesView {
    /// A customer wrote in one of the caller's inboxes.
    #[schema(example = "in_app")]
    pub inbound: Option<String>,
    /// A conversation was assigned or transferred to the caller.
    pub assigned: Option<String>,
    /// The caller was @mentioned in a note.
    pub mentioned: Option<String>,
    /// A snoozed conversation of the caller's woke up.
    pub snooze_woke: Option<String>,
    /// A conversation missed its SLA due time: the caller's, or an
    /// unassigned one of an inbox whose targets include them.
    pub sla_breached: Option<String>,
    /// An inbox's carrier registration completed (admins; email by default).
    pub registration_completed: Option<String>,
}

impl PreferencesView {
    fn of(all: &[(Trigger, Medium)]) -> Self {
        let word = |t: Trigger| {
            all.iter()
                .find(|(x, _)| *x == t)
                .map(|(_, m)| m.as_str().to_string())
        };
        Self {
            inbound: word(Trigger::Inbound),
            assigned: word(Trigger::Assigned),
            mentioned: word(Trigger::Mentioned),
            snooze_woke: word(Trigger::SnoozeWoke),
            sla_breached: word(Trigger::SlaBreached),
            registration_completed: word(Trigger::RegistrationCompleted),
        }
    }

    /// The choices sent, each checked (an unknown medium names its trigger).
    fn changes(&self) -> Result<Vec<(Trigger, Medium)>, ApiError> {
        let sent = [
            (Trigger::Inbound, &self.inbound),
            (Trigger::Assigned, &self.assigned),
            (Trigger::Mentioned, &self.mentioned),
            (Trigger::SnoozeWoke, &self.snooze_woke),
            (Trigger::SlaBreached, &self.sla_breached),
            (Trigger::RegistrationCompleted, &self.registration_completed),
        ];
        let mut changes = Vec::new();
        for (trigger, word) in sent {
            if let Some(word) = word {
                let medium = Medium::parse(word).map_err(|_| {
                    DomainError::invalid(
                        trigger.as_str(),
                        format!("must be one of {}", Medium::EXPECTED),
                    )
                })?;
                changes.push((trigger, medium));
            }
        }
        Ok(changes)
    }
}

/// List the caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/me/notifications", tag = "notifications",
    params(("ws" = String, Path, description = "Workspace id"), NotificationQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = NotificationPage), (status = 400, description = "Not a cursor of this list"),
        (status = 401, description = "Not logged in"), (status = 404, description = "No such workspace"),
        (status = 422, description = "`limit` out of range")))]
async fn list_notifications(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    QueryParams(query): QueryParams<NotificationQuery>,
) -> Result<Json<NotificationPage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(DomainError::invalid("limit", format!("must be 1 to {MAX_LIMIT}")).into());
    }
    let page = centre::list(&state, &who, query.cursor.as_deref(), limit).await?;
    Ok(Json(NotificationPage {
        items: page.page.items.iter().map(NotificationView::from).collect(),
        next_cursor: page.page.next_cursor,
        unread: page.unread,
    }))
}

/// Mark one of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/me/notifications/{id}/read", tag = "notifications",
    params(("ws" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Notification id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "Read"), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such notification of the caller's")))]
async fn mark_read(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    centre::mark_read(&state, &who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark all the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/me/notifications/read-all", tag = "notifications",
    params(("ws" = String, Path, description = "Workspace id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204, description = "All read"), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace")))]
async fn mark_all_read(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
) -> Result<StatusCode, ApiError> {
    centre::mark_all_read(&state, &who).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How the caller hears of each trigger (defaults filled in).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/me/notification-preferences", tag = "notifications",
    params(("ws" = String, Path, description = "Workspace id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PreferencesView), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace")))]
async fn get_preferences(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
) -> Result<Json<PreferencesView>, ApiError> {
    let all = preferences::get(&state, &who).await?;
    Ok(Json(PreferencesView::of(&all)))
}

/// Choose how to hear of some triggers; those left out keep their medium.
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/me/notification-preferences", tag = "notifications",
    params(("ws" = String, Path, description = "Workspace id")),
    request_body = PreferencesView, security(("session" = []), ("token" = [])),
    responses((status = 200, body = PreferencesView), (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace"),
        (status = 422, description = "A medium is not one of in_app, email, slack_dm, off")))]
async fn set_preferences(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<PreferencesView>,
) -> Result<Json<PreferencesView>, ApiError> {
    let changes = body.changes()?;
    let all = preferences::set(&state, &who, &changes).await?;
    Ok(Json(PreferencesView::of(&all)))
}

//! Reading: the queue, its counts, and one conversation's page.

use axum::extract::{Path, State};
use axum::Json;
use domain::text::Word;
use domain::{DomainError, Priority, Status, Tag, UserId, View};
use serde::Deserialize;
use store::queue::{AssigneeFilter, SlaStanding, Sort};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conversation_id;
use super::views::{CountsView, DetailView, QueueItemView, QueuePage};
use crate::http::api::words::{PriorityWord, SlaStandingWord, SortWord, StatusWord, ViewWord};
use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::query::QueryParams;
use crate::services::conversations::{self, ContactOwner, QueueQuery};
use crate::services::state::AppState;

/// The page size when none is asked for, and the largest allowed (API.md).
pub(super) const DEFAULT_LIMIT: u32 = 50;
pub(super) const MAX_LIMIT: u32 = 200;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // One `routes!` per path: the methods of a path are declared together.
        .routes(routes!(list_conversations, super::messages::compose))
        .routes(routes!(count_conversations))
        .routes(routes!(
            get_conversation,
            super::actions::update_conversation
        ))
}

/// The filters of the queue, as sent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FilterQuery {
    /// One inbox's id; all the caller may see when absent.
    inbox: Option<String>,
    /// `open` (the default), `done`, `snoozed` or `all`.
    #[param(inline, value_type = Option<ViewWord>)]
    view: Option<String>,
    /// One status, on top of the view (use `view=all` to reach any).
    #[param(inline, value_type = Option<StatusWord>)]
    status: Option<String>,
    /// `me`, `none`, `others` or a user id.
    assignee: Option<String>,
    /// `none`, `low`, `normal`, `high` or `urgent`.
    #[param(inline, value_type = Option<PriorityWord>)]
    priority: Option<String>,
    /// A tag.
    tag: Option<String>,
    /// `true` for unread only, `false` for read only.
    #[param(value_type = Option<bool>)]
    unread: Option<String>,
    /// `me` or a user id: conversations whose contact that user owns.
    contact_owner: Option<String>,
    /// A contact's id: that contact's conversations.
    contact: Option<String>,
    /// Full-text search over messages (words as prefixes: `Rinn` finds
    /// `Rinnai`), and the contact's name, phone or email.
    q: Option<String>,
    /// Where they stand against their SLA due time now: `soon` (due soon,
    /// not passed), `breached` (overdue) or `at_risk` (either).
    #[param(inline, value_type = Option<SlaStandingWord>)]
    sla: Option<String>,
}

/// The queue's filters, order and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// One inbox's id; all the caller may see when absent.
    inbox: Option<String>,
    /// `open` (the default), `done`, `snoozed` or `all`.
    #[param(inline, value_type = Option<ViewWord>)]
    view: Option<String>,
    /// One status, on top of the view (use `view=all` to reach any).
    #[param(inline, value_type = Option<StatusWord>)]
    status: Option<String>,
    /// `me`, `none`, `others` or a user id.
    assignee: Option<String>,
    /// `none`, `low`, `normal`, `high` or `urgent`.
    #[param(inline, value_type = Option<PriorityWord>)]
    priority: Option<String>,
    /// A tag.
    tag: Option<String>,
    /// `true` for unread only, `false` for read only.
    #[param(value_type = Option<bool>)]
    unread: Option<String>,
    /// `me` or a user id: conversations whose contact that user owns.
    contact_owner: Option<String>,
    /// A contact's id: that contact's conversations.
    contact: Option<String>,
    /// Full-text search over messages (words as prefixes: `Rinn` finds
    /// `Rinnai`), and the contact's name, phone or email.
    q: Option<String>,
    /// Where they stand against their SLA due time now: `soon` (due soon,
    /// not passed), `breached` (overdue) or `at_risk` (either).
    #[param(inline, value_type = Option<SlaStandingWord>)]
    sla: Option<String>,
    /// `last_activity` (the default), `created`, `priority`, `waiting` or
    /// `due` (SLA due time, breaching soonest first; nothing due last).
    #[param(inline, value_type = Option<SortWord>)]
    sort: Option<String>,
    /// 1 to 200; 50 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page (same sort).
    cursor: Option<String>,
}

impl ListQuery {
    fn filters(&self) -> FilterQuery {
        FilterQuery {
            inbox: self.inbox.clone(),
            view: self.view.clone(),
            status: self.status.clone(),
            assignee: self.assignee.clone(),
            priority: self.priority.clone(),
            tag: self.tag.clone(),
            unread: self.unread.clone(),
            contact_owner: self.contact_owner.clone(),
            contact: self.contact.clone(),
            q: self.q.clone(),
            sla: self.sla.clone(),
        }
    }
}

/// A parameter's value, trimmed; empty counts as absent.
fn word(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl FilterQuery {
    /// Parses every filter; a bad value is a 422 naming its parameter.
    fn parse(&self, sort: Option<&str>) -> Result<QueueQuery, DomainError> {
        Ok(QueueQuery {
            inbox: word(&self.inbox).map(|raw| id("inbox", raw)).transpose()?,
            view: word(&self.view)
                .map(View::parse)
                .transpose()?
                .unwrap_or(View::Open),
            status: word(&self.status).map(Status::parse).transpose()?,
            assignee: word(&self.assignee).map(assignee).transpose()?,
            priority: word(&self.priority).map(Priority::parse).transpose()?,
            tag: word(&self.tag).map(Tag::parse).transpose()?,
            unread: word(&self.unread).map(unread).transpose()?,
            contact_owner: word(&self.contact_owner).map(owner).transpose()?,
            contact: word(&self.contact)
                .map(|raw| id("contact", raw))
                .transpose()?,
            q: word(&self.q).map(str::to_string),
            sla: word(&self.sla).map(SlaStanding::parse).transpose()?,
            sort: sort
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Sort::parse)
                .transpose()?
                .unwrap_or(Sort::LastActivity),
        })
    }
}

fn id<T>(field: &'static str, raw: &str) -> Result<domain::Id<T>, DomainError> {
    domain::Id::parse(raw).map_err(|_| DomainError::invalid(field, "not an id"))
}

fn assignee(raw: &str) -> Result<AssigneeFilter, DomainError> {
    Ok(match raw {
        "me" => AssigneeFilter::Me,
        "none" => AssigneeFilter::Nobody,
        "others" => AssigneeFilter::Others,
        user => AssigneeFilter::User(id::<domain::User>("assignee", user).map_err(|_| {
            DomainError::invalid("assignee", "must be me, none, others or a user id")
        })?),
    })
}

fn owner(raw: &str) -> Result<ContactOwner, DomainError> {
    if raw == "me" {
        return Ok(ContactOwner::Me);
    }
    UserId::parse(raw)
        .map(ContactOwner::User)
        .map_err(|_| DomainError::invalid("contact_owner", "must be me or a user id"))
}

fn unread(raw: &str) -> Result<bool, DomainError> {
    match raw {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(DomainError::invalid("unread", "must be true or false")),
    }
}

/// `limit=`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent.
pub(super) fn limit(raw: Option<&str>) -> Result<u32, DomainError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                DomainError::invalid("limit", format!("must be a number from 1 to {MAX_LIMIT}"))
            }),
    }
}

/// List conversations: the queue, filtered, sorted and paginated.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/conversations", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"), ListQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = QueuePage),
        (status = 400, description = "A cursor this list did not give out"),
        (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace, or an inbox the caller may not see"),
        (status = 422, description = "A filter value that is not valid")))]
async fn list_conversations(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<QueuePage>, ApiError> {
    let filters = query.filters().parse(query.sort.as_deref())?;
    let limit = limit(query.limit.as_deref())?;
    let words = filters
        .q
        .as_deref()
        .map(domain::highlight::words)
        .unwrap_or_default();
    let page = conversations::list(&state, &who, filters, limit, query.cursor.as_deref()).await?;
    Ok(Json(QueuePage {
        items: page
            .items
            .iter()
            .map(|item| QueueItemView::at(item, state.clock.now(), &words))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Count the queue's badges for the same filters, in one query. `view`,
/// `status` and `assignee` do not narrow the counts: they are what the
/// badges split by.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/conversations/counts", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"), FilterQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CountsView),
        (status = 401, description = "Not logged in"),
        (status = 404, description = "No such workspace, or an inbox the caller may not see"),
        (status = 422, description = "A filter value that is not valid")))]
async fn count_conversations(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    QueryParams(query): QueryParams<FilterQuery>,
) -> Result<Json<CountsView>, ApiError> {
    let counts = conversations::counts(&state, &who, query.parse(None)?).await?;
    Ok(Json(counts.into()))
}

/// Open a conversation: it with its contact, links, reply lock and viewers.
/// Marks the caller as viewing it for a minute; read it again to stay listed.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/conversations/{id}", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Conversation id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = DetailView),
        (status = 401, description = "Not logged in"),
        (status = 404, description = "No such conversation, or one the caller may not see")))]
async fn get_conversation(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<DetailView>, ApiError> {
    let detail = conversations::get(&state, &who, &conversation_id(&id)?).await?;
    Ok(Json(DetailView::at(&detail, state.clock.now())))
}

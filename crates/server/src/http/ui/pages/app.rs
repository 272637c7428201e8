//! `/w/{ws}` and `/w/{ws}/c/{id}`: the three panes, and each pane alone as a
//! partial the page's script fetches when a live event says it changed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::{ConversationId, User, Zone};

use super::conversation::{self, Head, HeadPartial, Line, TimelinePartial};
use super::details::{self, Details, DetailsPartial};
use super::queue::{self, QueuePane, QueueParams, QueuePartial, Sidebar, SidebarPartial};
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::session::Agent;
use crate::http::ui::{assets, render, Chrome};
use crate::services::conversations;
use crate::services::state::AppState;

/// The app: inboxes, queue, and the open conversation if any.
#[derive(Debug, Template)]
#[template(path = "app/app.html")]
pub struct AppPage {
    /// The layout.
    pub chrome: Chrome,
    /// The page's script.
    pub script: String,
    /// The message boxes' script (the SMS counter).
    pub compose_script: String,
    /// The reply box's attachments script.
    pub attach_script: String,
    /// The bell's and the @mention picker's script.
    pub notify_script: String,
    /// The workspace id.
    pub ws: String,
    /// The CSRF token for forms and the script's writes.
    pub csrf: String,
    /// My id.
    pub me: String,
    /// My name.
    pub my_name: String,
    /// Whether I am an admin or owner.
    pub is_admin: bool,
    /// The left pane.
    pub sidebar: Sidebar,
    /// The middle pane.
    pub queue: QueuePane,
    /// The open conversation's header.
    pub head: Option<Head>,
    /// Its timeline.
    pub timeline: Vec<Line>,
    /// The open conversation's id (the timeline's forms); empty when none.
    pub conversation_id: String,
    /// The details pane beside it.
    pub details: Option<Details>,
    /// The queue's query string, kept by every link and form.
    pub back: String,
    /// A notice left by the previous action.
    pub flash: Option<String>,
    /// Whether my profile has a time zone; without one the page's script
    /// sends the browser's, which the next page and refreshes use.
    pub zone_known: bool,
    /// Whether I take new work (the top bar's switch).
    pub available: bool,
}

/// `GET /w/{ws}`.
pub async fn inbox(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Query(params): Query<QueueParams>,
) -> Result<Response, ApiError> {
    page(state, agent, jar, params, None).await
}

/// `GET /w/{ws}/c/{id}`: also moves my read cursor.
pub async fn conversation(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): Path<(String, String)>,
    Query(params): Query<QueueParams>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    conversations::mark_read(&state, &agent.who, &id).await?;
    page(state, agent, jar, params, Some(id)).await
}

async fn page(
    state: AppState,
    agent: Agent,
    jar: CookieJar,
    params: QueueParams,
    open: Option<ConversationId>,
) -> Result<Response, ApiError> {
    let who = &agent.who;
    let me = crate::services::accounts::profile::get(&state, &who.user).await?;
    let stored_zone = me.time_zone;
    let zone = stored_zone.unwrap_or(Zone::UTC);
    let (sidebar, title) = queue::sidebar(&state, who, &params).await?;
    let back = params.query(&[]);
    let open_id = open.as_ref().map(ToString::to_string);
    let queue = queue::queue(&state, who, params, title.clone(), open_id.as_deref(), zone).await?;
    let (head, timeline, details) = match &open {
        Some(id) => (
            Some(conversation::head(&state, who, id, zone).await?),
            conversation::timeline(&state, who, id, zone).await?,
            Some(details::details(&state, who, id, &back, zone).await?),
        ),
        None => (None, Vec::new(), None),
    };
    let page_title = head.as_ref().map_or(title, |h| h.contact_name.clone());
    let (jar, flash) = cookies::take_flash(jar);
    let page = AppPage {
        chrome: Chrome::new(page_title),
        script: assets::url("app.js"),
        compose_script: assets::url("compose.js"),
        attach_script: assets::url("attach.js"),
        notify_script: assets::url("notify.js"),
        ws: who.workspace_id.to_string(),
        csrf: agent.csrf.clone(),
        me: who.user.id.to_string(),
        my_name: who.user.name.clone(),
        is_admin: who.role.is_admin(),
        sidebar,
        queue,
        head,
        timeline,
        conversation_id: open_id.clone().unwrap_or_default(),
        details,
        back,
        flash,
        zone_known: stored_zone.is_some(),
        available: me.availability == domain::Availability::Available,
    };
    Ok((jar, render(&page)?).into_response())
}

/// `GET /w/{ws}/queue`: the middle pane.
pub async fn queue_partial(
    State(state): State<AppState>,
    agent: Agent,
    Query(params): Query<QueueParams>,
    Query(open): Query<OpenParam>,
) -> Result<Html<String>, ApiError> {
    let who = &agent.who;
    let (_, title) = queue::sidebar(&state, who, &params).await?;
    let zone = viewer_zone(&state, &who.user).await?;
    // As many rows as the page has loaded (the list is clamped to 500).
    let length = open.limit.unwrap_or(100).clamp(1, 500);
    let queue = queue::queue_of_length(
        &state,
        who,
        params,
        title,
        open.open.as_deref(),
        zone,
        length,
    )
    .await?;
    render(&QueuePartial {
        queue,
        ws: who.workspace_id.to_string(),
    })
}

/// Which conversation is open, for the queue partial's highlight, and how
/// many rows the page shows now.
#[derive(Debug, serde::Deserialize)]
pub struct OpenParam {
    open: Option<String>,
    limit: Option<u32>,
}

/// `GET /w/{ws}/sidebar`: the left pane.
pub async fn sidebar_partial(
    State(state): State<AppState>,
    agent: Agent,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, ApiError> {
    let (sidebar, _) = queue::sidebar(&state, &agent.who, &params).await?;
    render(&SidebarPartial {
        sidebar,
        ws: agent.who.workspace_id.to_string(),
        is_admin: agent.who.role.is_admin(),
    })
}

/// `GET /w/{ws}/c/{id}/head`: the conversation's header and buttons.
pub async fn head_partial(
    State(state): State<AppState>,
    agent: Agent,
    Path((_, id)): Path<(String, String)>,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, ApiError> {
    let zone = viewer_zone(&state, &agent.who.user).await?;
    let head = conversation::head(&state, &agent.who, &parse_id(&id)?, zone).await?;
    render(&HeadPartial {
        head,
        ws: agent.who.workspace_id.to_string(),
        csrf: agent.csrf,
        back: params.query(&[]),
    })
}

/// `GET /w/{ws}/c/{id}/details`: the contact, links, subject, priority and tags.
pub async fn details_partial(
    State(state): State<AppState>,
    agent: Agent,
    Path((_, id)): Path<(String, String)>,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, ApiError> {
    let id = parse_id(&id)?;
    let back = params.query(&[]);
    let who = &agent.who;
    let zone = viewer_zone(&state, &who.user).await?;
    render(&DetailsPartial {
        head: conversation::head(&state, who, &id, zone).await?,
        details: details::details(&state, who, &id, &back, zone).await?,
        ws: who.workspace_id.to_string(),
        csrf: agent.csrf.clone(),
        back,
    })
}

/// `GET /w/{ws}/c/{id}/timeline`: the messages, notes and events.
pub async fn timeline_partial(
    State(state): State<AppState>,
    agent: Agent,
    Path((_, id)): Path<(String, String)>,
) -> Result<Html<String>, ApiError> {
    let id = parse_id(&id)?;
    let zone = viewer_zone(&state, &agent.who.user).await?;
    let timeline = conversation::timeline(&state, &agent.who, &id, zone).await?;
    // The person is looking at it: what arrived is read.
    conversations::mark_read(&state, &agent.who, &id).await?;
    render(&TimelinePartial {
        timeline,
        ws: agent.who.workspace_id.to_string(),
        csrf: agent.csrf.clone(),
        conversation_id: id.to_string(),
    })
}

/// The time zone `user` chose (or their browser sent), if any.
pub async fn stored_zone(state: &AppState, user: &User) -> Result<Option<Zone>, ApiError> {
    let mut reader = state.store.read().await?;
    let profile = store::users::profile(&mut reader.conn(), &user.id).await?;
    Ok(profile.and_then(|p| p.time_zone))
}

/// The zone `user`'s pages show times in: theirs, else UTC until their
/// browser's is known.
pub async fn viewer_zone(state: &AppState, user: &User) -> Result<Zone, ApiError> {
    Ok(stored_zone(state, user).await?.unwrap_or(Zone::UTC))
}

/// A conversation id from the path; a malformed one is simply not found.
pub fn parse_id(raw: &str) -> Result<ConversationId, ApiError> {
    ConversationId::parse(raw).map_err(|_| ApiError::not_found("no such conversation"))
}

/// `GET /w/{ws}/m/{message}`: a message's permalink, opened in its
/// conversation and scrolled to it (`:target` highlights it).
pub async fn permalink(
    State(state): State<AppState>,
    agent: Agent,
    Path((ws, id)): Path<(String, String)>,
) -> Result<axum::response::Redirect, ApiError> {
    let id = domain::MessageId::parse(&id).map_err(|_| ApiError::not_found("no such message"))?;
    let (message, conversation) = conversations::message(&state, &agent.who, &id).await?;
    Ok(axum::response::Redirect::to(&format!(
        "/w/{ws}/c/{}#m-{}",
        conversation.id, message.id
    )))
}

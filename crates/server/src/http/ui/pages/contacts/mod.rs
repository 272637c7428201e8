//! `/w/{ws}/contacts`: the workspace's contacts, searchable and paged; one
//! contact's page (edit, delete) and the form for a new one ([`edit`]); and
//! importing a CSV, pasted or uploaded, with a per-line report ([`import`]).
//!
//! Any member of the workspace may use them ([`Action::UseWorkspace`]); the
//! one rule beyond that, who may delete a contact with conversations, is the
//! service's ([`crate::services::contacts::may_delete`]).

pub mod edit;
pub mod import;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::{Action, Contact, ContactId};
use serde::Deserialize;

use super::settings::Frame;
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::session::Agent;
use crate::http::ui::simulator::display_number;
use crate::http::ui::{render, Chrome};
use crate::services::accounts::members as people;
use crate::services::contacts;
use crate::services::state::AppState;

/// Contacts per page.
const PAGE_SIZE: u32 = 50;

/// One row of the list.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its edit page.
    pub href: String,
    /// Name.
    pub name: String,
    /// Phone, for reading.
    pub phone: String,
    /// Email.
    pub email: String,
    /// Owner's name.
    pub owner: String,
}

/// The list.
#[derive(Debug, Template)]
#[template(path = "contacts/list.html")]
pub struct ContactsPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// The search typed.
    pub q: String,
    /// This page's rows.
    pub rows: Vec<Row>,
    /// The next page's link.
    pub next: Option<String>,
    /// Whether this is a later page.
    pub later: bool,
    /// A notice of the last change.
    pub notice: Option<String>,
}

/// The list's query.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

/// `GET /w/{ws}/contacts`.
pub async fn list(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let who = &agent.who;
    who.may(Action::UseWorkspace)?;
    let q = Some(query.q.trim()).filter(|q| !q.is_empty());
    let page = contacts::search(&state, who, q, PAGE_SIZE, query.cursor.as_deref()).await?;
    let names = owner_names(&state, &agent).await?;
    let ws = who.workspace_id.to_string();
    let encode =
        |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    let (jar, notice) = cookies::take_flash(jar);
    let page = ContactsPage {
        chrome: Chrome::new("Contacts"),
        frame: Frame::of(&agent),
        rows: page.items.iter().map(|c| row(&ws, c, &names)).collect(),
        next: page.next_cursor.map(|cursor| {
            format!(
                "/w/{ws}/contacts?q={}&cursor={}",
                encode(&query.q),
                encode(&cursor)
            )
        }),
        later: query.cursor.is_some(),
        q: query.q,
        notice,
    };
    Ok((jar, render(&page)?).into_response())
}

fn row(ws: &str, c: &Contact, names: &HashMap<String, String>) -> Row {
    Row {
        href: format!("/w/{ws}/contacts/{}", c.id),
        name: c.name.clone(),
        phone: c
            .phone
            .as_ref()
            .map(|p| display_number(p.as_str()))
            .unwrap_or_default(),
        email: c
            .email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        owner: c
            .owner_id
            .as_ref()
            .and_then(|o| names.get(o.as_str()).cloned())
            .unwrap_or_default(),
    }
}

async fn owner_names(state: &AppState, agent: &Agent) -> Result<HashMap<String, String>, ApiError> {
    Ok(people::list(state, &agent.who)
        .await?
        .into_iter()
        .map(|(user, _)| (user.id.to_string(), user.name))
        .collect())
}

/// A contact id from the path; one that does not parse is simply not there.
fn contact_id(raw: &str) -> Result<ContactId, ApiError> {
    ContactId::parse(raw).map_err(|_| ApiError::not_found("no such contact"))
}

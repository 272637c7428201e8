//! Creating an inbox, in three steps: name it (`/inboxes/new`), then pick
//! its number and its members (`/inboxes/{id}/new/{step}`), which reuse the
//! settings page's cards; their forms post to the settings actions.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{Action, ApiCode, DomainError, Inbox, InboxKind, Purpose};
use serde::Deserialize;

use super::numbers::NumberQuery;
use super::settings::{self, build, inbox_id, shown_on_page, Frame};
use super::settings_actions::optional;
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::{render, Chrome};
use crate::services::inboxes::{self, NewInbox};
use crate::services::state::AppState;

/// The first step of creating an inbox, and a refused attempt.
#[derive(Debug, Template)]
#[template(path = "settings/new.html")]
pub struct NewInboxPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// What was typed.
    pub form: NewInboxForm,
    /// The purposes.
    pub purposes: &'static [(Purpose, &'static str)],
    /// Why the last attempt was refused.
    pub error: Option<String>,
}

/// The new-inbox form.
#[derive(Debug, Default, Deserialize)]
pub struct NewInboxForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Code for links; derived from the name when blank.
    #[serde(default)]
    pub api_code: String,
    /// Purpose.
    #[serde(default)]
    pub purpose: String,
    /// Colour.
    #[serde(default)]
    pub color: String,
    /// Emoji.
    #[serde(default)]
    pub emoji: String,
}

impl NewInboxForm {
    fn parse(&self) -> Result<NewInbox, DomainError> {
        Ok(NewInbox {
            name: Inbox::parse_name(&self.name)?,
            kind: InboxKind::Shared,
            purpose: Purpose::parse(&self.purpose)?,
            emoji: optional(&self.emoji).map(Inbox::parse_emoji).transpose()?,
            color: optional(&self.color).map(Inbox::parse_color).transpose()?,
            api_code: optional(&self.api_code).map(ApiCode::parse).transpose()?,
            unread_mode: None,
        })
    }
}

fn new_page(agent: &Agent, form: NewInboxForm, error: Option<String>) -> NewInboxPage {
    NewInboxPage {
        chrome: Chrome::new("New inbox"),
        frame: Frame::of(agent),
        form,
        purposes: Purpose::ALL,
        error,
    }
}

/// `GET /w/{ws}/inboxes/new` (admins).
pub async fn new_inbox(agent: Agent) -> Result<Response, ApiError> {
    agent.who.may(Action::CreateInbox)?;
    let form = NewInboxForm {
        color: inboxes::DEFAULT_COLOR.into(),
        emoji: inboxes::DEFAULT_EMOJI.into(),
        purpose: "support".into(),
        ..NewInboxForm::default()
    };
    Ok(render(&new_page(&agent, form, None))?.into_response())
}

/// `POST /w/{ws}/inboxes/new`: creates it, then on to picking a number.
pub async fn create_inbox(
    State(state): State<AppState>,
    agent: Agent,
    Path(ws): Path<String>,
    CsrfForm(form): CsrfForm<NewInboxForm>,
) -> Result<Response, ApiError> {
    agent.who.may(Action::CreateInbox)?;
    let created = match form.parse() {
        Ok(new) => inboxes::create(&state, &agent.who, new)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    match created {
        Ok(summary) => {
            let to = format!("/w/{ws}/inboxes/{}/new/number", summary.view.inbox.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(error) if shown_on_page(&error) => {
            let page = new_page(&agent, form, Some(sentence(error.public_detail())));
            Ok(render(&page)?.into_response())
        }
        Err(error) => Err(error),
    }
}

/// Steps two and three of creating an inbox: its number, its members.
#[derive(Debug, Template)]
#[template(path = "settings/step.html")]
pub struct StepPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// The settings page's content, reused card by card.
    pub page: settings::Settings,
    /// `number` or `members`.
    pub step: String,
}

impl StepPage {
    /// Step `step` of setting up the inbox of `page`.
    pub fn new(agent: &Agent, page: settings::Settings, step: String) -> Self {
        Self {
            chrome: Chrome::new(format!("Set up {}", page.title)),
            frame: Frame::of(agent),
            page,
            step,
        }
    }
}

/// `GET /w/{ws}/inboxes/{id}/new/{step}`.
pub async fn step(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id, step)): Path<(String, String, String)>,
    Query(search): Query<NumberQuery>,
) -> Result<Response, ApiError> {
    if step != "number" && step != "members" {
        return Err(ApiError::not_found("no such step"));
    }
    let id = inbox_id(&id)?;
    let (jar, notice) = cookies::take_flash(jar);
    let mut page = build(&state, &agent, &id, search, None).await?;
    if !page.manage {
        return Err(ApiError::not_found("no such inbox"));
    }
    page.next = step.clone();
    page.notice = notice;
    Ok((jar, render(&StepPage::new(&agent, page, step))?).into_response())
}

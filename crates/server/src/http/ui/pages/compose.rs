//! `/w/{ws}/compose`: writing first to a customer, and `/compose?inbox=…`
//! links from other tools, which open that page in the right workspace.

use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::{ApiCode, InboxId, InboxKind, MessageBody, PhoneNumber, Registration};
use serde::Deserialize;

use crate::http::error::ApiError;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm, Signed};
use crate::http::ui::{render, Chrome};
use crate::services::access::Principal;
use crate::services::conversations::{self, Compose, InboxRef};
use crate::services::inboxes;
use crate::services::state::AppState;

/// The compose page.
#[derive(Debug, Template)]
#[template(path = "app/compose.html")]
pub struct ComposePage {
    /// The layout.
    pub chrome: Chrome,
    /// The workspace id.
    pub ws: String,
    /// The CSRF token.
    pub csrf: String,
    /// My name.
    pub my_name: String,
    /// The inboxes I may write from.
    pub inboxes: Vec<InboxChoice>,
    /// What was typed or linked.
    pub form: ComposeForm,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// The conversation this message would continue, as a link.
    pub existing: Option<String>,
    /// The page's script: the SMS counter and the contact picker.
    pub compose_script: String,
}

/// One inbox in the "From" list.
#[derive(Debug)]
pub struct InboxChoice {
    /// Its id (the form's value).
    pub id: String,
    /// Emoji, name, and what kind it is.
    pub label: String,
    /// Whether it is the one chosen.
    pub selected: bool,
}

/// The compose form, and the query string that prefills it. `inbox` is an
/// inbox id, or an inbox's code from a link.
#[derive(Debug, Default, Deserialize)]
pub struct ComposeForm {
    /// The inbox to send from.
    #[serde(default)]
    pub inbox: String,
    /// The customer's number.
    #[serde(default)]
    pub to: String,
    /// The text.
    #[serde(default)]
    pub body: String,
}

/// `GET /w/{ws}/compose`, prefilled from the query string.
pub async fn page(
    State(state): State<AppState>,
    agent: Agent,
    Query(form): Query<ComposeForm>,
) -> Result<Response, ApiError> {
    show(&state, &agent, form, None).await
}

/// `POST /w/{ws}/compose`: sends, then opens the conversation; a refusal
/// shows the form again with what was typed.
pub async fn send(
    State(state): State<AppState>,
    agent: Agent,
    CsrfForm(form): CsrfForm<ComposeForm>,
) -> Result<Response, ApiError> {
    let sent = match parse(&state, &form) {
        Ok(compose) => conversations::compose(&state, &agent.who, compose)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    match sent {
        Ok(composed) => Ok(Redirect::to(&format!(
            "/w/{}/c/{}",
            agent.who.workspace_id, composed.conversation.id
        ))
        .into_response()),
        Err(error) if error.status().is_client_error() => {
            let why = sentence(error.public_detail());
            show(&state, &agent, form, Some(why)).await
        }
        Err(error) => Err(error),
    }
}

/// `GET /compose?inbox=CODE&to=NUMBER&body=TEXT`: the compose page of the
/// first workspace where I may write from that inbox; signed out, sign in
/// first and come back.
pub async fn link(
    State(state): State<AppState>,
    signed: Result<Signed, Response>,
    OriginalUri(uri): OriginalUri,
    Query(form): Query<ComposeForm>,
) -> Result<Response, ApiError> {
    let Ok(signed) = signed else {
        let here = uri.path_and_query().map_or("/compose", |pq| pq.as_str());
        let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
        return Ok(Redirect::to(&format!("/login?next={next}")).into_response());
    };
    let code = ApiCode::parse(&form.inbox).map_err(|_| no_such_inbox())?;
    let ws = conversations::workspace_for_code(&state, &signed.user, &code)
        .await?
        .ok_or_else(no_such_inbox)?;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("inbox", &form.inbox)
        .append_pair("to", &form.to)
        .append_pair("body", &form.body)
        .finish();
    Ok(Redirect::to(&format!("/w/{ws}/compose?{query}")).into_response())
}

fn no_such_inbox() -> ApiError {
    ApiError::not_found("no inbox with that code that you can write from")
}

/// The page, with the inboxes I can write from and the conversation a send
/// would continue.
async fn show(
    state: &AppState,
    agent: &Agent,
    mut form: ComposeForm,
    error: Option<String>,
) -> Result<Response, ApiError> {
    let who = &agent.who;
    let mine: Vec<_> = inboxes::list(state, who)
        .await?
        .into_iter()
        .filter(|s| s.view.member)
        .map(|s| s.view.inbox)
        .filter(|i| i.kind == InboxKind::Shared || i.owner_id.as_ref() == Some(&who.user.id))
        .collect();
    // A link names the inbox by its code; the form by its id.
    if let Some(inbox) = mine.iter().find(|i| i.api_code.as_str() == form.inbox) {
        form.inbox = inbox.id.to_string();
    }
    let existing = existing(state, who, &form).await;
    let choices = mine
        .iter()
        .map(|i| {
            let kind = match (i.kind, &i.registration) {
                (InboxKind::Personal, _) => " (personal)",
                (_, Registration::Approved) => "",
                _ => " (not registered yet)",
            };
            InboxChoice {
                id: i.id.to_string(),
                label: format!("{} {}{kind}", i.emoji, i.name),
                selected: i.id.to_string() == form.inbox,
            }
        })
        .collect();
    let page = ComposePage {
        chrome: Chrome::new("New message"),
        ws: who.workspace_id.to_string(),
        csrf: agent.csrf.clone(),
        my_name: who.user.name.clone(),
        inboxes: choices,
        form,
        error,
        existing: existing.map(|id| format!("/w/{}/c/{id}", who.workspace_id)),
        compose_script: crate::http::ui::assets::url("compose.js"),
    };
    Ok(render(&page)?.into_response())
}

/// The conversation a send would continue; nothing when the form is not
/// filled in enough to tell.
async fn existing(state: &AppState, who: &Principal, form: &ComposeForm) -> Option<String> {
    let inbox = InboxId::parse(&form.inbox).ok()?;
    let to = PhoneNumber::parse(&form.to, &state.settings.default_region).ok()?;
    conversations::continued(state, who, &InboxRef::Id(inbox), &to)
        .await
        .ok()
        .flatten()
        .map(|id| id.to_string())
}

fn parse(state: &AppState, form: &ComposeForm) -> Result<Compose, ApiError> {
    let inbox = InboxId::parse(&form.inbox)
        .map_err(|_| ApiError::unprocessable("validation", "choose an inbox to send from"))?;
    let to = PhoneNumber::parse(form.to.trim(), &state.settings.default_region).map_err(|e| {
        ApiError::unprocessable(
            "validation",
            format!("that phone number doesn't look right ({e})"),
        )
    })?;
    Ok(Compose {
        inbox: InboxRef::Id(inbox),
        channel_id: None,
        to,
        body: MessageBody::parse(&form.body, false)?,
    })
}

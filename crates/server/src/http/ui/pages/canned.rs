//! `/w/{ws}/replies`: canned replies — one's own, and the workspace's shared
//! ones (admins add, change and remove those). Agents insert them in the
//! composer by typing `/` and the shortcut (`static/canned.js`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::{Action, CannedReply, CannedReplyId};
use serde::Deserialize;

use super::settings::{shown_on_page, Frame};
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::{render, Chrome};
use crate::services::canned::{self, Draft};
use crate::services::state::AppState;

/// The canned replies page.
#[derive(Debug, Template)]
#[template(path = "settings/canned.html")]
pub struct CannedPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// The workspace's shared replies.
    pub shared: Vec<CannedReply>,
    /// The viewer's own.
    pub mine: Vec<CannedReply>,
    /// Whether the viewer may manage shared replies.
    pub may_share: bool,
    /// The add form as typed (after a refusal).
    pub form: ReplyForm,
    /// Which reply's edit form was refused, and why.
    pub error: Option<(String, String)>,
    /// A notice of the last change.
    pub notice: Option<String>,
}

/// The add / edit form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReplyForm {
    /// The shortcut.
    #[serde(default)]
    pub shortcut: String,
    /// The text.
    #[serde(default)]
    pub body: String,
    /// `on` when shared with the workspace.
    #[serde(default)]
    pub shared: Option<String>,
}

impl CannedPage {
    /// The two lists: title, replies, element id.
    pub fn sections(&self) -> [(&'static str, &[CannedReply], &'static str); 2] {
        [
            ("Shared with the workspace", &self.shared, "shared-replies"),
            ("Yours", &self.mine, "my-replies"),
        ]
    }

    /// The refusal shown beside the form of `id` ("new" for the add form).
    pub fn error_for(&self, id: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(at, _)| at == id)
            .map(|(_, why)| why.as_str())
    }
}

async fn page(
    state: &AppState,
    agent: &Agent,
    form: ReplyForm,
    error: Option<(String, String)>,
    notice: Option<String>,
) -> Result<CannedPage, ApiError> {
    let listed = canned::list(state, &agent.who, "", None).await?;
    let (shared, mine) = listed
        .into_iter()
        .map(|l| l.reply)
        .partition(|r| r.owner_id.is_none());
    Ok(CannedPage {
        chrome: Chrome::new("Canned replies"),
        frame: Frame::of(agent),
        shared,
        mine,
        may_share: agent.who.may(Action::ManageIntegrations).is_ok(),
        form,
        error,
        notice,
    })
}

/// `GET /w/{ws}/replies`.
pub async fn show(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    let (jar, notice) = cookies::take_flash(jar);
    let page = page(&state, &agent, ReplyForm::default(), None, notice).await?;
    Ok((jar, render(&page)?).into_response())
}

/// `POST /w/{ws}/replies`: adds one; a refusal shows the form as typed.
pub async fn add(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> Result<Response, ApiError> {
    let draft = Draft {
        shared: form.shared.is_some(),
        shortcut: Some(form.shortcut.clone()),
        body: Some(form.body.clone()),
    };
    let done = canned::create(&state, &agent.who, draft)
        .await
        .map(|r| format!("Saved /{}.", r.shortcut));
    answer(&state, &agent, jar, "new", form, done).await
}

/// `POST /w/{ws}/replies/{id}`: changes one.
pub async fn edit(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> Result<Response, ApiError> {
    let reply = parse_id(&id)?;
    let draft = Draft {
        shared: false,
        shortcut: Some(form.shortcut.clone()),
        body: Some(form.body.clone()),
    };
    let done = canned::update(&state, &agent.who, &reply, draft)
        .await
        .map(|r| format!("Saved /{}.", r.shortcut));
    answer(&state, &agent, jar, &id, ReplyForm::default(), done).await
}

/// `POST /w/{ws}/replies/{id}/delete`.
pub async fn remove(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    canned::delete(&state, &agent.who, &parse_id(&id)?).await?;
    let jar = cookies::flash(jar, "Canned reply removed.");
    let back = format!("/w/{}/replies", agent.who.workspace_id);
    Ok((jar, Redirect::to(&back)).into_response())
}

/// Back to the page with a notice, or the page again with the refusal
/// beside the form it concerns.
async fn answer(
    state: &AppState,
    agent: &Agent,
    jar: CookieJar,
    at: &str,
    form: ReplyForm,
    done: Result<String, crate::services::ServiceError>,
) -> Result<Response, ApiError> {
    match done {
        Ok(notice) => {
            let jar = cookies::flash(jar, &notice);
            let back = format!("/w/{}/replies", agent.who.workspace_id);
            Ok((jar, Redirect::to(&back)).into_response())
        }
        Err(error) => {
            let error = ApiError::from(error);
            if !shown_on_page(&error) {
                return Err(error);
            }
            let why = (at.to_string(), sentence(error.public_detail()));
            let page = page(state, agent, form, Some(why), None).await?;
            Ok(render(&page)?.into_response())
        }
    }
}

fn parse_id(raw: &str) -> Result<CannedReplyId, ApiError> {
    CannedReplyId::parse(raw).map_err(|_| ApiError::not_found("no such canned reply"))
}

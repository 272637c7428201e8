//! The details pane's forms for CRM links: add one, remove one. Each calls
//! one service and comes back to the pane (Post/Redirect/Get); a refusal is
//! a notice on that page.

use axum::extract::{Path, State};
use axum::response::Redirect;
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{ConversationId, LinkId, LinkKind};
use serde::Deserialize;

use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::pages::actions::safe_back;
use crate::http::ui::pages::app::parse_id;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::conversations::{self as svc, NewLink};
use crate::services::state::AppState;

/// A new link, as the pane's form sends it.
#[derive(Debug, Default, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    external_id: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    title: String,
}

/// Which link to remove.
#[derive(Debug, Default, Deserialize)]
pub struct UnlinkForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    link: String,
}

/// `POST /w/{ws}/c/{id}/do/link`.
pub async fn add_link(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let new = NewLink {
            kind: LinkKind::parse(form.kind.trim())?,
            external_id: form.external_id.clone(),
            url: form.url.trim().to_string(),
            title: Some(form.title.clone()),
        };
        svc::add_link(&state, &agent.who, &id, new).await?;
        Ok(())
    }
    .await;
    back_to_details(jar, &ws, &id, &form.back, done)
}

/// `POST /w/{ws}/c/{id}/do/unlink`.
pub async fn remove_link(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<UnlinkForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let link = LinkId::parse(form.link.trim())
            .map_err(|_| ApiError::not_found("no such link on this conversation"))?;
        svc::remove_link(&state, &agent.who, &id, &link).await?;
        Ok(())
    }
    .await;
    back_to_details(jar, &ws, &id, &form.back, done)
}

/// Back to the conversation with its details pane shown (on a phone, the
/// pane is a view of its own); a refusal becomes the page's notice.
fn back_to_details(
    jar: CookieJar,
    ws: &str,
    id: &ConversationId,
    back: &str,
    done: Result<(), ApiError>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let jar = match done {
        Ok(()) => jar,
        Err(error) if error.status().is_client_error() => {
            cookies::flash(jar, &sentence(error.public_detail()))
        }
        Err(error) => return Err(error),
    };
    Ok((
        jar,
        Redirect::to(&format!("/w/{ws}/c/{id}{}#details", safe_back(back))),
    ))
}

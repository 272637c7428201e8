//! `/invite/{token}`: an invitation's link. A new account sets its name and
//! password here and lands in the workspace, signed in; an account that has
//! a password signs in and joins with one button. A link that was used,
//! revoked or replaced says so.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::CookieJar;
use domain::text::Word;
use serde::Deserialize;

use super::auth::{check_login_csrf, sentence};
use crate::http::auth::session_from_cookie;
use crate::http::error::ApiError;
use crate::http::ui::cookies::{self, LOGIN_CSRF_COOKIE};
use crate::http::ui::session::CsrfForm;
use crate::http::ui::{render, Chrome};
use crate::services::accounts::invitations::{self, LinkInvitation};
use crate::services::accounts::Password;
use crate::services::state::AppState;
use crate::services::ErrorKind;

/// The invitation page.
#[derive(Debug, Template)]
#[template(path = "team/invite.html")]
pub struct InvitePage {
    /// The layout.
    pub chrome: Chrome,
    /// The link's token (the forms post back to it).
    pub token: String,
    /// The workspace's name.
    pub workspace: String,
    /// The address invited.
    pub email: String,
    /// The role offered.
    pub role: String,
    /// `set_password`, `sign_in` or `join` (signed in as the invitee).
    pub step: &'static str,
    /// The signed-out form's CSRF token, or the session's for `join`.
    pub csrf: String,
    /// The name typed, kept after a refusal.
    pub name: String,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

/// The set-password form.
#[derive(Default, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

impl std::fmt::Debug for AcceptForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AcceptForm { .. }")
    }
}

/// The join button (the CSRF field only).
#[derive(Debug, Deserialize)]
pub struct JoinForm {}

/// `GET /invite/{token}`.
pub async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (parts, _) = request.into_parts();
    let jar = CookieJar::from_headers(&parts.headers);
    let found = match invitations::by_link(&state, &token).await {
        Ok(found) => found,
        Err(error) if error.kind() == ErrorKind::NotFound => {
            return gone();
        }
        Err(error) => return Err(error.into()),
    };
    let signed = session_from_cookie(&parts, &state).await?;
    let (jar, mut page) = shown(jar, token, &found);
    if let Some((user, csrf)) = signed {
        if user
            .email
            .as_str()
            .eq_ignore_ascii_case(&found.invitation.email)
        {
            page.step = "join";
            page.csrf = csrf;
        }
    }
    Ok((jar, render(&page)?).into_response())
}

/// `POST /invite/{token}`: a new account's name and password; signed in,
/// into the workspace.
pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    jar: CookieJar,
    Form(form): Form<AcceptForm>,
) -> Result<Response, ApiError> {
    check_login_csrf(&jar, &form.csrf_token)?;
    let done = match Password::parse(form.password) {
        Ok(password) => invitations::accept_link(&state, &token, &form.name, password)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(ApiError::from(error)),
    };
    match done {
        Ok((workspace, session)) => {
            let jar = jar
                .add(cookies::session(&state, session.cookie_value)?)
                .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/"));
            Ok((jar, Redirect::to(&format!("/w/{}", workspace.id))).into_response())
        }
        Err(error) if error.status() == StatusCode::NOT_FOUND => gone(),
        Err(error) if error.status().is_client_error() => {
            let found = invitations::by_link(&state, &token).await?;
            let (jar, mut page) = shown(jar, token, &found);
            page.name = form.name;
            page.error = Some(sentence(error.public_detail()));
            Ok((jar, render(&page)?).into_response())
        }
        Err(error) => Err(error),
    }
}

/// `POST /invite/{token}/join`: signed in as the invitee, join.
pub async fn join(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let Some((user, _)) = session_from_cookie(&parts, &state).await? else {
        return Ok(Redirect::to(&format!("/invite/{token}")).into_response());
    };
    let request = Request::from_parts(parts, body);
    let CsrfForm(JoinForm {}) =
        match <CsrfForm<JoinForm> as axum::extract::FromRequest<AppState>>::from_request(
            request, &state,
        )
        .await
        {
            Ok(form) => form,
            Err(refused) => return Ok(refused),
        };
    let found = match invitations::by_link(&state, &token).await {
        Ok(found) => found,
        Err(error) if error.kind() == ErrorKind::NotFound => return gone(),
        Err(error) => return Err(error.into()),
    };
    let (workspace, _) = invitations::accept(&state, &user, &found.invitation.id).await?;
    Ok(Redirect::to(&format!("/w/{}", workspace.id)).into_response())
}

/// The page for an open invitation: set a password, or sign in first.
fn shown(jar: CookieJar, token: String, found: &LinkInvitation) -> (CookieJar, InvitePage) {
    let (jar, csrf) = cookies::login_csrf(jar);
    let n = &found.invitation;
    let page = InvitePage {
        chrome: Chrome::new(format!("Join {}", n.workspace.name)),
        token,
        workspace: n.workspace.name.clone(),
        email: n.email.clone(),
        role: n.role.as_str().to_string(),
        step: if found.has_password {
            "sign_in"
        } else {
            "set_password"
        },
        csrf,
        name: String::new(),
        error: None,
    };
    (jar, page)
}

/// A link that no longer opens anything: 404, shown as the error page
/// with what happened and what to do.
fn gone() -> Result<Response, ApiError> {
    Err(ApiError::not_found(
        "This invitation link doesn't work any more: it was already used, revoked, \
         or replaced by a newer link. Ask whoever invited you for a new one.",
    ))
}

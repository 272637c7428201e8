//! Who is using the web app: the session cookie, the workspace in the path,
//! and the CSRF token every form echoes in a hidden `csrf_token` field.
//!
//! A page asked for without a live session redirects to `/login` (a person
//! would rather sign in than read a 401); a form posted with a wrong token
//! is refused with 403, shown as the error page.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use domain::User;
use serde::de::DeserializeOwned;

use crate::http::auth::{form_csrf_matches, principal_in_path_workspace, session_from_cookie};
use crate::http::error::ApiError;
use crate::services::access::Principal;
use crate::services::state::AppState;

/// The name of the hidden field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// The largest form body read (CSV imports go through the API).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// A signed-in person, anywhere in the web app.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The user.
    pub user: User,
    /// Their session's CSRF token, for the forms of the page.
    pub csrf: String,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_from_cookie(parts, state).await {
            Ok(Some((user, csrf))) => Ok(Signed { user, csrf }),
            Ok(None) => Err(Redirect::to(&login_then_back(parts)).into_response()),
            Err(error) => Err(error.into_response()),
        }
    }
}

/// `/login`, with `?next=` naming the page asked for when it was a page
/// (a GET: a form post cannot be replayed), so that a permalink opened
/// while signed out still lands on its message. The path is this site's
/// own; the login page checks it again ([`super::pages::auth::safe_next`]).
fn login_then_back(parts: &Parts) -> String {
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    if parts.method != axum::http::Method::GET || target == "/" {
        return "/login".into();
    }
    let next: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("/login?next={next}")
}

/// A signed-in person inside the workspace named by `{ws}` (404 when they
/// do not belong to it).
#[derive(Debug, Clone)]
pub struct Agent {
    /// The user and their role there, as the services want it.
    pub who: Principal,
    /// Their session's CSRF token.
    pub csrf: String,
}

impl FromRequestParts<AppState> for Agent {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Signed { user, csrf } = Signed::from_request_parts(parts, state).await?;
        let who = principal_in_path_workspace(parts, state, user)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Agent { who, csrf })
    }
}

/// A form posted by a signed-in person, its CSRF field checked against
/// their session before the fields are parsed.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let session = session_from_cookie(&parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some((_, csrf)) = session else {
            return Err(Redirect::to("/login").into_response());
        };
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| too_large().into_response())?;
        let sent = url::form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == CSRF_FIELD)
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        if !form_csrf_matches(&csrf, &sent) {
            return Err(csrf_refused().into_response());
        }
        let request = Request::from_parts(parts, Body::from(bytes));
        let Form(fields) = Form::<T>::from_request(request, state)
            .await
            .map_err(|rejection| {
                ApiError::bad_request("validation", rejection.body_text()).into_response()
            })?;
        Ok(CsrfForm(fields))
    }
}

/// 403 for a form whose token is missing or wrong (an old tab after logging
/// out and in again, or another site's form).
pub fn csrf_refused() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "This form has expired. Go back, reload the page and try again.",
    )
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "That form was too large.",
    )
}

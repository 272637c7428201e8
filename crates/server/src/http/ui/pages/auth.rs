//! Signing in and out, first-run setup, and `/` (the first workspace).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::CookieJar;
use domain::EmailAddress;
use serde::Deserialize;

use crate::http::auth::{form_csrf_matches, SESSION_COOKIE};
use crate::http::client::{self, ClientAddress};
use crate::http::error::ApiError;
use crate::http::ui::cookies::{self, LOGIN_CSRF_COOKIE};
use crate::http::ui::session::{csrf_refused, CsrfForm, Signed};
use crate::http::ui::{render, Chrome};
use crate::services::accounts::sessions::{self, Login};
use crate::services::accounts::setup::{self, NewOwner};
use crate::services::accounts::Password;
use crate::services::state::AppState;

/// `GET /login` and a refused attempt.
#[derive(Debug, Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// The layout.
    pub chrome: Chrome,
    /// The signed-out form's CSRF token.
    pub csrf: String,
    /// The address typed, kept after a refusal.
    pub email: String,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Where to go once signed in (a checked relative path, or empty).
    pub next: String,
}

/// `GET /setup`: the first account of a fresh install.
#[derive(Debug, Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    /// The layout.
    pub chrome: Chrome,
    /// The signed-out form's CSRF token.
    pub csrf: String,
    /// What was typed, kept after a refusal.
    pub form: SetupForm,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    next: String,
}

/// `?next=` on `/login`: where to go once signed in.
#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    #[serde(default)]
    next: String,
}

/// The setup form.
#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    /// The workspace's name.
    pub workspace_name: String,
    /// The owner's name.
    pub name: String,
    /// The owner's address.
    pub email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

/// The logout form (the token only).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// `GET /`: the first workspace's app, or sign in.
pub async fn home(State(state): State<AppState>, signed: Signed) -> Result<Redirect, ApiError> {
    let me = sessions::me(&state, signed.user, None).await?;
    Ok(match me.workspaces.first() {
        Some((workspace, _)) => Redirect::to(&format!("/w/{}", workspace.id)),
        None => Redirect::to("/login"),
    })
}

/// `GET /login`; a fresh install goes to `/setup` instead.
pub async fn login_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(NextParam { next }): Query<NextParam>,
) -> Result<Response, ApiError> {
    if !any_user(&state).await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    let (jar, csrf) = cookies::login_csrf(jar);
    let page = LoginPage {
        chrome: Chrome::new("Sign in"),
        csrf,
        email: String::new(),
        error: None,
        next: safe_next(&next).unwrap_or_default().to_string(),
    };
    Ok((jar, render(&page)?).into_response())
}

/// `POST /login`.
pub async fn log_in(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, ApiError> {
    check_login_csrf(&jar, &form.csrf_token)?;
    let next = safe_next(&form.next).unwrap_or_default().to_string();
    let refuse = |jar: CookieJar, email: String, error: String| -> Result<Response, ApiError> {
        let (jar, csrf) = cookies::login_csrf(jar);
        let page = LoginPage {
            chrome: Chrome::new("Sign in"),
            csrf,
            email,
            error: Some(error),
            next: next.clone(),
        };
        Ok((jar, render(&page)?).into_response())
    };
    let Ok(email) = EmailAddress::parse(&form.email) else {
        return refuse(
            jar,
            form.email,
            "That doesn't look like an email address.".into(),
        );
    };
    let known = client::device(&jar);
    let password = Password::typed(form.password);
    match sessions::log_in(&state, client, known.as_deref(), &email, password)
        .await
        .map_err(ApiError::from)
    {
        Ok(Login::LoggedIn {
            session, device, ..
        }) => {
            let mut jar = jar
                .add(cookies::session(&state, session.cookie_value)?)
                .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/"));
            if let Some(device) = device {
                jar = jar.add(client::device_cookie(&state, device)?);
            }
            let to = if next.is_empty() { "/" } else { next.as_str() };
            Ok((jar, Redirect::to(to)).into_response())
        }
        Ok(Login::Throttled(wait)) => refuse(
            jar,
            form.email,
            format!(
                "Too many attempts. Try again in {} seconds.",
                wait.seconds()
            ),
        ),
        Err(error) if error.status().is_client_error() => refuse(
            jar,
            form.email,
            "That email and password don't match an account.".into(),
        ),
        Err(error) => Err(error),
    }
}

/// `POST /logout`.
pub async fn log_out(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<(CookieJar, Redirect), ApiError> {
    if let Some(raw) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        sessions::log_out(&state, &raw).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/login")))
}

/// `GET /setup`; once anyone has an account it is `/login`.
pub async fn setup_page(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    if any_user(&state).await? {
        return Ok(Redirect::to("/login").into_response());
    }
    let (jar, csrf) = cookies::login_csrf(jar);
    let page = SetupPage {
        chrome: Chrome::new("Set up Switchboard"),
        csrf,
        form: SetupForm::default(),
        error: None,
    };
    Ok((jar, render(&page)?).into_response())
}

/// `POST /setup`: the owner and their workspace, signed in.
pub async fn set_up(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(form): Form<SetupForm>,
) -> Result<Response, ApiError> {
    check_login_csrf(&jar, &form.csrf_token)?;
    let owner = EmailAddress::parse(&form.email).and_then(|email| {
        Ok(NewOwner {
            email,
            workspace: form.workspace_name.clone(),
            name: Some(form.name.clone()),
            password: Password::parse(form.password.clone())?,
        })
    });
    let done = match owner.map_err(ApiError::from) {
        Ok(owner) => setup::setup(&state, owner).await.map_err(ApiError::from),
        Err(error) => Err(error),
    };
    match done {
        Ok(done) => {
            let jar = jar.add(cookies::session(&state, done.session.cookie_value)?);
            Ok((
                jar,
                Redirect::to(&format!("/w/{}", done.created.workspace.id)),
            )
                .into_response())
        }
        Err(error) if error.status().is_client_error() => {
            let (jar, csrf) = cookies::login_csrf(jar);
            let page = SetupPage {
                chrome: Chrome::new("Set up Switchboard"),
                csrf,
                error: Some(sentence(error.public_detail())),
                form,
            };
            Ok((jar, render(&page)?).into_response())
        }
        Err(error) => Err(error),
    }
}

/// The signed-out forms' double-submit check.
fn check_login_csrf(jar: &CookieJar, sent: &str) -> Result<(), ApiError> {
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() || !form_csrf_matches(&expected, sent) {
        return Err(csrf_refused());
    }
    Ok(())
}

async fn any_user(state: &AppState) -> Result<bool, ApiError> {
    let mut reader = state.store.read().await?;
    Ok(store::users::any_exist(&mut reader.conn()).await?)
}

/// An API detail (`password: must be at least 8 characters`) as a sentence,
/// the field named by the label people see on the form rather than by its
/// code (`api_code: …` reads `Code for links: …`).
pub fn sentence(detail: &str) -> String {
    let detail = crate::http::ui::format::labelled(detail);
    let mut chars = detail.chars();
    match chars.next() {
        Some(first) => {
            let mut s: String = first.to_uppercase().chain(chars).collect();
            if !s.ends_with('.') {
                s.push('.');
            }
            s
        }
        None => String::new(),
    }
}

/// `next` if it is a path on this site (`/compose?…`), never another site
/// (`https://…`, `//host`, `/\\host`) or anything with control characters.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_relative_paths_are_followed_after_login() {
        assert_eq!(safe_next("/compose?inbox=a"), Some("/compose?inbox=a"));
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }
}

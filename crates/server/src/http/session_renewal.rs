//! Sliding sessions: any request that carries a live session cookie renews
//! the session (at most once per [`RENEW_EVERY`]) and the cookie's lifetime
//! with it, so an agent who works in the web app every day stays signed in,
//! and one who stops for [`SESSION_TTL`] is signed out.
//!
//! [`RENEW_EVERY`]: crate::services::accounts::sessions::RENEW_EVERY
//! [`SESSION_TTL`]: crate::services::accounts::sessions::SESSION_TTL

use std::sync::{Arc, OnceLock};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;

use crate::http::auth::SESSION_COOKIE;
use crate::http::ui::cookies;
use crate::services::accounts::sessions;
use crate::services::state::AppState;

/// When the request's session was last renewed, as the handler's caller
/// extractor read it: spares [`renew_session`] reading the session again
/// (most requests come well within [`RENEW_EVERY`] of the last renewal).
///
/// [`RENEW_EVERY`]: crate::services::accounts::sessions::RENEW_EVERY
#[derive(Debug, Clone, Default)]
pub struct SessionSeen(Arc<OnceLock<domain::Timestamp>>);

impl SessionSeen {
    /// Records the session's `last_seen_at` (the first reading counts).
    pub fn record(&self, last_seen_at: domain::Timestamp) {
        let _ = self.0.set(last_seen_at);
    }
}

/// Renews the caller's session after a successful answer.
pub async fn renew_session(
    State(state): State<AppState>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    let raw = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    let seen = SessionSeen::default();
    request.extensions_mut().insert(seen.clone());
    let mut response = next.run(request).await;
    let Some(raw) = raw else {
        return response;
    };
    let status = response.status();
    // A refusal renews nothing, and an answer that sets the session cookie
    // itself (log in, log out, `/me`) knows best.
    if !(status.is_success() || status.is_redirection()) || sets_session_cookie(&response) {
        return response;
    }
    match sessions::renew(&state, &raw, seen.0.get().copied()).await {
        Ok(true) => match cookies::session(&state, raw)
            .map(|cookie| HeaderValue::from_str(&cookie.to_string()))
        {
            Ok(Ok(value)) => {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            _ => tracing::warn!("the renewed session cookie could not be written"),
        },
        Ok(false) => {}
        // The answer stands; the next request tries again.
        Err(error) => tracing::warn!(%error, "session renewal failed"),
    }
    response
}

fn sets_session_cookie(response: &Response) -> bool {
    let prefix = format!("{SESSION_COOKIE}=");
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(prefix.as_bytes()))
}

//! Who is calling: a session cookie (with the CSRF header on writes) or an
//! API token, and their role in the workspace named in the path.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum_extra::extract::CookieJar;
use domain::{User, WorkspaceId};

use crate::http::error::ApiError;
use crate::http::session_renewal::SessionSeen;
use crate::services::access::Principal;
use crate::services::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "switchboard_session";
/// The header cookie-authenticated writes must carry (from `GET /api/v1/me`).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A browser session: the raw cookie value and its CSRF token.
    Session {
        /// The cookie value (to log out).
        raw: String,
        /// The session's CSRF token.
        csrf_token: String,
    },
    /// An API token (`Authorization: Bearer …`); needs no CSRF header.
    Token {
        /// The token's id (not its secret), to see whether it was revoked.
        id: String,
    },
}

/// How stale a token's `last_used_at` may get before a request records it.
const TOKEN_TOUCH_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// A logged-in user, from a session cookie or an API token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// How they authenticated.
    pub credential: Credential,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let now = state.clock.now();
        if let Some(raw) = bearer_token(parts) {
            let mut reader = state.store.read().await?;
            let (token, user) = store::tokens::authenticate(&mut reader.conn(), raw)
                .await?
                .ok_or_else(unauthenticated)?;
            drop(reader);
            // At most once a minute per token: on SQLite every write waits
            // for the one writer and an fsync, and a script (or 1,000 event
            // streams) must not turn each read into one.
            let stale = token
                .last_used_at
                .is_none_or(|used| now - used >= TOKEN_TOUCH_EVERY);
            if stale {
                let mut tx = state.store.begin().await?;
                store::tokens::touch(&mut tx, &token.id, now).await?;
                tx.commit().await?;
            }
            return Ok(Caller {
                user,
                credential: Credential::Token { id: token.id },
            });
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let raw = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_string())
            .ok_or_else(unauthenticated)?;
        let mut reader = state.store.read().await?;
        let (session, user) = store::sessions::find(&mut reader.conn(), &raw, now)
            .await?
            .ok_or_else(unauthenticated)?;
        drop(reader);
        if let Some(seen) = parts.extensions.get::<SessionSeen>() {
            seen.record(session.last_seen_at);
        }
        if is_write(&parts.method) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf",
                    "missing or wrong X-CSRF-Token header (take it from GET /api/v1/me)",
                ));
            }
        }
        Ok(Caller {
            user,
            credential: Credential::Session {
                raw,
                csrf_token: session.csrf_token,
            },
        })
    }
}

/// The caller inside the workspace named by the `{ws}` path segment. A
/// workspace the caller does not belong to is "not found".
#[derive(Debug, Clone)]
pub struct InWorkspace(pub Principal);

impl FromRequestParts<AppState> for InWorkspace {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let InWorkspaceWith(who, _) = InWorkspaceWith::from_request_parts(parts, state).await?;
        Ok(InWorkspace(who))
    }
}

/// [`InWorkspace`] with the credential it came with: for a live stream,
/// which must end when the session is logged out or the token revoked.
#[derive(Debug, Clone)]
pub struct InWorkspaceWith(pub Principal, pub Credential);

impl FromRequestParts<AppState> for InWorkspaceWith {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let who = principal_in_path_workspace(parts, state, caller.user).await?;
        Ok(InWorkspaceWith(who, caller.credential))
    }
}

/// The user's role in the workspace named by the `{ws}` path segment; a
/// workspace they do not belong to is "not found". Shared by the API's
/// [`InWorkspace`] and the web app's own extractor.
pub async fn principal_in_path_workspace(
    parts: &mut Parts,
    state: &AppState,
    user: User,
) -> Result<Principal, ApiError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::not_found("no such workspace"))?;
    let raw = params
        .iter()
        .find(|(name, _)| *name == "ws")
        .map(|(_, value)| value)
        .ok_or_else(|| ApiError::not_found("no such workspace"))?;
    let workspace_id =
        WorkspaceId::parse(raw).map_err(|_| ApiError::not_found("no such workspace"))?;
    let mut reader = state.store.read().await?;
    let role = store::workspaces::role_of(&mut reader.conn(), &workspace_id, &user.id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such workspace"))?;
    Ok(Principal {
        user,
        workspace_id,
        role,
    })
}

/// The web app's session: the user behind the session cookie and the
/// session's CSRF token, or `None` without a live session. Unlike
/// [`Caller`] it does not look at the `X-CSRF-Token` header: HTML forms
/// cannot send headers, so the web app checks the token from a hidden
/// `csrf_token` field with [`form_csrf_matches`] instead.
pub async fn session_from_cookie(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<(User, String)>, ApiError> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(raw) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    let mut reader = state.store.read().await?;
    let found = store::sessions::find(&mut reader.conn(), &raw, state.clock.now()).await?;
    if let (Some((session, _)), Some(seen)) = (&found, parts.extensions.get::<SessionSeen>()) {
        seen.record(session.last_seen_at);
    }
    Ok(found.map(|(session, user)| (user, session.csrf_token)))
}

/// Whether a form's `csrf_token` field matches the session's token, compared
/// in constant time like the header.
pub fn form_csrf_matches(session_token: &str, sent: &str) -> bool {
    constant_time_eq(sent.as_bytes(), session_token.as_bytes())
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn unauthenticated() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "log in first (POST /api/v1/session) or send an API token",
    )
}

/// Compares secrets without leaking where they differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

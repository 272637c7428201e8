//! Logging in and out, and who the caller is (`GET /api/v1/me`).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use chrono::TimeDelta;
use domain::{EmailAddress, Role, Timestamp, User, UserId, Workspace};
use store::sessions::Session;
use store::Tx;

use super::limiter::{Attempt, RetryAfter};
use super::passwords::{self, Password};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How long a session lasts without use.
pub const SESSION_TTL: Duration = Duration::from_secs(14 * 24 * 60 * 60);

/// A session is renewed for another [`SESSION_TTL`] when used, but at most
/// this often, so that reading pages does not write to the database each time.
pub const RENEW_EVERY: TimeDelta = TimeDelta::hours(1);

/// A session just opened. `cookie_value` is its secret, handed to the
/// browser once; the database keeps only its hash.
#[derive(Clone)]
pub struct OpenedSession {
    /// The value of the session cookie.
    pub cookie_value: String,
    /// The session (its CSRF token and expiry).
    pub session: Session,
}

impl fmt::Debug for OpenedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenedSession")
            .field("cookie_value", &"***")
            .field("session", &self.session)
            .finish()
    }
}

/// How a login attempt ended, when it was not an error.
// One per login, moved straight into the answer: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Login {
    /// The password was right: a new session for the user.
    LoggedIn {
        /// Who logged in.
        user: User,
        /// Their new session.
        session: OpenedSession,
        /// A new device cookie value for this browser, when it did not
        /// bring one known to this account (see [`super::limiter`]).
        device: Option<String>,
    },
    /// Too many failures lately at this account from this address, or from
    /// this address overall; the password was not even checked.
    Throttled(RetryAfter),
}

/// The caller as `GET /api/v1/me` shows them.
#[derive(Debug)]
pub struct Me {
    /// The user.
    pub user: User,
    /// The workspaces they belong to, with their role in each, by name.
    pub workspaces: Vec<(Workspace, Role)>,
    /// Whether their session was renewed by this request (the cookie's
    /// lifetime should then be renewed too).
    pub session_renewed: bool,
}

/// Opens a session for `user` inside `tx` (login, first-run setup).
pub(super) async fn open(
    tx: &mut Tx<'_>,
    user: &UserId,
    now: Timestamp,
) -> Result<OpenedSession, ServiceError> {
    let (cookie_value, session) = store::sessions::create(tx, user, now, SESSION_TTL).await?;
    Ok(OpenedSession {
        cookie_value,
        session,
    })
}

/// Checks `email` and `password` and opens a session.
///
/// A wrong password, an unknown address and an account without a password
/// all get the same error after the same argon2 work, so that neither the
/// answer nor its timing tells which addresses have accounts. Attempts are
/// throttled per account and client address, and per client address, by
/// the node's [`LoginLimiter`](super::limiter::LoginLimiter); `device` is
/// the browser's device cookie, which spares a known device the
/// per-address budget.
#[tracing::instrument(skip_all, fields(client = %client), err(level = "debug"))]
pub async fn log_in(
    state: &AppState,
    client: IpAddr,
    device: Option<&str>,
    email: &EmailAddress,
    password: Password,
) -> Result<Login, ServiceError> {
    let now = state.clock.now();
    let attempt = Attempt {
        address: client,
        account: email.as_str(),
        device,
    };
    if let Err(wait) = state.login_limiter.begin(attempt, now) {
        tracing::info!(retry_after = wait.seconds(), "login throttled");
        return Ok(Login::Throttled(wait));
    }
    let found = {
        let mut reader = state.store.read().await?;
        store::users::by_email(&mut reader.conn(), email).await?
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    let matched = passwords::verify_or_pretend(password, hash).await;
    let Some(user) = user.filter(|_| matched) else {
        return Err(bad_credentials());
    };
    let mut tx = state.store.begin().await?;
    let session = open(&mut tx, &user.id, now).await?;
    tx.commit().await?;
    let device = state.login_limiter.succeeded(attempt);
    tracing::info!(user_id = %user.id, "logged in");
    Ok(Login::LoggedIn {
        user,
        session,
        device,
    })
}

/// Ends the session with this cookie value. Ending one that is already
/// gone is not an error: the caller is logged out either way.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn log_out(state: &AppState, cookie_value: &str) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    store::sessions::delete(&mut tx, cookie_value).await?;
    tx.commit().await?;
    Ok(())
}

/// The caller and their workspaces. With a session (`cookie_value`), also
/// renews it when it was last renewed more than [`RENEW_EVERY`] ago.
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn me(
    state: &AppState,
    user: User,
    cookie_value: Option<&str>,
) -> Result<Me, ServiceError> {
    let workspaces = {
        let mut reader = state.store.read().await?;
        store::workspaces::for_user(&mut reader.conn(), &user.id).await?
    };
    let session_renewed = match cookie_value {
        Some(raw) => renew(state, raw, None).await?,
        None => false,
    };
    Ok(Me {
        user,
        workspaces,
        session_renewed,
    })
}

/// Moves the session's expiry to [`SESSION_TTL`] from now if it was last
/// renewed more than [`RENEW_EVERY`] ago. Returns whether it did; `false`
/// also for a session that is unknown or expired (never revived).
/// `last_seen_at`, when this request has read the session already, spares
/// reading it again.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn renew(
    state: &AppState,
    cookie_value: &str,
    last_seen_at: Option<Timestamp>,
) -> Result<bool, ServiceError> {
    let now = state.clock.now();
    if last_seen_at.is_some_and(|seen| now - seen < RENEW_EVERY) {
        return Ok(false);
    }
    let session = {
        let mut reader = state.store.read().await?;
        store::sessions::find(&mut reader.conn(), cookie_value, now).await?
    };
    let Some((session, _user)) = session else {
        return Ok(false);
    };
    if now - session.last_seen_at < RENEW_EVERY {
        return Ok(false);
    }
    let ttl = TimeDelta::from_std(SESSION_TTL).map_err(ServiceError::internal)?;
    let mut tx = state.store.begin().await?;
    let renewed = store::sessions::touch(&mut tx, cookie_value, now, now + ttl).await?;
    tx.commit().await?;
    Ok(renewed)
}

/// The one answer to every failed login.
fn bad_credentials() -> ServiceError {
    ServiceError::unauthenticated("wrong e-mail address or password")
}

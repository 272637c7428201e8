//! Login sessions, kept in the database so that they hold across server nodes.
//!
//! The cookie value is a random secret; the table stores only its SHA-256
//! (the `id` column), so reading the table or a backup opens no session.

use std::fmt;
use std::time::Duration;

use domain::{Timestamp, User, UserId};

use crate::secret::{generate_token, hash_token};
use crate::time::{from_millis, to_millis};
use crate::users::UserRow;
use crate::{Conn, Result, Tx};

/// A login session. The raw cookie value is not in here: only its holder has it.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// Who is logged in.
    pub user_id: UserId,
    /// The token forms must echo back (double-submit CSRF protection).
    pub csrf_token: String,
    /// When the user logged in.
    pub created_at: Timestamp,
    /// When the session stops being accepted unless renewed by [`touch`].
    pub expires_at: Timestamp,
    /// When it was last used.
    pub last_seen_at: Timestamp,
}

impl fmt::Debug for Session {
    // The CSRF token is a secret of the session: keep it out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("csrf_token", &"***")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish()
    }
}

/// A session joined with its user; session columns are aliased so that the
/// user's `created_at` and the session's do not collide.
#[derive(Debug, sqlx::FromRow)]
struct SessionUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_token: String,
    session_created_at: i64,
    expires_at: i64,
    last_seen_at: i64,
}

impl SessionUserRow {
    fn into_parts(self) -> Result<(Session, User)> {
        let (user, _password_hash) = self.user.into_user()?;
        let session = Session {
            user_id: user.id.clone(),
            csrf_token: self.csrf_token,
            created_at: from_millis(self.session_created_at)?,
            expires_at: from_millis(self.expires_at)?,
            last_seen_at: from_millis(self.last_seen_at)?,
        };
        Ok((session, user))
    }
}

/// `at` plus `ttl` in stored milliseconds, saturating instead of overflowing.
fn millis_after(at: Timestamp, ttl: Duration) -> i64 {
    to_millis(at).saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
}

/// Opens a session for `user` valid for `ttl` from `now`. Returns the raw
/// cookie value (shown to the browser once, never stored) and the session.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn create(
    tx: &mut Tx<'_>,
    user: &UserId,
    now: Timestamp,
    ttl: Duration,
) -> Result<(String, Session)> {
    let raw = generate_token("sbs");
    let csrf_token = generate_token("csrf");
    let created = to_millis(now);
    let expires = millis_after(now, ttl);
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $4)",
    )
    .bind(hash_token(&raw))
    .bind(user.as_str())
    .bind(&csrf_token)
    .bind(created)
    .bind(expires)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    // Built from the stored millis, so it equals what `find` reads back.
    let session = Session {
        user_id: user.clone(),
        csrf_token,
        created_at: from_millis(created)?,
        expires_at: from_millis(expires)?,
        last_seen_at: from_millis(created)?,
    };
    Ok((raw, session))
}

/// The live session for this cookie value and its user; `None` if the value
/// is unknown or the session expired at or before `now`.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn find(
    conn: &mut Conn<'_>,
    raw: &str,
    now: Timestamp,
) -> Result<Option<(Session, User)>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, SessionUserRow>(
        "SELECT u.id AS id, u.email AS email, u.name AS name, u.password_hash AS password_hash, \
                u.created_at AS created_at, s.csrf_token AS csrf_token, \
                s.created_at AS session_created_at, s.expires_at AS expires_at, \
                s.last_seen_at AS last_seen_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = $1 AND s.expires_at > $2",
    )
    .bind(hash_token(raw))
    .bind(to_millis(now))
    .fetch_optional(&mut **c)
    .await)?;
    row.map(SessionUserRow::into_parts).transpose()
}

/// Records use of a live session and moves its expiry (sliding expiration).
/// Returns `false` if the session is unknown or already expired: an expired
/// session is never revived.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn touch(
    tx: &mut Tx<'_>,
    raw: &str,
    now: Timestamp,
    new_expiry: Timestamp,
) -> Result<bool> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1 AND expires_at > $2",
    )
    .bind(hash_token(raw))
    .bind(to_millis(now))
    .bind(to_millis(new_expiry))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(changed > 0)
}

/// Ends a session (logout). Returns whether it existed.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn delete(tx: &mut Tx<'_>, raw: &str) -> Result<bool> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(hash_token(raw))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// Ends every session of a user (password change, removal, "log out
/// everywhere"). Returns how many there were.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn delete_for_user(tx: &mut Tx<'_>, user: &UserId) -> Result<u64> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted)
}

/// Removes sessions that expired at or before `now` (periodic clean-up).
/// Returns how many.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn delete_expired(tx: &mut Tx<'_>, now: Timestamp) -> Result<u64> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(to_millis(now))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_ttl_saturates_instead_of_overflowing() {
        let now = chrono::DateTime::from_timestamp_millis(1_000).unwrap();
        assert_eq!(millis_after(now, Duration::from_secs(2)), 3_000);
        assert_eq!(millis_after(now, Duration::MAX), i64::MAX);
    }
}

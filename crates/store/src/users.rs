//! People who log in: accounts, their e-mail address and password hash.
//!
//! E-mail addresses are unique regardless of case (the `users_email` index is
//! on `lower(email)`), and looked up the same way, so `Ana@x.com` and
//! `ana@x.com` are one account.

use domain::{EmailAddress, User, UserId};

use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

/// A `users` row as stored. Modules that join `users u` select `u.id, u.email,
/// u.name, u.password_hash, u.created_at` and `#[sqlx(flatten)]` this row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) name: String,
    pub(crate) password_hash: Option<String>,
    pub(crate) created_at: i64,
}

impl UserRow {
    /// The user and their password hash (`None`: no password, e.g. not set up yet).
    pub(crate) fn into_user(self) -> Result<(User, Option<String>)> {
        let user = User {
            id: UserId::from_trusted(self.id),
            email: EmailAddress::from_trusted(self.email),
            name: self.name,
            created_at: from_millis(self.created_at)?,
        };
        Ok((user, self.password_hash))
    }
}

/// Creates an account. `password_hash` is the already-hashed password (the
/// server hashes with argon2), `None` for an account without one yet.
///
/// An address already used by another account, in any case, is refused with
/// [`StoreError::Duplicate`].
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn create(tx: &mut Tx<'_>, user: &User, password_hash: Option<&str>) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user.id.as_str())
    .bind(user.email.as_str())
    .bind(&user.name)
    .bind(password_hash)
    .bind(to_millis(user.created_at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The user with this id.
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &UserId) -> Result<Option<User>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, UserRow>(
        "SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(|r| r.into_user().map(|(user, _)| user)).transpose()
}

/// The user with this address, whatever its case, and their password hash (for login).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn by_email(
    conn: &mut Conn<'_>,
    email: &EmailAddress,
) -> Result<Option<(User, Option<String>)>> {
    // `lower(email)` is the indexed expression: the lookup uses `users_email`.
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, UserRow>(
        "SELECT id, email, name, password_hash, created_at FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(UserRow::into_user).transpose()
}

/// Sets (or with `None` removes) the password hash. [`StoreError::NotFound`]
/// if there is no such user.
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "debug"))]
pub async fn set_password_hash(
    tx: &mut Tx<'_>,
    id: &UserId,
    password_hash: Option<&str>,
) -> Result<()> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE users SET password_hash = $2 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(password_hash)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    found(changed)
}

/// Changes the display name. [`StoreError::NotFound`] if there is no such user.
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "debug"))]
pub async fn set_name(tx: &mut Tx<'_>, id: &UserId, name: &str) -> Result<()> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE users SET name = $2 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(name)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    found(changed)
}

/// Whether any account exists: a fresh install offers first-run setup until one does.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn any_exist(conn: &mut Conn<'_>) -> Result<bool> {
    let any = crate::on_backend!(conn, c => sqlx::query_scalar::<_, String>(
        "SELECT id FROM users LIMIT 1",
    )
    .fetch_optional(&mut **c)
    .await)?;
    Ok(any.is_some())
}

/// An update that touched no row means the thing to change does not exist.
fn found(rows_affected: u64) -> Result<()> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

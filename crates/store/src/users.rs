//! People who log in: accounts, their e-mail address and password hash.
//!
//! E-mail addresses are unique regardless of case (the `users_email` index is
//! on `lower(email)`), and looked up the same way, so `Ana@x.com` and
//! `ana@x.com` are one account.

use domain::text::Word;
use domain::{Availability, EmailAddress, Id, User, UserId, WorkspaceId, Zone};

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

/// A person's own settings (see [`domain::profile`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Their time zone; `None` until their browser's is sent or they pick one.
    pub time_zone: Option<Zone>,
    /// Whether they take new work.
    pub availability: Availability,
    /// Whether they have a password (an invited account may not, yet).
    pub has_password: bool,
}

#[derive(Debug, sqlx::FromRow)]
struct ProfileRow {
    time_zone: Option<String>,
    availability: String,
    has_password: i32,
}

/// The profile of user `id`.
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "debug"))]
pub async fn profile(conn: &mut Conn<'_>, id: &UserId) -> Result<Option<Profile>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, ProfileRow>(
        "SELECT time_zone, availability, \
         CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS has_password \
         FROM users WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(|row| {
        Ok(Profile {
            // A zone the database no longer knows reads as none: the page
            // asks again rather than failing.
            time_zone: row.time_zone.and_then(|z| Zone::parse(&z).ok()),
            availability: Availability::parse(&row.availability)
                .map_err(|e| StoreError::corrupt("users.availability", e))?,
            has_password: row.has_password != 0,
        })
    })
    .transpose()
}

/// Sets user `id`'s time zone.
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "debug"))]
pub async fn set_time_zone(tx: &mut Tx<'_>, id: &UserId, zone: Zone) -> Result<()> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE users SET time_zone = $2 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(zone.name())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    found(changed)
}

/// The availability of every member of `workspace`, in one query (lists
/// of people that show who takes new work).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn availability_in(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
) -> Result<std::collections::HashMap<UserId, Availability>> {
    let rows: Vec<(String, String)> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT u.id, u.availability FROM workspace_members m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1",
    )
    .bind(workspace.as_str())
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter()
        .map(|(id, availability)| {
            let availability = Availability::parse(&availability)
                .map_err(|e| StoreError::corrupt("users.availability", e))?;
            Ok((Id::from_trusted(id), availability))
        })
        .collect()
}

/// Sets user `id`'s availability.
#[tracing::instrument(skip_all, fields(user_id = %id), err(level = "debug"))]
pub async fn set_availability(
    tx: &mut Tx<'_>,
    id: &UserId,
    availability: Availability,
) -> Result<()> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE users SET availability = $2 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(availability.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    found(changed)
}

/// The members of `workspace` who set themselves away.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn away_in(conn: &mut Conn<'_>, workspace: &domain::WorkspaceId) -> Result<Vec<UserId>> {
    let ids = crate::on_backend!(conn, c => sqlx::query_scalar::<_, String>(
        "SELECT u.id FROM users u JOIN workspace_members m ON m.user_id = u.id \
         WHERE m.workspace_id = $1 AND u.availability = 'away'",
    )
    .bind(workspace.as_str())
    .fetch_all(&mut **c)
    .await)?;
    Ok(ids.into_iter().map(UserId::from_trusted).collect())
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

//! Personal API tokens: a user creates one for a script or an integration,
//! sees it once, and presents it as a bearer token.
//!
//! Only the SHA-256 of a token is stored (`api_tokens.token_hash`, unique), so
//! the table cannot be used to call the API.

use domain::{Timestamp, User, UserId};

use crate::secret::{generate_token, hash_token};
use crate::time::{from_millis, from_millis_opt, to_millis};
use crate::users::UserRow;
use crate::{Conn, Result, Tx};

/// An API token as listed to its owner; the secret itself is not in here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its id (a UUID), used to revoke it.
    pub id: String,
    /// Whose token it is; requests made with it act as this user.
    pub user_id: UserId,
    /// What the owner called it ("Zapier", "nightly export").
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When a request last used it; `None` if never.
    pub last_used_at: Option<Timestamp>,
}

/// An `api_tokens` row as stored (without the hash, which is only looked up).
#[derive(Debug, sqlx::FromRow)]
struct TokenRow {
    token_id: String,
    user_id: String,
    token_name: String,
    token_created_at: i64,
    last_used_at: Option<i64>,
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = crate::StoreError;

    fn try_from(row: TokenRow) -> Result<Self> {
        Ok(ApiToken {
            id: row.token_id,
            user_id: UserId::from_trusted(row.user_id),
            name: row.token_name,
            created_at: from_millis(row.token_created_at)?,
            last_used_at: from_millis_opt(row.last_used_at)?,
        })
    }
}

/// A token joined with its owner.
#[derive(Debug, sqlx::FromRow)]
struct TokenUserRow {
    #[sqlx(flatten)]
    token: TokenRow,
    #[sqlx(flatten)]
    user: UserRow,
}

/// Creates a token for `user`. Returns it and the raw secret, which is shown
/// to the user once and cannot be recovered afterwards.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn create(
    tx: &mut Tx<'_>,
    user: &UserId,
    name: &str,
    now: Timestamp,
) -> Result<(ApiToken, String)> {
    let raw = generate_token("sb");
    let id = uuid::Uuid::now_v7().to_string();
    let created = to_millis(now);
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at) \
         VALUES ($1, $2, $3, $4, $5, NULL)",
    )
    .bind(&id)
    .bind(user.as_str())
    .bind(name)
    .bind(hash_token(&raw))
    .bind(created)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    let token = ApiToken {
        id,
        user_id: user.clone(),
        name: name.to_string(),
        // Through the stored millis, so it equals what `for_user` reads back.
        created_at: from_millis(created)?,
        last_used_at: None,
    };
    Ok((token, raw))
}

/// A user's tokens, oldest first.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn for_user(conn: &mut Conn<'_>, user: &UserId) -> Result<Vec<ApiToken>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, TokenRow>(
        "SELECT id AS token_id, user_id, name AS token_name, created_at AS token_created_at, last_used_at \
         FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id",
    )
    .bind(user.as_str())
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter().map(ApiToken::try_from).collect()
}

/// Revokes one of `user`'s tokens. Returns `false` if there is no such token
/// or it belongs to someone else (who is not told it exists).
#[tracing::instrument(skip_all, fields(user_id = %user, token_id = %id), err(level = "debug"))]
pub async fn delete(tx: &mut Tx<'_>, user: &UserId, id: &str) -> Result<bool> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// The token with this raw secret and the user it acts as; `None` if unknown.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn authenticate(conn: &mut Conn<'_>, raw: &str) -> Result<Option<(ApiToken, User)>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, TokenUserRow>(
        "SELECT t.id AS token_id, t.user_id AS user_id, t.name AS token_name, \
                t.created_at AS token_created_at, t.last_used_at AS last_used_at, \
                u.id AS id, u.email AS email, u.name AS name, u.password_hash AS password_hash, \
                u.created_at AS created_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1",
    )
    .bind(hash_token(raw))
    .fetch_optional(&mut **c)
    .await)?;
    row.map(|row| {
        let token = ApiToken::try_from(row.token)?;
        let (user, _password_hash) = row.user.into_user()?;
        Ok((token, user))
    })
    .transpose()
}

/// Records that a request used the token. Returns `false` if it was revoked meanwhile.
#[tracing::instrument(skip_all, fields(token_id = %id), err(level = "debug"))]
pub async fn touch(tx: &mut Tx<'_>, id: &str, now: Timestamp) -> Result<bool> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(to_millis(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(changed > 0)
}

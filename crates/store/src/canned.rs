//! Canned replies: the workspace's shared ones and each member's own.

use domain::{CannedReply, CannedReplyId, Id, UserId, WorkspaceId};

use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, Tx};

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    workspace_id: String,
    owner_id: Option<String>,
    shortcut: String,
    body: String,
    created_at: i64,
    updated_at: i64,
}

fn from_row(row: Row) -> Result<CannedReply> {
    Ok(CannedReply {
        id: Id::from_trusted(row.id),
        workspace_id: Id::from_trusted(row.workspace_id),
        owner_id: row.owner_id.map(Id::from_trusted),
        shortcut: row.shortcut,
        body: row.body,
        created_at: from_millis(row.created_at)?,
        updated_at: from_millis(row.updated_at)?,
    })
}

const COLUMNS: &str = "id, workspace_id, owner_id, shortcut, body, created_at, updated_at";

/// Saves a new reply; a shortcut already taken among the same owner's (or
/// the shared ones) is [`crate::StoreError::Duplicate`].
#[tracing::instrument(skip_all, fields(id = %reply.id), err(level = "debug"))]
pub async fn create(tx: &mut Tx<'_>, reply: &CannedReply) -> Result<()> {
    Ok(crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO canned_replies (id, workspace_id, owner_id, shortcut, body, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(reply.id.as_str())
    .bind(reply.workspace_id.as_str())
    .bind(reply.owner_id.as_ref().map(|o| o.as_str()))
    .bind(&reply.shortcut)
    .bind(&reply.body)
    .bind(to_millis(reply.created_at))
    .bind(to_millis(reply.updated_at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?)
}

/// Changes a reply's shortcut and body.
#[tracing::instrument(skip_all, fields(id = %reply.id), err(level = "debug"))]
pub async fn update(tx: &mut Tx<'_>, reply: &CannedReply) -> Result<()> {
    Ok(crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE canned_replies SET shortcut = $2, body = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(reply.id.as_str())
    .bind(&reply.shortcut)
    .bind(&reply.body)
    .bind(to_millis(reply.updated_at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?)
}

/// Removes a reply; false when there was none.
#[tracing::instrument(skip_all, fields(id = %id), err(level = "debug"))]
pub async fn delete(tx: &mut Tx<'_>, id: &CannedReplyId) -> Result<bool> {
    Ok(
        crate::on_backend!(tx.conn(), c => sqlx::query("DELETE FROM canned_replies WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected() > 0))?,
    )
}

/// One reply by id.
#[tracing::instrument(skip_all, fields(id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &CannedReplyId) -> Result<Option<CannedReply>> {
    let sql = format!("SELECT {COLUMNS} FROM canned_replies WHERE id = $1");
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, Row>(&sql)
        .bind(id.as_str())
        .fetch_optional(&mut **c)
        .await)?;
    row.map(from_row).transpose()
}

/// What `user` may insert: the workspace's shared replies and their own,
/// whose shortcut starts with `prefix` (all when empty), by shortcut, at
/// most `limit`.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn visible_to(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
    prefix: &str,
    limit: u32,
) -> Result<Vec<CannedReply>> {
    // `prefix` is [a-z0-9_-] (checked by the caller), and `_` is escaped
    // so that it matches itself, not any character.
    let pattern = format!("{}%", prefix.replace('_', "\\_"));
    let sql = format!(
        "SELECT {COLUMNS} FROM canned_replies \
         WHERE workspace_id = $1 AND (owner_id IS NULL OR owner_id = $2) \
         AND shortcut LIKE $3 ESCAPE '\\' \
         ORDER BY shortcut, owner_id IS NULL LIMIT $4"
    );
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, Row>(&sql)
        .bind(workspace.as_str())
        .bind(user.as_str())
        .bind(&pattern)
        .bind(i64::from(limit))
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(from_row).collect()
}

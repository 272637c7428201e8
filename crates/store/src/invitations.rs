//! Invitations to a workspace, waiting for the invitee to accept them.
//! Addresses are stored lower-cased and matched so.

use domain::text::Word;
use domain::{Id, Role, Timestamp, UserId, Workspace, WorkspaceId};

use crate::secret::{generate_token, hash_token};
use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

/// An open invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Its id.
    pub id: String,
    /// The workspace it is to.
    pub workspace: Workspace,
    /// The invitee's address, lower-cased.
    pub email: String,
    /// The role they get on accepting.
    pub role: Role,
    /// Who invited them (gone when that account was deleted).
    pub invited_by: Option<UserId>,
    /// When.
    pub created_at: Timestamp,
}

#[derive(Debug, sqlx::FromRow)]
struct InvitationRow {
    id: String,
    workspace_id: String,
    workspace_name: String,
    workspace_created_at: i64,
    email: String,
    role: String,
    invited_by: Option<String>,
    created_at: i64,
}

const SELECT: &str = "SELECT n.id, n.workspace_id, w.name AS workspace_name, \
     w.created_at AS workspace_created_at, n.email, n.role, n.invited_by, n.created_at \
     FROM invitations n JOIN workspaces w ON w.id = n.workspace_id";

fn from_row(row: InvitationRow) -> Result<Invitation> {
    Ok(Invitation {
        id: row.id,
        workspace: Workspace {
            id: Id::from_trusted(row.workspace_id),
            name: row.workspace_name,
            created_at: from_millis(row.workspace_created_at)?,
        },
        email: row.email,
        role: Role::parse(&row.role).map_err(|e| StoreError::corrupt("invitations.role", e))?,
        invited_by: row.invited_by.map(Id::from_trusted),
        created_at: from_millis(row.created_at)?,
    })
}

/// Invites `email` to `workspace` with `role`; an open invitation of the
/// same address there gets the new role and a new link (the old link stops
/// working). Returns the invitation's id and the link's secret, which only
/// this answer holds: the table keeps its SHA-256.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn upsert(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    email: &str,
    role: Role,
    invited_by: &UserId,
    now: Timestamp,
) -> Result<(String, String)> {
    let id = uuid::Uuid::now_v7().to_string();
    let token = generate_token("sbi");
    let id = crate::on_backend!(tx.conn(), c => sqlx::query_scalar::<_, String>(
        "INSERT INTO invitations (id, workspace_id, email, role, invited_by, created_at, token_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (workspace_id, email) DO UPDATE SET role = excluded.role, \
         token_hash = excluded.token_hash, invited_by = excluded.invited_by, \
         created_at = excluded.created_at \
         RETURNING id",
    )
    .bind(&id)
    .bind(workspace.as_str())
    .bind(email.to_lowercase())
    .bind(role.as_str())
    .bind(invited_by.as_str())
    .bind(to_millis(now))
    .bind(hash_token(&token))
    .fetch_one(&mut *c)
    .await)?;
    Ok((id, token))
}

/// The open invitations to `workspace`, newest first (the admins' list).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn for_workspace(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
) -> Result<Vec<Invitation>> {
    let sql = format!("{SELECT} WHERE n.workspace_id = $1 ORDER BY n.created_at DESC, n.id DESC");
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, InvitationRow>(&sql)
        .bind(workspace.as_str())
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(from_row).collect()
}

/// The invitation whose link carries `token`, if it is still open.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn by_token(conn: &mut Conn<'_>, token: &str) -> Result<Option<Invitation>> {
    let sql = format!("{SELECT} WHERE n.token_hash = $1");
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, InvitationRow>(&sql)
        .bind(hash_token(token))
        .fetch_optional(&mut **c)
        .await)?;
    row.map(from_row).transpose()
}

/// Withdraws invitation `id` to `workspace`; `false` when there is none.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn revoke(tx: &mut Tx<'_>, workspace: &WorkspaceId, id: &str) -> Result<bool> {
    let gone = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM invitations WHERE id = $1 AND workspace_id = $2",
    )
    .bind(id)
    .bind(workspace.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(gone > 0)
}

/// The open invitations of this address, oldest first.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn for_email(conn: &mut Conn<'_>, email: &str) -> Result<Vec<Invitation>> {
    let sql = format!("{SELECT} WHERE n.email = $1 ORDER BY n.created_at, n.id");
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, InvitationRow>(&sql)
        .bind(email.to_lowercase())
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(from_row).collect()
}

/// Takes the invitation `id` of this address out (accepting or declining
/// it); `None` when there is no such invitation for this address.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn take(tx: &mut Tx<'_>, id: &str, email: &str) -> Result<Option<Invitation>> {
    let sql = format!("{SELECT} WHERE n.id = $1 AND n.email = $2");
    let found = crate::on_backend!(tx.conn(), c => sqlx::query_as::<_, InvitationRow>(&sql)
        .bind(id)
        .bind(email.to_lowercase())
        .fetch_optional(&mut *c)
        .await)?;
    let Some(row) = found else {
        return Ok(None);
    };
    crate::on_backend!(tx.conn(), c => sqlx::query("DELETE FROM invitations WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    from_row(row).map(Some)
}

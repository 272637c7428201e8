//! Workspaces (tenants) and who belongs to them with which role.

use domain::text::Word;
use domain::{Role, Timestamp, User, UserId, Workspace, WorkspaceId};

use crate::time::{from_millis, to_millis};
use crate::users::UserRow;
use crate::{Conn, Result, StoreError, Tx};

/// A `workspaces` row as stored.
#[derive(Debug, sqlx::FromRow)]
struct WorkspaceRow {
    id: String,
    name: String,
    created_at: i64,
}

impl TryFrom<WorkspaceRow> for Workspace {
    type Error = StoreError;

    fn try_from(row: WorkspaceRow) -> Result<Self> {
        Ok(Workspace {
            id: WorkspaceId::from_trusted(row.id),
            name: row.name,
            created_at: from_millis(row.created_at)?,
        })
    }
}

/// A workspace with the reader's role in it.
#[derive(Debug, sqlx::FromRow)]
struct WorkspaceRoleRow {
    #[sqlx(flatten)]
    workspace: WorkspaceRow,
    role: String,
}

/// A member: the user and their role.
#[derive(Debug, sqlx::FromRow)]
struct MemberRow {
    #[sqlx(flatten)]
    user: UserRow,
    role: String,
}

/// A stored role word read back.
fn parse_role(word: &str) -> Result<Role> {
    Role::parse(word).map_err(|e| StoreError::corrupt("workspace_members.role", e))
}

/// Creates a workspace (its first owner is added with [`add_member`]).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace.id), err(level = "debug"))]
pub async fn create(tx: &mut Tx<'_>, workspace: &Workspace) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)",
    )
    .bind(workspace.id.as_str())
    .bind(&workspace.name)
    .bind(to_millis(workspace.created_at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The workspace with this id.
#[tracing::instrument(skip_all, fields(workspace_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &WorkspaceId) -> Result<Option<Workspace>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, WorkspaceRow>(
        "SELECT id, name, created_at FROM workspaces WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(Workspace::try_from).transpose()
}

/// Renames a workspace. [`StoreError::NotFound`] if there is no such workspace.
#[tracing::instrument(skip_all, fields(workspace_id = %id), err(level = "debug"))]
pub async fn rename(tx: &mut Tx<'_>, id: &WorkspaceId, name: &str) -> Result<()> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE workspaces SET name = $2 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(name)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The workspaces a user belongs to with their role in each, by name.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn for_user(conn: &mut Conn<'_>, user: &UserId) -> Result<Vec<(Workspace, Role)>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, WorkspaceRoleRow>(
        "SELECT w.id AS id, w.name AS name, w.created_at AS created_at, m.role AS role \
         FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id \
         WHERE m.user_id = $1 \
         ORDER BY lower(w.name), w.id",
    )
    .bind(user.as_str())
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter()
        .map(|row| Ok((Workspace::try_from(row.workspace)?, parse_role(&row.role)?)))
        .collect()
}

/// Adds a user to a workspace. [`StoreError::Duplicate`] if they already
/// belong to it, [`StoreError::MissingReference`] if either does not exist.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, user_id = %user), err(level = "debug"))]
pub async fn add_member(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
    role: Role,
    at: Timestamp,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(role.as_str())
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Changes a member's role. [`StoreError::NotFound`] if they are not a member.
///
/// Keeping at least one owner is the caller's rule (see [`count_with_role`]).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, user_id = %user), err(level = "debug"))]
pub async fn set_role(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
    role: Role,
) -> Result<()> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE workspace_members SET role = $3 WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(role.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes a user from a workspace and from every inbox of that workspace.
/// Returns whether they were a member.
///
/// Conversations assigned to them are left alone: unassigning is a change to
/// each conversation, with its event, that the service makes.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, user_id = %user), err(level = "debug"))]
pub async fn remove_member(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Result<bool> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM inbox_members \
         WHERE user_id = $2 AND inbox_id IN (SELECT id FROM inboxes WHERE workspace_id = $1)",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    let removed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(removed > 0)
}

/// The user's role in the workspace; `None` if they do not belong to it.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, user_id = %user), err(level = "debug"))]
pub async fn role_of(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Result<Option<Role>> {
    let word = crate::on_backend!(conn, c => sqlx::query_scalar::<_, String>(
        "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    word.as_deref().map(parse_role).transpose()
}

/// Everyone in the workspace with their role, by name.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn members(conn: &mut Conn<'_>, workspace: &WorkspaceId) -> Result<Vec<(User, Role)>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, MemberRow>(
        "SELECT u.id AS id, u.email AS email, u.name AS name, u.password_hash AS password_hash, \
                u.created_at AS created_at, m.role AS role \
         FROM workspace_members m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 \
         ORDER BY lower(u.name), u.id",
    )
    .bind(workspace.as_str())
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter()
        .map(|row| Ok((row.user.into_user()?.0, parse_role(&row.role)?)))
        .collect()
}

/// How many members hold exactly this role (to keep at least one owner).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn count_with_role(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    role: Role,
) -> Result<u64> {
    let count = crate::on_backend!(conn, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM workspace_members WHERE workspace_id = $1 AND role = $2",
    )
    .bind(workspace.as_str())
    .bind(role.as_str())
    .fetch_one(&mut **c)
    .await)?;
    u64::try_from(count).map_err(|e| StoreError::corrupt("count", e))
}

//! Auto-assignment: each inbox's policy, its round-robin pointer, and the
//! reads the choice needs (who is available, how much each holds, what is
//! waiting).
//!
//! An inbox without a policy row is manual. [`take_turn`] locks the row for
//! the rest of the transaction (an `UPDATE`), so that on PostgreSQL two
//! nodes choosing for the same inbox take turns, and the pointer it returns
//! is the one the previous choice left.

use std::collections::HashMap;

use domain::assignment::Candidate;
use domain::text::Word;
use domain::{
    AssignmentMode, AssignmentPolicy, ConversationId, Id, InboxId, Timestamp, UserId, WorkspaceId,
};

use crate::queue::Bind;
use crate::time::to_millis;
use crate::{Conn, Result, StoreError, Tx};

/// The statuses of the Open view: what counts as a member's open work and
/// as waiting in the Unassigned queue.
const OPEN: &str = "('new', 'open', 'pending', 'on_hold')";

#[derive(Debug, sqlx::FromRow)]
struct PolicyRow {
    mode: String,
    cap: Option<i64>,
    fallback: Option<String>,
}

fn policy_from_row(row: PolicyRow) -> Result<AssignmentPolicy> {
    let corrupt = |what| move |e| StoreError::corrupt(what, e);
    Ok(AssignmentPolicy {
        mode: AssignmentMode::parse(&row.mode).map_err(corrupt("inbox_assignment.mode"))?,
        cap: row.cap.and_then(|n| u32::try_from(n).ok()),
        fallback: row
            .fallback
            .as_deref()
            .map(AssignmentMode::parse)
            .transpose()
            .map_err(corrupt("inbox_assignment.fallback"))?,
    })
}

/// The inbox's policy; manual when none was set.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn policy(conn: &mut Conn<'_>, inbox: &InboxId) -> Result<AssignmentPolicy> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, PolicyRow>(
        "SELECT mode, cap, fallback FROM inbox_assignment WHERE inbox_id = $1",
    )
    .bind(inbox.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(policy_from_row)
        .transpose()
        .map(Option::unwrap_or_default)
}

/// The policies of the workspace's inboxes that have one (the others are manual).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn policies(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
) -> Result<HashMap<InboxId, AssignmentPolicy>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        inbox_id: String,
        #[sqlx(flatten)]
        policy: PolicyRow,
    }
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, Row>(
        "SELECT a.inbox_id, a.mode, a.cap, a.fallback FROM inbox_assignment a \
         JOIN inboxes i ON i.id = a.inbox_id WHERE i.workspace_id = $1",
    )
    .bind(workspace.as_str())
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter()
        .map(|row| Ok((Id::from_trusted(row.inbox_id), policy_from_row(row.policy)?)))
        .collect()
}

/// Sets the inbox's policy, keeping its round-robin pointer.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn set_policy(
    tx: &mut Tx<'_>,
    inbox: &InboxId,
    policy: &AssignmentPolicy,
    at: Timestamp,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inbox_assignment (inbox_id, mode, cap, fallback, last_user_id, turns, updated_at) \
         VALUES ($1, $2, $3, $4, NULL, 0, $5) \
         ON CONFLICT (inbox_id) DO UPDATE SET mode = excluded.mode, cap = excluded.cap, \
         fallback = excluded.fallback, updated_at = excluded.updated_at",
    )
    .bind(inbox.as_str())
    .bind(policy.mode.as_str())
    .bind(policy.cap.map(i64::from))
    .bind(policy.fallback.map(|f| f.as_str()))
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The inbox's turn, held until the transaction ends: its policy and the
/// member round robin chose last. `None` when the inbox is manual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// The policy as it is now.
    pub policy: AssignmentPolicy,
    /// The member chosen last.
    pub last: Option<UserId>,
}

/// Takes the inbox's turn: locks its policy row for the rest of `tx` (every
/// other choice for this inbox waits) and reads it. `None` for a manual
/// inbox without a row.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn take_turn(tx: &mut Tx<'_>, inbox: &InboxId) -> Result<Option<Turn>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        policy: PolicyRow,
        last_user_id: Option<String>,
    }
    let row = crate::on_backend!(tx.conn(), c => sqlx::query_as::<_, Row>(
        "UPDATE inbox_assignment SET turns = turns + 1 WHERE inbox_id = $1 \
         RETURNING mode, cap, fallback, last_user_id",
    )
    .bind(inbox.as_str())
    .fetch_optional(&mut *c)
    .await)?;
    row.map(|row| {
        Ok(Turn {
            policy: policy_from_row(row.policy)?,
            last: row.last_user_id.map(Id::from_trusted),
        })
    })
    .transpose()
}

/// Moves the round-robin pointer to `user`, in the transaction that took the turn.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, user_id = %user), err(level = "debug"))]
pub async fn record_turn(tx: &mut Tx<'_>, inbox: &InboxId, user: &UserId) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE inbox_assignment SET last_user_id = $2 WHERE inbox_id = $1",
    )
    .bind(inbox.as_str())
    .bind(user.as_str())
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The inbox's members who are available and still in the workspace, with
/// their open conversations in the inbox, in id order.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn candidates(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    inbox: &InboxId,
) -> Result<Vec<Candidate>> {
    let sql = format!(
        "SELECT m.user_id, \
         (SELECT COUNT(*) FROM conversations c WHERE c.workspace_id = $1 AND c.inbox_id = $2 \
          AND c.status IN {OPEN} AND c.assignee_id = m.user_id) AS open \
         FROM inbox_members m \
         JOIN users u ON u.id = m.user_id \
         JOIN workspace_members w ON w.workspace_id = $1 AND w.user_id = m.user_id \
         WHERE m.inbox_id = $2 AND u.availability = 'available' \
         ORDER BY m.user_id"
    );
    let rows: Vec<(String, i64)> = crate::on_backend!(conn, c => sqlx::query_as(&sql)
        .bind(workspace.as_str())
        .bind(inbox.as_str())
        .fetch_all(&mut **c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, open)| Candidate {
            user_id: Id::from_trusted(user_id),
            open,
        })
        .collect())
}

/// The inbox's oldest conversation waiting in the Unassigned queue (Open
/// view, nobody assigned), leaving out `skip`.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn oldest_unassigned(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    inbox: &InboxId,
    skip: Option<&ConversationId>,
) -> Result<Option<ConversationId>> {
    let sql = format!(
        "SELECT c.id FROM conversations c \
         WHERE c.workspace_id = $1 AND c.inbox_id = $2 AND c.status IN {OPEN} \
         AND c.assignee_id IS NULL AND c.id <> $3 \
         ORDER BY c.created_at, c.id LIMIT 1"
    );
    let id: Option<String> = crate::on_backend!(conn, c => sqlx::query_scalar(&sql)
        .bind(workspace.as_str())
        .bind(inbox.as_str())
        .bind(skip.map_or("", |s| s.as_str()))
        .fetch_optional(&mut **c)
        .await)?;
    Ok(id.map(Id::from_trusted))
}

/// The conversations waiting in the inbox's Unassigned queue (Open view,
/// nobody assigned), oldest first, at most `limit`.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn waiting(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    inbox: &InboxId,
    limit: u32,
) -> Result<Vec<ConversationId>> {
    let ids: Vec<String> = crate::on_backend!(conn, c => sqlx::query_scalar(&waiting_sql())
        .bind(workspace.as_str())
        .bind(inbox.as_str())
        .bind(i64::from(limit))
        .fetch_all(&mut **c)
        .await)?;
    Ok(ids.into_iter().map(Id::from_trusted).collect())
}

/// [`waiting`]'s query: the queue's own index (migration 0026) in its order.
fn waiting_sql() -> String {
    format!(
        "SELECT c.id FROM conversations c \
         WHERE c.workspace_id = $1 AND c.inbox_id = $2 AND c.status IN {OPEN} \
         AND c.assignee_id IS NULL \
         ORDER BY c.created_at, c.id LIMIT $3"
    )
}

/// The database's plan for [`waiting`], one line per step (SQLite's
/// `EXPLAIN QUERY PLAN` details, PostgreSQL's `EXPLAIN` lines), for the
/// plan tests: auto-assignment reads the queue in order, never sorts it.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn explain_waiting(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    inbox: &InboxId,
) -> Result<Vec<String>> {
    let binds = [
        Bind::Text(workspace.as_str().to_string()),
        Bind::Text(inbox.as_str().to_string()),
        Bind::Int(1),
    ];
    crate::queue::plan_lines(conn, &waiting_sql(), &binds).await
}

/// The inboxes `user` is a member of (in workspaces they still belong to)
/// that hand conversations out automatically: where their coming back
/// from away can take waiting work.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn automatic_inboxes_of(
    conn: &mut Conn<'_>,
    user: &UserId,
) -> Result<Vec<(WorkspaceId, InboxId)>> {
    let rows: Vec<(String, String)> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT i.workspace_id, i.id FROM inbox_members m \
         JOIN inboxes i ON i.id = m.inbox_id \
         JOIN inbox_assignment a ON a.inbox_id = i.id \
         JOIN workspace_members w ON w.workspace_id = i.workspace_id AND w.user_id = m.user_id \
         WHERE m.user_id = $1 AND a.mode <> 'manual' \
         ORDER BY i.id",
    )
    .bind(user.as_str())
    .fetch_all(&mut **c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(ws, inbox)| (Id::from_trusted(ws), Id::from_trusted(inbox)))
        .collect())
}

//! SLA targets of inboxes, and each conversation's due time and recorded
//! breach (columns of `conversations`, kept by the SLA job).

use std::collections::HashMap;

use domain::{ConversationId, Id, InboxId, SlaDue, SlaPolicy, Timestamp, WorkspaceId};

use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

fn policy_from(raw: &str) -> Result<SlaPolicy> {
    serde_json::from_str(raw).map_err(|e| StoreError::corrupt("inbox_sla.policy", e))
}

/// An inbox's targets; `None` when it never had any.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, inbox: &InboxId) -> Result<Option<SlaPolicy>> {
    let raw = crate::on_backend!(conn, c => sqlx::query_scalar::<_, String>(
        "SELECT policy FROM inbox_sla WHERE inbox_id = $1",
    )
    .bind(inbox.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    raw.as_deref().map(policy_from).transpose()
}

/// The targets of every inbox of `workspace` that has them (the inbox list).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn of_workspace(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
) -> Result<HashMap<InboxId, SlaPolicy>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, (String, String)>(
        "SELECT s.inbox_id, s.policy FROM inbox_sla s JOIN inboxes i ON i.id = s.inbox_id \
         WHERE i.workspace_id = $1",
    )
    .bind(workspace.as_str())
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter()
        .map(|(id, raw)| Ok((Id::from_trusted(id), policy_from(&raw)?)))
        .collect()
}

/// Stores an inbox's targets, replacing the ones before.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn put(
    tx: &mut Tx<'_>,
    inbox: &InboxId,
    policy: &SlaPolicy,
    at: Timestamp,
) -> Result<()> {
    let raw =
        serde_json::to_string(policy).map_err(|e| StoreError::corrupt("inbox_sla.policy", e))?;
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inbox_sla (inbox_id, policy, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (inbox_id) DO UPDATE SET policy = excluded.policy, \
         updated_at = excluded.updated_at",
    )
    .bind(inbox.as_str())
    .bind(&raw)
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// What the response clocks start from: the customer's first message since
/// the team's last reply (`None` when the team has answered), and whether
/// the team has replied at all. Automatic replies are not the team's, nor
/// are scheduled replies until they go (or cancelled ones).
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn waiting(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
) -> Result<(Option<Timestamp>, bool)> {
    let last_reply = crate::on_backend!(conn, c => sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MAX(created_at) FROM messages \
         WHERE conversation_id = $1 AND kind = 'outbound' AND automatic = FALSE \
         AND delivery_status NOT IN ('scheduled', 'cancelled')",
    )
    .bind(conversation.as_str())
    .fetch_one(&mut **c)
    .await)?;
    let since = crate::on_backend!(conn, c => sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MIN(created_at) FROM messages \
         WHERE conversation_id = $1 AND kind = 'inbound' AND created_at > $2",
    )
    .bind(conversation.as_str())
    .bind(last_reply.unwrap_or(i64::MIN))
    .fetch_one(&mut **c)
    .await)?;
    Ok((since.map(from_millis).transpose()?, last_reply.is_some()))
}

/// Sets a conversation's due time (`None`: nothing due).
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn set_due(
    tx: &mut Tx<'_>,
    conversation: &ConversationId,
    due: Option<SlaDue>,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE conversations SET sla_due_at = $2, sla_target_secs = $3 WHERE id = $1",
    )
    .bind(conversation.as_str())
    .bind(due.map(|d| to_millis(d.at)))
    .bind(due.map(|d| d.target_secs))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Records that `due` passed, if it is still the conversation's due time
/// and its breach was not recorded yet. Returns whether this call recorded
/// it: only that caller appends the `sla_breached` event.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn record_breach(
    tx: &mut Tx<'_>,
    conversation: &ConversationId,
    due: Timestamp,
) -> Result<bool> {
    let due = to_millis(due);
    let affected = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE conversations SET sla_breached_due_at = $2 \
         WHERE id = $1 AND sla_due_at = $2 \
         AND (sla_breached_due_at IS NULL OR sla_breached_due_at <> $2)",
    )
    .bind(conversation.as_str())
    .bind(due)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(affected == 1)
}

/// The due times of `conversations` that have one, with their targets.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn due_of(
    conn: &mut Conn<'_>,
    conversations: &[ConversationId],
) -> Result<HashMap<ConversationId, SlaDue>> {
    let mut due = HashMap::new();
    // One query per page-sized chunk keeps the placeholder count small.
    for chunk in conversations.chunks(100) {
        if chunk.is_empty() {
            continue;
        }
        let list = crate::events::placeholders(1, chunk.len());
        let sql = format!(
            "SELECT id, sla_due_at, sla_target_secs FROM conversations \
             WHERE id IN ({list}) AND sla_due_at IS NOT NULL"
        );
        let rows = crate::on_backend!(conn, c => {
            let mut q = sqlx::query_as::<_, (String, i64, Option<i64>)>(&sql);
            for id in chunk {
                q = q.bind(id.as_str());
            }
            q.fetch_all(&mut **c).await
        })?;
        for (id, at, target) in rows {
            due.insert(
                Id::from_trusted(id),
                SlaDue {
                    at: from_millis(at)?,
                    target_secs: target.unwrap_or(0),
                },
            );
        }
    }
    Ok(due)
}

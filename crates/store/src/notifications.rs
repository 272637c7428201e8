//! Notifications: each inbox's settings (throttle, targets), each member's
//! choice of medium per trigger, the in-app notification centre, and the
//! throttle's memory of when a target was last told about a conversation.
//!
//! Triggers, media and targets are stored as the words and JSON the
//! services give; what they mean is decided there.

use domain::{ConversationId, InboxId, Timestamp, UserId, WorkspaceId};

use crate::time::{from_millis, from_millis_opt, to_millis};
use crate::{Conn, Result, Tx};

/// An inbox's stored notification settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxSettings {
    /// At most one notification per conversation and target this often.
    pub throttle_secs: i64,
    /// The targets as JSON; `None`: the default targets.
    pub targets: Option<String>,
}

/// One notification in someone's in-app centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Its id (a UUIDv7: newer sorts later).
    pub id: String,
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// Who it is for.
    pub user_id: UserId,
    /// The inbox it concerns, if any.
    pub inbox_id: Option<InboxId>,
    /// The conversation it concerns, if any.
    pub conversation_id: Option<ConversationId>,
    /// The trigger's word (`inbound`, `assigned`, …).
    pub trigger: String,
    /// The short text shown (contact and first line).
    pub body: String,
    /// The event it was made for.
    pub event_seq: i64,
    /// When it was made.
    pub created_at: Timestamp,
    /// When its recipient read it.
    pub read_at: Option<Timestamp>,
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    i64,
    Option<i64>,
);

const COLUMNS: &str = "id, workspace_id, user_id, inbox_id, conversation_id, trigger_name, \
                       body, event_seq, created_at, read_at";

fn from_row(row: Row) -> Result<Notification> {
    let (id, ws, user, inbox, conversation, trigger, body, seq, created, read) = row;
    Ok(Notification {
        id,
        workspace_id: WorkspaceId::from_trusted(ws),
        user_id: UserId::from_trusted(user),
        inbox_id: inbox.map(InboxId::from_trusted),
        conversation_id: conversation.map(ConversationId::from_trusted),
        trigger,
        body,
        event_seq: seq,
        created_at: from_millis(created)?,
        read_at: from_millis_opt(read)?,
    })
}

/// The inbox's settings; `None` when never saved (the defaults apply).
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn settings(conn: &mut Conn<'_>, inbox: &InboxId) -> Result<Option<InboxSettings>> {
    let row: Option<(i64, Option<String>)> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT throttle_secs, targets FROM inbox_notify_settings WHERE inbox_id = $1",
    )
    .bind(inbox.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    Ok(row.map(|(throttle_secs, targets)| InboxSettings {
        throttle_secs,
        targets,
    }))
}

/// Saves the inbox's settings whole.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn save_settings(
    tx: &mut Tx<'_>,
    inbox: &InboxId,
    settings: &InboxSettings,
    now: Timestamp,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inbox_notify_settings (inbox_id, throttle_secs, targets, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (inbox_id) DO UPDATE SET \
         throttle_secs = excluded.throttle_secs, targets = excluded.targets, \
         updated_at = excluded.updated_at",
    )
    .bind(inbox.as_str())
    .bind(settings.throttle_secs)
    .bind(settings.targets.as_deref())
    .bind(to_millis(now))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Gives the inbox `targets` (JSON) unless it has chosen its own since:
/// how a default decided later (a new inbox's own Slack channel) never
/// overwrites an admin's choice. A new row gets `throttle_secs`. Whether
/// the targets were taken.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn adopt_default_targets(
    tx: &mut Tx<'_>,
    inbox: &InboxId,
    targets: &str,
    throttle_secs: i64,
    now: Timestamp,
) -> Result<bool> {
    let done = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inbox_notify_settings (inbox_id, throttle_secs, targets, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (inbox_id) DO UPDATE SET \
         targets = excluded.targets, updated_at = excluded.updated_at \
         WHERE inbox_notify_settings.targets IS NULL",
    )
    .bind(inbox.as_str())
    .bind(throttle_secs)
    .bind(targets)
    .bind(to_millis(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// A member's stored choices: `(trigger, medium)` pairs.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn preferences(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Result<Vec<(String, String)>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT trigger_name, medium FROM notification_preferences \
         WHERE workspace_id = $1 AND user_id = $2 ORDER BY trigger_name",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .fetch_all(&mut **c)
    .await)?;
    Ok(rows)
}

/// Every stored choice for one trigger in the workspace: `(user, medium)`.
#[tracing::instrument(skip_all, fields(trigger), err(level = "debug"))]
pub async fn choices_for(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    trigger: &str,
) -> Result<Vec<(UserId, String)>> {
    let rows: Vec<(String, String)> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT user_id, medium FROM notification_preferences \
         WHERE workspace_id = $1 AND trigger_name = $2",
    )
    .bind(workspace.as_str())
    .bind(trigger)
    .fetch_all(&mut **c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(user, medium)| (UserId::from_trusted(user), medium))
        .collect())
}

/// Replaces a member's choices with `choices` (`(trigger, medium)` pairs).
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn set_preferences(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
    choices: &[(&str, &str)],
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM notification_preferences WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    for (trigger, medium) in choices {
        crate::on_backend!(tx.conn(), c => sqlx::query(
            "INSERT INTO notification_preferences (workspace_id, user_id, trigger_name, medium) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(workspace.as_str())
        .bind(user.as_str())
        .bind(*trigger)
        .bind(*medium)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    }
    Ok(())
}

/// Adds a notification; `false` when the same one (recipient, event,
/// trigger) is there already.
#[tracing::instrument(skip_all, fields(user_id = %n.user_id, event_seq = n.event_seq), err(level = "debug"))]
pub async fn insert(tx: &mut Tx<'_>, n: &Notification) -> Result<bool> {
    let added = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO notifications (id, workspace_id, user_id, inbox_id, conversation_id, \
         trigger_name, body, event_seq, created_at, read_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL) \
         ON CONFLICT (user_id, event_seq, trigger_name) DO NOTHING",
    )
    .bind(&n.id)
    .bind(n.workspace_id.as_str())
    .bind(n.user_id.as_str())
    .bind(n.inbox_id.as_ref().map(|i| i.as_str()))
    .bind(n.conversation_id.as_ref().map(|c| c.as_str()))
    .bind(&n.trigger)
    .bind(&n.body)
    .bind(n.event_seq)
    .bind(to_millis(n.created_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(added > 0)
}

/// One notification by id.
#[tracing::instrument(skip_all, fields(id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &str) -> Result<Option<Notification>> {
    let sql = format!("SELECT {COLUMNS} FROM notifications WHERE id = $1");
    let row: Option<Row> = crate::on_backend!(conn, c => sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut **c)
        .await)?;
    row.map(from_row).transpose()
}

/// The user's notifications, newest first, older than `before` (an id).
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn list(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<Notification>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications WHERE workspace_id = $1 AND user_id = $2 \
         AND ($3 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4"
    );
    let rows: Vec<Row> = crate::on_backend!(conn, c => sqlx::query_as(&sql)
        .bind(workspace.as_str())
        .bind(user.as_str())
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(from_row).collect()
}

/// How many of the user's notifications are unread.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn unread(conn: &mut Conn<'_>, workspace: &WorkspaceId, user: &UserId) -> Result<i64> {
    let count = crate::on_backend!(conn, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications \
         WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .fetch_one(&mut **c)
    .await)?;
    Ok(count)
}

/// Marks one of the user's notifications read (it stays read if it was).
/// Returns whether it is theirs.
#[tracing::instrument(skip_all, fields(user_id = %user, id), err(level = "debug"))]
pub async fn mark_read(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
    id: &str,
    now: Timestamp,
) -> Result<bool> {
    let found = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $4) \
         WHERE workspace_id = $1 AND user_id = $2 AND id = $3",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(id)
    .bind(to_millis(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(found > 0)
}

/// Marks all of the user's notifications read. Returns how many were unread.
#[tracing::instrument(skip_all, fields(user_id = %user), err(level = "debug"))]
pub async fn mark_all_read(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    user: &UserId,
    now: Timestamp,
) -> Result<u64> {
    let marked = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE notifications SET read_at = $3 \
         WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL",
    )
    .bind(workspace.as_str())
    .bind(user.as_str())
    .bind(to_millis(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(marked)
}

/// The throttle: claims the right to tell `target` about the conversation
/// for the event `event_seq` at `now`. Granted when the target was never
/// told, when the last time is at least `window_secs` ago, or when the last
/// claim was this same event's (a retried job). One statement, so two
/// nodes running jobs of the same conversation at once cannot both win.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation, target, event_seq), err(level = "debug"))]
pub async fn claim_throttle(
    tx: &mut Tx<'_>,
    conversation: &ConversationId,
    target: &str,
    event_seq: i64,
    now: Timestamp,
    window_secs: i64,
) -> Result<bool> {
    let now = to_millis(now);
    let claimed: Option<i64> = crate::on_backend!(tx.conn(), c => sqlx::query_scalar(
        "INSERT INTO notify_throttle (conversation_id, target, notified_at, event_seq) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (conversation_id, target) DO UPDATE SET \
         notified_at = excluded.notified_at, event_seq = excluded.event_seq \
         WHERE notify_throttle.event_seq = excluded.event_seq \
            OR notify_throttle.notified_at <= $5 \
         RETURNING event_seq",
    )
    .bind(conversation.as_str())
    .bind(target)
    .bind(now)
    .bind(event_seq)
    .bind(now.saturating_sub(window_secs.saturating_mul(1000)))
    .fetch_optional(&mut *c)
    .await)?;
    Ok(claimed.is_some())
}

/// When `target` was last told about the conversation, if ever (the
/// reaction skips notices the throttle would fold; [`claim_throttle`] decides).
#[tracing::instrument(skip_all, fields(conversation_id = %conversation, target), err(level = "debug"))]
pub async fn last_notified(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
    target: &str,
) -> Result<Option<Timestamp>> {
    let at: Option<i64> = crate::on_backend!(conn, c => sqlx::query_scalar(
        "SELECT notified_at FROM notify_throttle WHERE conversation_id = $1 AND target = $2",
    )
    .bind(conversation.as_str())
    .bind(target)
    .fetch_optional(&mut **c)
    .await)?;
    at.map(from_millis).transpose()
}

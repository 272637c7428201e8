//! Out-of-office settings of inboxes, and when each conversation last got
//! an automatic reply.

use std::collections::HashMap;

use domain::{Id, InboxId, OutOfOffice, OutOfOfficeText, Timestamp, WorkspaceId};

use crate::time::to_millis;
use crate::{Conn, Result, StoreError, Tx};

#[derive(Debug, sqlx::FromRow)]
struct Row {
    inbox_id: String,
    enabled: bool,
    time_zone: String,
    hours: String,
    holidays: String,
    message: String,
    away_now: bool,
    every_hours: i64,
}

fn from_row(row: Row) -> Result<(InboxId, OutOfOffice)> {
    let corrupt = |e: serde_json::Error| StoreError::corrupt("inbox_out_of_office", e);
    let text = OutOfOfficeText {
        enabled: row.enabled,
        time_zone: row.time_zone,
        hours: serde_json::from_str(&row.hours).map_err(corrupt)?,
        holidays: serde_json::from_str(&row.holidays).map_err(corrupt)?,
        message: row.message,
        away_now: row.away_now,
        every_hours: Some(row.every_hours),
    };
    let setting =
        OutOfOffice::parse(&text).map_err(|e| StoreError::corrupt("inbox_out_of_office", e))?;
    Ok((Id::from_trusted(row.inbox_id), setting))
}

const COLUMNS: &str =
    "o.inbox_id, o.enabled, o.time_zone, o.hours, o.holidays, o.message, o.away_now, o.every_hours";

/// An inbox's setting; `None` when it never had one.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, inbox: &InboxId) -> Result<Option<OutOfOffice>> {
    let sql = format!("SELECT {COLUMNS} FROM inbox_out_of_office o WHERE o.inbox_id = $1");
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, Row>(&sql)
        .bind(inbox.as_str())
        .fetch_optional(&mut **c)
        .await)?;
    Ok(row.map(from_row).transpose()?.map(|(_, setting)| setting))
}

/// The settings of every inbox of `workspace` that has one (the inbox list).
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn of_workspace(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
) -> Result<HashMap<InboxId, OutOfOffice>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM inbox_out_of_office o JOIN inboxes i ON i.id = o.inbox_id \
         WHERE i.workspace_id = $1"
    );
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, Row>(&sql)
        .bind(workspace.as_str())
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(from_row).collect()
}

/// Stores an inbox's setting, replacing the one before.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn put(
    tx: &mut Tx<'_>,
    inbox: &InboxId,
    setting: &OutOfOffice,
    at: Timestamp,
) -> Result<()> {
    let text = setting.to_text();
    let corrupt = |e: serde_json::Error| StoreError::corrupt("inbox_out_of_office", e);
    let hours = serde_json::to_string(&text.hours).map_err(corrupt)?;
    let holidays = serde_json::to_string(&text.holidays).map_err(corrupt)?;
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inbox_out_of_office (inbox_id, enabled, time_zone, hours, holidays, message, \
         away_now, every_hours, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (inbox_id) DO UPDATE SET enabled = excluded.enabled, \
         time_zone = excluded.time_zone, hours = excluded.hours, holidays = excluded.holidays, \
         message = excluded.message, away_now = excluded.away_now, \
         every_hours = excluded.every_hours, updated_at = excluded.updated_at",
    )
    .bind(inbox.as_str())
    .bind(setting.enabled)
    .bind(&text.time_zone)
    .bind(&hours)
    .bind(&holidays)
    .bind(&setting.message)
    .bind(setting.away_now)
    .bind(i64::from(setting.every_hours))
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Records an automatic reply to `conversation` at `at` unless one was
/// recorded after `not_since`. Returns whether this call recorded it: the
/// caller that gets `true` sends, every other caller (a second inbound
/// message, another node) sends nothing.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn claim_auto_reply(
    tx: &mut Tx<'_>,
    conversation: &domain::ConversationId,
    at: Timestamp,
    not_since: Timestamp,
) -> Result<bool> {
    // One statement on both dialects: the conflict's update only runs when
    // the last reply is old enough, and then counts as the row affected.
    let affected = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO auto_replies (conversation_id, sent_at) VALUES ($1, $2) \
         ON CONFLICT (conversation_id) DO UPDATE SET sent_at = excluded.sent_at \
         WHERE auto_replies.sent_at <= $3",
    )
    .bind(conversation.as_str())
    .bind(to_millis(at))
    .bind(to_millis(not_since))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(affected > 0)
}

//! The queue badges and the sidebar counts: from the counter rows when no
//! filter narrows them below an inbox (`counters`), else by counting the
//! matching rows (`sql`); the recounts are what the counters are tested
//! against.

use std::collections::HashMap;

use domain::{InboxId, UserId, WorkspaceId};

use super::sql::{self, apply_binds};
use super::{backend, counters, ConversationFilter, InboxCounts, QueueCounts};
use crate::{Conn, InboxScope, Result};

/// The badges for `filter`: every filter applies except `view`, `status` and
/// `assignee`, which the badges split by. Without other filters they are a
/// few counter rows per inbox, whatever the number of conversations.
#[tracing::instrument(skip_all, fields(workspace_id = %filter.workspace_id), err(level = "debug"))]
pub async fn counts(conn: &mut Conn<'_>, filter: &ConversationFilter) -> Result<QueueCounts> {
    if counters::answer(filter) {
        count_with(conn, filter, counters::counts).await
    } else {
        recount(conn, filter).await
    }
}

/// [`counts`] by scanning the conversations the filter keeps: what the
/// filtered badges use, and what the counters are checked against.
#[tracing::instrument(skip_all, fields(workspace_id = %filter.workspace_id), err(level = "debug"))]
pub async fn recount(conn: &mut Conn<'_>, filter: &ConversationFilter) -> Result<QueueCounts> {
    let backend = backend(conn);
    count_with(conn, filter, |f| sql::counts(f, backend)).await
}

async fn count_with(
    conn: &mut Conn<'_>,
    filter: &ConversationFilter,
    build: impl FnOnce(&ConversationFilter) -> (String, Vec<sql::Bind>),
) -> Result<QueueCounts> {
    if matches!(&filter.scope, InboxScope::Only(ids) if ids.is_empty()) {
        return Ok(QueueCounts::default());
    }
    let (sql, binds) = build(filter);
    let row = crate::on_backend!(conn, c => {
        apply_binds(sqlx::query_as::<_, sql::CountsRow>(&sql), &binds)
            .fetch_one(&mut **c)
            .await
    })?;
    Ok(QueueCounts {
        unassigned: row.unassigned,
        mine: row.mine,
        assigned_others: row.assigned_others,
        open: row.open_count,
        done: row.done_count,
        snoozed: row.snoozed_count,
    })
}

/// The sidebar badges of each of `inboxes` for `viewer`, from the counter
/// rows: two small queries, whatever the number of conversations. Every
/// inbox asked for is in the map, with zeros when it is empty; the caller
/// passes only inboxes the viewer may see.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace_id, inboxes = inboxes.len()), err(level = "debug"))]
pub async fn inbox_counts(
    conn: &mut Conn<'_>,
    workspace_id: &WorkspaceId,
    viewer: &UserId,
    inboxes: &[InboxId],
) -> Result<HashMap<InboxId, InboxCounts>> {
    let mut counts = inbox_rows(
        conn,
        workspace_id,
        viewer,
        inboxes,
        &counters::inbox_counts(inboxes.len()),
    )
    .await?;
    if inboxes.is_empty() {
        return Ok(counts);
    }
    let sql = counters::inbox_reads(inboxes.len());
    let reads = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as::<_, counters::InboxReadsRow>(&sql)
            .bind(workspace_id.as_str())
            .bind(viewer.as_str());
        for inbox in inboxes {
            query = query.bind(inbox.as_str());
        }
        query.fetch_all(&mut **c).await
    })?;
    for read in reads {
        if let Some(badges) = counts.get_mut(&InboxId::from_trusted(read.inbox_id)) {
            // Written in: `with_inbound`; unread: those not read since.
            badges.unread -= read.n;
        }
    }
    Ok(counts)
}

/// [`inbox_counts`] by scanning every open conversation of the inboxes and
/// its read cursor: what the counters are checked against.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace_id, inboxes = inboxes.len()), err(level = "debug"))]
pub async fn recount_inboxes(
    conn: &mut Conn<'_>,
    workspace_id: &WorkspaceId,
    viewer: &UserId,
    inboxes: &[InboxId],
) -> Result<HashMap<InboxId, InboxCounts>> {
    inbox_rows(
        conn,
        workspace_id,
        viewer,
        inboxes,
        &sql::inbox_counts(inboxes.len()),
    )
    .await
}

/// Runs a per-inbox badge query (binds: workspace, viewer, inbox ids); every
/// inbox asked for is in the map.
async fn inbox_rows(
    conn: &mut Conn<'_>,
    workspace_id: &WorkspaceId,
    viewer: &UserId,
    inboxes: &[InboxId],
    sql: &str,
) -> Result<HashMap<InboxId, InboxCounts>> {
    let mut counts: HashMap<InboxId, InboxCounts> = inboxes
        .iter()
        .map(|id| (id.clone(), InboxCounts::default()))
        .collect();
    if inboxes.is_empty() {
        return Ok(counts);
    }
    let rows = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as::<_, sql::InboxCountsRow>(sql)
            .bind(workspace_id.as_str())
            .bind(viewer.as_str());
        for inbox in inboxes {
            query = query.bind(inbox.as_str());
        }
        query.fetch_all(&mut **c).await
    })?;
    for row in rows {
        counts.insert(
            InboxId::from_trusted(row.inbox_id),
            InboxCounts {
                unassigned: row.unassigned,
                mine: row.mine,
                open: row.open_count,
                unread: row.unread,
            },
        );
    }
    Ok(counts)
}

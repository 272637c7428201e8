//! The badges read from counter rows (issue 12): a few rows per inbox,
//! whatever the number of conversations. The rows are kept by triggers
//! (migration 0016) in the same transaction as every change to a
//! conversation or a read cursor; the scans in `sql` stay for filtered
//! badges and as the recount the counters are tested against.

use domain::View;

use super::sql::{statuses, Bind, Builder};
use super::ConversationFilter;
use crate::events::placeholders;
use crate::InboxScope;

/// Whether the counters can answer `filter`'s badges: only the workspace,
/// the viewer's scope and one inbox narrow them (view, status and assignee
/// are what the badges split by). An SLA filter is counted over the rows:
/// where a conversation stands moves with the clock, not with a change.
pub(super) fn answer(filter: &ConversationFilter) -> bool {
    filter.priority.is_none()
        && filter.tag.is_none()
        && filter.unread.is_none()
        && filter.contact_owner.is_none()
        && filter.contact.is_none()
        && filter.sla.is_none()
        && super::search::search_text(filter).is_none()
}

/// The badge query over the counter rows of the inboxes `filter` keeps;
/// the same columns as `sql::counts`.
pub(super) fn counts(filter: &ConversationFilter) -> (String, Vec<Bind>) {
    let mut b = Builder::new(filter);
    let mut conditions = vec!["i.workspace_id = $1".to_string()];
    if let InboxScope::Only(ids) = &filter.scope {
        let list: Vec<String> = ids.iter().map(|id| b.text(id.as_str())).collect();
        // An empty scope is answered before any SQL; `IN ()` is not valid SQL.
        conditions.push(if list.is_empty() {
            "1 = 0".to_string()
        } else {
            format!("q.inbox_id IN ({})", list.join(", "))
        });
    }
    if let Some(inbox) = &filter.inbox {
        conditions.push(format!("q.inbox_id = {}", b.text(inbox.as_str())));
    }
    let open = statuses(View::Open);
    let sum = |when: &str| {
        format!(
            "CAST(COALESCE(SUM(CASE WHEN {when} THEN q.conversations ELSE 0 END), 0) AS BIGINT)"
        )
    };
    let sql = format!(
        "SELECT {} AS unassigned, {} AS mine, {} AS assigned_others, {} AS open_count, \
           {} AS done_count, {} AS snoozed_count \
         FROM queue_counters q JOIN inboxes i ON i.id = q.inbox_id WHERE {}",
        sum(&format!("q.status IN ({open}) AND q.assignee_key = ''")),
        sum(&format!("q.status IN ({open}) AND q.assignee_key = $2")),
        sum(&format!(
            "q.status IN ({open}) AND q.assignee_key <> '' AND q.assignee_key <> $2"
        )),
        sum(&format!("q.status IN ({open})")),
        sum(&format!("q.status IN ({})", statuses(View::Done))),
        sum(&format!("q.status IN ({})", statuses(View::Snoozed))),
        conditions.join(" AND "),
    );
    (sql, b.into_binds())
}

/// The sidebar's counts of `n` inboxes (binds: the workspace, the viewer,
/// then the inbox ids). Its `unread` column is how many of the viewer's
/// lanes' conversations the customer wrote in; [`inbox_reads`] is how many
/// of those the viewer has read since, and unread is the difference.
pub(super) fn inbox_counts(n: usize) -> String {
    format!(
        "SELECT q.inbox_id, \
           CAST(COALESCE(SUM(CASE WHEN q.assignee_key = '' THEN q.conversations ELSE 0 END), 0) AS BIGINT) AS unassigned, \
           CAST(COALESCE(SUM(CASE WHEN q.assignee_key = $2 THEN q.conversations ELSE 0 END), 0) AS BIGINT) AS mine, \
           CAST(COALESCE(SUM(q.conversations), 0) AS BIGINT) AS open_count, \
           CAST(COALESCE(SUM(CASE WHEN q.assignee_key IN ('', $2) THEN q.with_inbound ELSE 0 END), 0) AS BIGINT) AS unread \
         FROM queue_counters q JOIN inboxes i ON i.id = q.inbox_id \
         WHERE i.workspace_id = $1 AND q.status IN ({}) AND q.inbox_id IN ({}) \
         GROUP BY q.inbox_id",
        statuses(View::Open),
        placeholders(3, n),
    )
}

/// How many conversations of the viewer's lanes (unassigned or theirs) in
/// each of `n` inboxes the applicable reader has read since the customer
/// last wrote: the viewer's own cursor, or the team's in a shared inbox.
/// Same binds as [`inbox_counts`].
pub(super) fn inbox_reads(n: usize) -> String {
    format!(
        "SELECT r.inbox_id, CAST(COALESCE(SUM(r.n), 0) AS BIGINT) AS n \
         FROM read_counters r JOIN inboxes i ON i.id = r.inbox_id \
         WHERE i.workspace_id = $1 AND r.inbox_id IN ({}) AND r.status IN ({}) \
           AND r.assignee_key IN ('', $2) \
           AND r.reader = CASE WHEN i.unread_mode = 'shared' THEN '*' ELSE $2 END \
         GROUP BY r.inbox_id",
        placeholders(3, n),
        statuses(View::Open),
    )
}

/// One inbox's count of read conversations, from [`inbox_reads`].
#[derive(Debug, sqlx::FromRow)]
pub(super) struct InboxReadsRow {
    pub(super) inbox_id: String,
    pub(super) n: i64,
}

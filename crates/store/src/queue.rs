//! The conversation list (the queue) and its badge counts (DESIGN.md §5:
//! counts are cheap).
//!
//! A page is four queries whatever its size: the conversations (with the
//! viewer's unread flag), then their tags, contacts and last messages by id
//! (a search adds one: the message each conversation matched by).
//! Badges (`badges`) are read from counter rows unless a filter narrows
//! them below an inbox; then they are one aggregate query over the rows.
//! Every filter is built into one SQL text with numbered binds in `sql`,
//! shared by both backends; only the full-text condition differs per
//! backend.

mod badges;
mod counters;
mod hits;
mod keyset;
mod plan;
mod rows;
mod search;
mod sla;
mod sql;
mod words;

pub use badges::{counts, inbox_counts, recount, recount_inboxes};
pub use hits::hits;
pub use sla::{SlaFilter, SlaStanding};

use domain::text::Word;
use domain::{
    Contact, ContactId, Conversation, InboxId, Message, Priority, Status, Tag, UserId, View,
    WorkspaceId,
};

use crate::{Backend, Conn, InboxScope, Page, Result, StoreError};

use keyset::Keyset;
use sql::apply_binds;
pub(crate) use sql::Bind;

/// Which conversations a list or count covers, as seen by `viewer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationFilter {
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// Who is looking: `assignee=me`, unread and the badges are theirs.
    pub viewer: UserId,
    /// The inboxes the viewer may see; nothing outside them is ever listed.
    pub scope: InboxScope,
    /// One inbox (within the scope), or all of them.
    pub inbox: Option<InboxId>,
    /// Open, Done, Snoozed or All.
    pub view: View,
    /// One status; applies on top of the view (pass `View::All` to list any status).
    pub status: Option<Status>,
    /// Whose conversations.
    pub assignee: Option<AssigneeFilter>,
    /// One priority.
    pub priority: Option<Priority>,
    /// Conversations with this tag.
    pub tag: Option<Tag>,
    /// Only unread (`true`) or only read (`false`) conversations for the viewer.
    pub unread: Option<bool>,
    /// Conversations whose contact this user owns.
    pub contact_owner: Option<UserId>,
    /// One contact's conversations.
    pub contact: Option<ContactId>,
    /// Full-text search over messages, or a part of the contact's name, phone or email.
    pub q: Option<String>,
    /// Where they stand against their SLA due time (due soon, overdue).
    pub sla: Option<SlaFilter>,
    /// The order of the list.
    pub sort: Sort,
}

impl ConversationFilter {
    /// The default list: the Open view of every inbox in `scope`, newest activity first.
    pub fn new(workspace_id: WorkspaceId, viewer: UserId, scope: InboxScope) -> Self {
        Self {
            workspace_id,
            viewer,
            scope,
            inbox: None,
            view: View::Open,
            status: None,
            assignee: None,
            priority: None,
            tag: None,
            unread: None,
            contact_owner: None,
            contact: None,
            q: None,
            sla: None,
            sort: Sort::LastActivity,
        }
    }
}

/// The `assignee=` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Assigned to the viewer.
    Me,
    /// Unassigned.
    Nobody,
    /// Assigned to someone other than the viewer.
    Others,
    /// Assigned to this user.
    User(UserId),
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Most recent activity first.
    LastActivity,
    /// Most recently created first.
    Created,
    /// Most urgent first, then most recent activity.
    Priority,
    /// Whoever has waited longest since they last wrote first; conversations
    /// where the customer never wrote come last.
    Waiting,
    /// Breaching soonest first (the SLA due time); nothing due comes last.
    Due,
}

impl Word for Sort {
    const FIELD: &'static str = "sort";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::LastActivity, "last_activity"),
        (Self::Created, "created"),
        (Self::Priority, "priority"),
        (Self::Waiting, "waiting"),
        (Self::Due, "due"),
    ];
    const EXPECTED: &'static str = "last_activity, created, priority, waiting, due";
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    /// The conversation, with its tags.
    pub conversation: Conversation,
    /// Its contact.
    pub contact: Contact,
    /// Whether the customer wrote since the viewer's (or the team's) read cursor.
    pub unread: bool,
    /// The latest message the customer saw: their own or a reply (internal
    /// notes are not shown in the queue).
    pub last_message: Option<Message>,
    /// When the list is a search: the body of the newest message that
    /// matched it (none when only the contact did), to show why it matched.
    pub found: Option<String>,
}

/// The queue badges for one filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Open view, nobody assigned.
    pub unassigned: i64,
    /// Open view, assigned to the viewer.
    pub mine: i64,
    /// Open view, assigned to someone else.
    pub assigned_others: i64,
    /// The Open view.
    pub open: i64,
    /// The Done view.
    pub done: i64,
    /// The Snoozed view.
    pub snoozed: i64,
}

/// One inbox's sidebar badges, all within its Open view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboxCounts {
    /// Nobody assigned.
    pub unassigned: i64,
    /// Assigned to the viewer.
    pub mine: i64,
    /// Every open conversation.
    pub open: i64,
    /// Unread for the viewer among the ones they are expected to act on,
    /// unassigned or theirs (DESIGN.md §3: someone else's carry no badge).
    pub unread: i64,
}

/// A page of the list for `filter`, at most `limit` items (1 to 500) after `cursor`.
///
/// The cursor is the `next_cursor` of the previous page of the same sort;
/// one that this function did not hand out is [`StoreError::InvalidCursor`].
#[tracing::instrument(skip_all, fields(workspace_id = %filter.workspace_id, sort = filter.sort.as_str(), limit), err(level = "debug"))]
pub async fn list(
    conn: &mut Conn<'_>,
    filter: &ConversationFilter,
    limit: u32,
    cursor: Option<&str>,
) -> Result<Page<QueueItem>> {
    let after = cursor
        .map(|raw| Keyset::decode(filter.sort, raw))
        .transpose()?;
    if matches!(&filter.scope, InboxScope::Only(ids) if ids.is_empty()) {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let limit = limit.clamp(1, 500);
    let (sql, binds) = sql::list(filter, backend(conn), after.as_ref(), limit + 1);
    let mut rows = crate::on_backend!(conn, c => {
        apply_binds(sqlx::query_as::<_, sql::ListRow>(&sql), &binds)
            .fetch_all(&mut **c)
            .await
    })?;
    // One extra row was asked for: its presence is what says a next page exists.
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = match (more, rows.last()) {
        (true, Some(last)) => Some(Keyset::of(filter.sort, last).encode()),
        _ => None,
    };
    let mut items = hydrate(conn, rows).await?;
    if search::search_text(filter).is_some() {
        let ids: Vec<_> = items.iter().map(|i| i.conversation.id.clone()).collect();
        let mut found = hits(conn, filter, &ids).await?;
        for item in &mut items {
            item.found = found.remove(&item.conversation.id);
        }
    }
    Ok(Page { items, next_cursor })
}

/// The database's plan for the page query of `filter` after `cursor`, one
/// line per step (SQLite's `EXPLAIN QUERY PLAN` details, PostgreSQL's
/// `EXPLAIN` lines): what the plan tests check, so that an index change
/// cannot silently turn a page into a scan.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn explain(
    conn: &mut Conn<'_>,
    filter: &ConversationFilter,
    limit: u32,
    cursor: Option<&str>,
) -> Result<Vec<String>> {
    let after = cursor
        .map(|raw| Keyset::decode(filter.sort, raw))
        .transpose()?;
    let (sql, binds) = sql::list(filter, backend(conn), after.as_ref(), limit + 1);
    plan_lines(conn, &sql, &binds).await
}

/// The database's plan for `sql` with `binds`, one line per step (SQLite's
/// `EXPLAIN QUERY PLAN` details, PostgreSQL's `EXPLAIN` lines): what every
/// plan test reads.
pub(crate) async fn plan_lines(
    conn: &mut Conn<'_>,
    sql: &str,
    binds: &[Bind],
) -> Result<Vec<String>> {
    let lines = match conn {
        Conn::Sqlite(c) => {
            let rows: Vec<(i64, i64, i64, String)> =
                apply_binds(sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}")), binds)
                    .fetch_all(&mut **c)
                    .await?;
            rows.into_iter().map(|(_, _, _, detail)| detail).collect()
        }
        Conn::Postgres(c) => {
            let rows: Vec<(String,)> =
                apply_binds(sqlx::query_as(&format!("EXPLAIN {sql}")), binds)
                    .fetch_all(&mut **c)
                    .await?;
            rows.into_iter().map(|(line,)| line).collect()
        }
    };
    Ok(lines)
}

fn backend(conn: &Conn<'_>) -> Backend {
    match conn {
        Conn::Sqlite(_) => Backend::Sqlite,
        Conn::Postgres(_) => Backend::Postgres,
    }
}

/// Completes a page's rows with their tags, contacts and last messages: three
/// queries by id, whatever the page size.
async fn hydrate(conn: &mut Conn<'_>, rows: Vec<sql::ListRow>) -> Result<Vec<QueueItem>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut contact_ids: Vec<String> = rows.iter().map(|r| r.contact_id.clone()).collect();
    contact_ids.sort_unstable();
    contact_ids.dedup();
    let message_ids: Vec<String> = rows
        .iter()
        .filter_map(|r| r.last_message_id.clone())
        .collect();
    let unread: Vec<bool> = rows.iter().map(|r| r.unread).collect();
    let conversations =
        crate::conversations::hydrate(conn, rows.into_iter().map(|r| r.conversation).collect())
            .await?;
    let contacts = rows::contacts_by_id(conn, &contact_ids).await?;
    let mut last_messages = rows::messages_by_conversation(conn, &message_ids).await?;
    conversations
        .into_iter()
        .zip(unread)
        .map(|(conversation, unread)| {
            let contact = contacts
                .get(conversation.contact_id.as_str())
                .cloned()
                .ok_or_else(|| {
                    StoreError::corrupt("conversations.contact_id", &conversation.contact_id)
                })?;
            let last_message = last_messages.remove(conversation.id.as_str());
            Ok(QueueItem {
                conversation,
                contact,
                unread,
                last_message,
                found: None,
            })
        })
        .collect()
}

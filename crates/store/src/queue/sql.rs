//! The SQL of the queue, built in one place: the filters become numbered
//! binds (`$1` is always the workspace, `$2` the viewer) in the order they
//! are bound, so one text serves both backends.

use domain::text::Word;
use domain::View;

use super::keyset::{order_by, Keyset};
use super::search::{self, search_text};
use super::{AssigneeFilter, ConversationFilter};
use crate::conversations::{ConversationRow, COLUMNS};
use crate::events::placeholders;
use crate::{Backend, InboxScope};

/// A value bound to a numbered placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

/// Binds `binds` in order; generic so that the one loop serves both backends.
pub(super) fn apply_binds<'q, DB, O>(
    mut query: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for bind in binds {
        query = match bind {
            Bind::Text(text) => query.bind(text.as_str()),
            Bind::Int(int) => query.bind(*int),
        };
    }
    query
}

/// A listed conversation as selected, with its sort keys (read again from
/// the same columns) and the viewer's unread flag.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct ListRow {
    #[sqlx(flatten)]
    pub(super) conversation: ConversationRow,
    pub(super) id: String,
    pub(super) contact_id: String,
    pub(super) priority_rank: i64,
    pub(super) created_at: i64,
    pub(super) last_activity_at: i64,
    pub(super) last_inbound_at: Option<i64>,
    pub(super) sla_due_at: Option<i64>,
    pub(super) last_message_id: Option<String>,
    pub(super) unread: bool,
}

/// The badges of [`counts`].
#[derive(Debug, sqlx::FromRow)]
pub(super) struct CountsRow {
    pub(super) unassigned: i64,
    pub(super) mine: i64,
    pub(super) assigned_others: i64,
    pub(super) open_count: i64,
    pub(super) done_count: i64,
    pub(super) snoozed_count: i64,
}

/// One inbox's badges of [`inbox_counts`].
#[derive(Debug, sqlx::FromRow)]
pub(super) struct InboxCountsRow {
    pub(super) inbox_id: String,
    pub(super) unassigned: i64,
    pub(super) mine: i64,
    pub(super) open_count: i64,
    pub(super) unread: i64,
}

/// The read cursor that applies to the viewer ($2): the team's in a shared
/// inbox, the viewer's own otherwise.
const READ_JOIN: &str = " JOIN inboxes i ON i.id = c.inbox_id \
     LEFT JOIN read_cursors rc ON rc.conversation_id = c.id \
     AND rc.reader = CASE WHEN i.unread_mode = 'shared' THEN '*' ELSE $2 END";

/// Unread: the customer wrote after the cursor (or there is no cursor yet).
const UNREAD: &str =
    "(c.last_inbound_at IS NOT NULL AND (rc.read_at IS NULL OR c.last_inbound_at > rc.read_at))";

/// One query's binds, numbered in the order they are added.
pub(super) struct Builder {
    binds: Vec<Bind>,
}

impl Builder {
    /// A builder with the workspace (`$1`) and the viewer (`$2`) bound.
    pub(super) fn new(filter: &ConversationFilter) -> Self {
        Self {
            binds: vec![
                Bind::Text(filter.workspace_id.as_str().to_string()),
                Bind::Text(filter.viewer.as_str().to_string()),
            ],
        }
    }

    /// Adds a bind and returns its placeholder.
    pub(super) fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    /// Adds a text bind and returns its placeholder.
    pub(super) fn text(&mut self, value: &str) -> String {
        self.bind(Bind::Text(value.to_string()))
    }

    /// How many binds there are (the last placeholder's number).
    pub(super) fn len(&self) -> usize {
        self.binds.len()
    }

    /// The binds, in placeholder order.
    pub(super) fn into_binds(self) -> Vec<Bind> {
        self.binds
    }
}

/// The page query: conversations with their unread flag, in sort order,
/// after the keyset, `fetch` rows at most.
pub(super) fn list(
    filter: &ConversationFilter,
    backend: Backend,
    after: Option<&Keyset>,
    fetch: u32,
) -> (String, Vec<Bind>) {
    let mut b = Builder::new(filter);
    let mut conditions = common_conditions(&mut b, filter, backend);
    conditions.extend(lane_conditions(&mut b, filter));
    if let Some(after) = after {
        conditions.push(after.condition(&mut b));
    }
    let limit = b.bind(Bind::Int(i64::from(fetch)));
    let index = super::plan::hint(filter, backend == Backend::Sqlite);
    let sql = format!(
        "SELECT {COLUMNS}, c.priority_rank, c.last_message_id, CASE WHEN {UNREAD} THEN TRUE ELSE FALSE END AS unread \
         FROM conversations c{index}{READ_JOIN} WHERE {} ORDER BY {} LIMIT {limit}",
        conditions.join(" AND "),
        order_by(filter.sort),
    );
    (sql, b.binds)
}

/// The badge query: one row of sums over everything the filter keeps
/// (ignoring view, status and assignee).
pub(super) fn counts(filter: &ConversationFilter, backend: Backend) -> (String, Vec<Bind>) {
    let mut b = Builder::new(filter);
    let conditions = common_conditions(&mut b, filter, backend);
    let read_join = if filter.unread.is_some() {
        READ_JOIN
    } else {
        ""
    };
    let open = statuses(View::Open);
    let index = super::plan::counts_hint(filter, backend == Backend::Sqlite);
    let sql = format!(
        "SELECT \
           COALESCE(SUM(CASE WHEN c.status IN ({open}) AND c.assignee_id IS NULL THEN 1 ELSE 0 END), 0) AS unassigned, \
           COALESCE(SUM(CASE WHEN c.status IN ({open}) AND c.assignee_id = $2 THEN 1 ELSE 0 END), 0) AS mine, \
           COALESCE(SUM(CASE WHEN c.status IN ({open}) AND c.assignee_id <> $2 THEN 1 ELSE 0 END), 0) AS assigned_others, \
           COALESCE(SUM(CASE WHEN c.status IN ({open}) THEN 1 ELSE 0 END), 0) AS open_count, \
           COALESCE(SUM(CASE WHEN c.status IN ({}) THEN 1 ELSE 0 END), 0) AS done_count, \
           COALESCE(SUM(CASE WHEN c.status IN ({}) THEN 1 ELSE 0 END), 0) AS snoozed_count \
         FROM conversations c{index}{read_join} WHERE {}",
        statuses(View::Done),
        statuses(View::Snoozed),
        conditions.join(" AND "),
    );
    (sql, b.binds)
}

/// The sidebar query for `n` inboxes: binds are the workspace, the viewer,
/// then the inbox ids.
pub(super) fn inbox_counts(n: usize) -> String {
    format!(
        "SELECT c.inbox_id, \
           COALESCE(SUM(CASE WHEN c.assignee_id IS NULL THEN 1 ELSE 0 END), 0) AS unassigned, \
           COALESCE(SUM(CASE WHEN c.assignee_id = $2 THEN 1 ELSE 0 END), 0) AS mine, \
           COUNT(*) AS open_count, \
           COALESCE(SUM(CASE WHEN (c.assignee_id IS NULL OR c.assignee_id = $2) AND {UNREAD} \
             THEN 1 ELSE 0 END), 0) AS unread \
         FROM conversations c{READ_JOIN} \
         WHERE c.workspace_id = $1 AND c.status IN ({}) AND c.inbox_id IN ({}) \
         GROUP BY c.inbox_id",
        statuses(View::Open),
        placeholders(3, n),
    )
}

/// The view's statuses as SQL literals. They come from the domain's fixed
/// words, never from input, so they are written inline (which also lets the
/// planner match them against the queue index).
pub(super) fn statuses(view: View) -> String {
    view.statuses()
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every filter but view, status and assignee.
fn common_conditions(
    b: &mut Builder,
    filter: &ConversationFilter,
    backend: Backend,
) -> Vec<String> {
    let visible = Visible::bind(b, filter);
    let mut conditions = visible.on("c");
    if let Some(priority) = filter.priority {
        conditions.push(format!("c.priority = {}", b.text(priority.as_str())));
    }
    if let Some(tag) = &filter.tag {
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag = {})",
            b.text(tag.as_str())
        ));
    }
    match filter.unread {
        Some(true) => conditions.push(UNREAD.to_string()),
        Some(false) => conditions.push(format!("NOT {UNREAD}")),
        None => {}
    }
    if let Some(owner) = &filter.contact_owner {
        // The contact's owner as copied onto the conversation (migration
        // 0023): the owner's conversations in activity order are one walk
        // of `conversations_contact_owner_by_activity`.
        conditions.push(format!("c.contact_owner_id = {}", b.text(owner.as_str())));
    }
    if let Some(contact) = &filter.contact {
        conditions.push(format!("c.contact_id = {}", b.text(contact.as_str())));
    }
    if let Some(sla) = &filter.sla {
        conditions.push(super::sla::condition(b, sla));
    }
    if let Some(q) = search_text(filter) {
        conditions.push(search::condition(b, &q, backend, &visible.on("sc")));
    }
    conditions
}

/// The workspace, the inboxes the viewer may see and the one inbox asked
/// for, bound once and written on any alias of `conversations` (the
/// search's subqueries stay within them too).
pub(super) struct Visible {
    scope: Option<Vec<String>>,
    inbox: Option<String>,
}

impl Visible {
    /// Binds the scope's and the inbox's ids.
    pub(super) fn bind(b: &mut Builder, filter: &ConversationFilter) -> Self {
        Self {
            scope: match &filter.scope {
                InboxScope::Only(ids) => Some(ids.iter().map(|id| b.text(id.as_str())).collect()),
                InboxScope::All => None,
            },
            inbox: filter.inbox.as_ref().map(|inbox| b.text(inbox.as_str())),
        }
    }

    /// The conditions, on the conversations aliased `alias`.
    pub(super) fn on(&self, alias: &str) -> Vec<String> {
        let mut conditions = vec![format!("{alias}.workspace_id = $1")];
        match &self.scope {
            // An empty scope is answered before any SQL; `IN ()` is not valid SQL.
            Some(list) if list.is_empty() => conditions.push("1 = 0".to_string()),
            Some(list) => conditions.push(format!("{alias}.inbox_id IN ({})", list.join(", "))),
            None => {}
        }
        if let Some(inbox) = &self.inbox {
            conditions.push(format!("{alias}.inbox_id = {inbox}"));
        }
        conditions
    }
}

/// View, status and assignee: what the badges split by.
fn lane_conditions(b: &mut Builder, filter: &ConversationFilter) -> Vec<String> {
    let mut conditions = Vec::new();
    if filter.view != View::All {
        conditions.push(format!("c.status IN ({})", statuses(filter.view)));
    }
    if let Some(status) = filter.status {
        conditions.push(format!("c.status = {}", b.text(status.as_str())));
    }
    match &filter.assignee {
        Some(AssigneeFilter::Me) => conditions.push("c.assignee_id = $2".to_string()),
        Some(AssigneeFilter::Nobody) => conditions.push("c.assignee_id IS NULL".to_string()),
        Some(AssigneeFilter::Others) => conditions.push("c.assignee_id <> $2".to_string()),
        Some(AssigneeFilter::User(user)) => {
            conditions.push(format!("c.assignee_id = {}", b.text(user.as_str())));
        }
        None => {}
    }
    conditions
}

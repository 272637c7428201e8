//! The middle pane: the queue with its tabs, segments, filters and rows;
//! the left pane (the inboxes with their badges) is [`sidebar`].

use std::collections::HashMap;

use askama::Template;
use domain::text::Word;
use domain::{InboxId, UserId, Zone};
use store::queue::QueueCounts;

use crate::http::error::ApiError;
use crate::services::access::Principal;
use crate::services::accounts::members as people;
use crate::services::conversations;
use crate::services::inboxes;
use crate::services::state::AppState;

mod params;
mod row;
mod sidebar;

use domain::highlight;
pub use domain::highlight::Part;
pub use params::QueueParams;
pub use row::Row;
use row::{row, RowContext};
pub use sidebar::{sidebar, InboxLink, Sidebar, SidebarPartial};

/// Makes a queue link with some parameters changed.
type Link<'a> = dyn Fn(&[(&str, &str)]) -> String + 'a;

/// How many rows the queue shows.
const QUEUE_LENGTH: u32 = 100;

/// A tab or segment link with its count.
#[derive(Debug, Clone)]
pub struct Tab {
    /// What it says.
    pub label: &'static str,
    /// Its count, when known.
    pub count: Option<i64>,
    /// Where it goes.
    pub href: String,
    /// Whether it is the current one.
    pub active: bool,
}

/// The middle pane, also served alone as a partial.
#[derive(Debug, Clone)]
pub struct QueuePane {
    /// Open / Done / Snoozed.
    pub tabs: Vec<Tab>,
    /// Unassigned / Mine / Others / All.
    pub segments: Vec<Tab>,
    /// The rows.
    pub rows: Vec<Row>,
    /// The current filters, for the filter form.
    pub params: QueueParams,
    /// The heading (inbox name or "All inboxes").
    pub title: String,
    /// Whether any filter narrows the list.
    pub filtered: bool,
    /// Where "clear filters" goes.
    pub clear_href: String,
    /// Whom ticked rows may be assigned to: (id, name); empty for agents,
    /// who assign to themselves.
    pub assignees: Vec<(String, String)>,
    /// The orders the queue can be read in: (word, label, chosen).
    pub sorts: Vec<(&'static str, &'static str, bool)>,
    /// The SLA filters: (word, label, chosen); the first, empty, is none.
    pub slas: Vec<(&'static str, &'static str, bool)>,
    /// The server's time when the pane was made (milliseconds): the row
    /// colours' script counts from it, not from the browser's clock.
    pub now_ms: i64,
    /// The shortest "due soon" window in seconds, as the server counts it.
    pub soon_min_secs: i64,
    /// The next page of rows: its cursor (the script fetches the rows) and
    /// its address (a plain link without the script).
    pub next: Option<(String, String)>,
}

/// `GET /w/{ws}/queue`: the middle pane alone, for live refreshes.
#[derive(Debug, Template)]
#[template(path = "app/queue_partial.html")]
pub struct QueuePartial {
    /// The pane.
    pub queue: QueuePane,
    /// The workspace id.
    pub ws: String,
}

/// Loads the middle pane; `open` is the conversation shown on the right.
pub async fn queue(
    state: &AppState,
    who: &Principal,
    params: QueueParams,
    title: String,
    open: Option<&str>,
    zone: Zone,
) -> Result<QueuePane, ApiError> {
    queue_of_length(state, who, params, title, open, zone, QUEUE_LENGTH).await
}

/// [`queue`] with `length` rows (a live refresh asks for as many as the
/// page has loaded, so nobody's place in a long queue is lost).
pub async fn queue_of_length(
    state: &AppState,
    who: &Principal,
    params: QueueParams,
    title: String,
    open: Option<&str>,
    zone: Zone,
    length: u32,
) -> Result<QueuePane, ApiError> {
    let ws = who.workspace_id.to_string();
    let now = state.clock.now();
    let query = params.to_query();
    let counts = conversations::counts(state, who, query.clone()).await?;
    let after = params.after.as_deref().filter(|a| !a.is_empty());
    let page = match conversations::list(state, who, query.clone(), length, after)
        .await
        .map_err(ApiError::from)
    {
        // A stale or hand-edited cursor: the first page, not an error page.
        Err(error) if after.is_some() && error.status().is_client_error() => {
            conversations::list(state, who, query, length, None).await?
        }
        page => page?,
    };
    let words = params.search().map(highlight::words).unwrap_or_default();
    let suffix = params.query(&[]);
    let everyone = people::list(state, who).await?;
    // Admins may assign ticked rows to anyone (each inbox's rules still
    // apply, one conversation at a time).
    let mut assignees: Vec<(String, String)> = if who.role.is_admin() {
        everyone
            .iter()
            .map(|(user, _)| (user.id.to_string(), user.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    assignees.sort_by_key(|(_, name)| name.to_lowercase());
    let names: HashMap<UserId, String> = everyone
        .into_iter()
        .map(|(user, _)| (user.id, user.name))
        .collect();
    // Rows name their inbox only where the list mixes inboxes.
    let inbox_names: HashMap<InboxId, String> = if params.inbox.is_none() {
        inboxes::list(state, who)
            .await?
            .into_iter()
            .map(|s| {
                let inbox = s.view.inbox;
                (inbox.id, format!("{} {}", inbox.emoji, inbox.name))
            })
            .collect()
    } else {
        HashMap::new()
    };
    let context = RowContext {
        who,
        names: &names,
        inbox_names: &inbox_names,
        ws: &ws,
        suffix: &suffix,
        open,
        now,
        zone,
    };
    let rows = page
        .items
        .iter()
        .map(|item| {
            let mut row = row(item, &context);
            if let Some(hit) = &item.found {
                row.preview = hit.clone();
                row.preview_author = None;
            }
            row.name_parts = highlight::parts(&row.name, &words, 80);
            row.preview_parts = highlight::parts(&row.preview, &words, 140);
            row
        })
        .collect();
    let link = |changes: &[(&str, &str)]| format!("/w/{ws}{}", params.query(changes));
    let next = page.next_cursor.as_ref().map(|cursor| {
        let href = link(&[]);
        let sep = if href.contains('?') { '&' } else { '?' };
        let encoded: String = url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
        (cursor.clone(), format!("{href}{sep}after={encoded}"))
    });
    let sort = params.sort_word();
    let sorts = [
        ("last_activity", "Last activity"),
        ("waiting", "Waiting longest"),
        ("priority", "Priority"),
        ("due", "Due soonest"),
    ]
    .into_iter()
    .map(|(word, label)| (word, label, word == sort))
    .collect();
    let sla = params.sla().map_or("", |s| s.as_str());
    let slas = [
        ("", "Any due time"),
        ("at_risk", "Breaching soon"),
        ("soon", "Due soon"),
        ("breached", "Overdue"),
    ]
    .into_iter()
    .map(|(word, label)| (word, label, word == sla))
    .collect();
    Ok(QueuePane {
        assignees,
        sorts,
        slas,
        now_ms: now.timestamp_millis(),
        soon_min_secs: domain::sla::SOON_MIN_SECS,
        next,
        tabs: tabs(&params, &counts, &link),
        segments: segments(&params, &counts, &link),
        rows,
        filtered: params.unread.is_some()
            || params.priority.is_some()
            || params.tag.is_some()
            || params.owner.is_some()
            || params.search().is_some()
            || params.sla().is_some(),
        clear_href: link(&[
            ("unread", ""),
            ("priority", ""),
            ("tag", ""),
            ("owner", ""),
            ("q", ""),
            ("sla", ""),
        ]),
        params,
        title,
    })
}

fn tabs(params: &QueueParams, c: &QueueCounts, link: &Link) -> Vec<Tab> {
    [
        ("open", "Open", c.open),
        ("done", "Done", c.done),
        ("snoozed", "Snoozed", c.snoozed),
    ]
    .into_iter()
    .map(|(key, label, count)| Tab {
        label,
        count: Some(count),
        href: link(&[("view", key)]),
        active: params.view() == key,
    })
    .collect()
}

fn segments(params: &QueueParams, c: &QueueCounts, link: &Link) -> Vec<Tab> {
    // The counts are the Open view's: shown only there, where they are true.
    let open = params.view() == "open";
    [
        ("unassigned", "Unassigned", c.unassigned),
        ("mine", "Mine", c.mine),
        ("others", "Others", c.assigned_others),
        ("all", "All", c.open),
    ]
    .into_iter()
    .map(|(key, label, count)| Tab {
        label,
        count: open.then_some(count),
        href: link(&[("seg", key)]),
        active: params.seg() == key,
    })
    .collect()
}

//! The middle pane: the queue with its tabs, segments, filters and rows;
//! the left pane (the inboxes with their badges) is [`sidebar`].

use std::collections::HashMap;

use askama::Template;
use domain::text::Word;
use domain::{InboxId, Priority, Status, Tag, UserId, View, Zone};
use serde::Deserialize;
use store::queue::{AssigneeFilter, QueueCounts, QueueItem, Sort};

use crate::http::error::ApiError;
use crate::http::ui::format::{ago, full_time, initials, status_label};
use crate::http::ui::simulator::display_number;
use crate::services::access::Principal;
use crate::services::accounts::members as people;
use crate::services::conversations::{self, ContactOwner, QueueQuery};
use crate::services::inboxes;
use crate::services::state::AppState;

mod highlight;
mod sidebar;
pub use highlight::Part;
pub use sidebar::{sidebar, InboxLink, Sidebar, SidebarPartial};

/// Makes a queue link with some parameters changed.
type Link<'a> = dyn Fn(&[(&str, &str)]) -> String + 'a;

/// How many rows the queue shows.
const QUEUE_LENGTH: u32 = 100;

/// The queue's state in the address bar: which inbox, tab, segment and filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueueParams {
    /// An inbox id, or every inbox.
    pub inbox: Option<String>,
    /// `open` (default), `done` or `snoozed`.
    pub view: Option<String>,
    /// `all` (default), `unassigned`, `mine` or `others`.
    pub seg: Option<String>,
    /// `unread` or `read`.
    pub unread: Option<String>,
    /// A priority word.
    pub priority: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// `me`: only contacts I own.
    pub owner: Option<String>,
    /// Words to search for in messages and contacts.
    pub q: Option<String>,
    /// `last_activity` (default), `waiting` or `priority`.
    pub sort: Option<String>,
    /// Where this page of rows starts: the store's cursor of the previous
    /// page. Not kept by links (a page of rows is not a place to go back to).
    pub after: Option<String>,
}

impl QueueParams {
    fn get<'a>(value: &'a Option<String>, default: &'a str) -> &'a str {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .unwrap_or(default)
    }

    /// The tab.
    pub fn view(&self) -> &str {
        Self::get(&self.view, "open")
    }

    /// The segment.
    pub fn seg(&self) -> &str {
        Self::get(&self.seg, "all")
    }

    /// The query string (`?inbox=…&view=…`), with `changes` applied.
    pub fn query(&self, changes: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("inbox", &self.inbox),
            ("view", &self.view),
            ("seg", &self.seg),
            ("unread", &self.unread),
            ("priority", &self.priority),
            ("tag", &self.tag),
            ("owner", &self.owner),
            ("q", &self.q),
            ("sort", &self.sort),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
        for (key, value) in changes {
            pairs.retain(|(k, _)| k != key);
            if !value.is_empty() {
                pairs.push((key, value.to_string()));
            }
        }
        if pairs.is_empty() {
            return String::new();
        }
        // The pairs start after the `?`, so the first gets no `&` before it.
        let mut out = url::form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
        for (k, v) in pairs {
            out.append_pair(k, &v);
        }
        out.finish()
    }

    /// The search, when there is one.
    pub fn search(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    /// As the queue service takes it; unknown words are ignored, not errors,
    /// since they come from a hand-edited address at worst.
    fn to_query(&self) -> QueueQuery {
        QueueQuery {
            inbox: self.inbox.as_deref().and_then(|i| InboxId::parse(i).ok()),
            view: View::parse(self.view()).unwrap_or(View::Open),
            assignee: match self.seg() {
                "unassigned" => Some(AssigneeFilter::Nobody),
                "mine" => Some(AssigneeFilter::Me),
                "others" => Some(AssigneeFilter::Others),
                _ => None,
            },
            priority: self
                .priority
                .as_deref()
                .and_then(|p| Priority::parse(p).ok()),
            tag: self.tag.as_deref().and_then(|t| Tag::parse(t).ok()),
            unread: match self.unread.as_deref() {
                Some("unread") => Some(true),
                Some("read") => Some(false),
                _ => None,
            },
            contact_owner: (self.owner.as_deref() == Some("me")).then_some(ContactOwner::Me),
            q: self.search().map(str::to_string),
            sort: Sort::parse(Self::get(&self.sort, "last_activity")).unwrap_or(Sort::LastActivity),
            ..QueueQuery::default()
        }
    }
}

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

/// One conversation in the queue.
#[derive(Debug, Clone)]
pub struct Row {
    /// The conversation's id.
    pub id: String,
    /// Where clicking goes.
    pub href: String,
    /// The contact's name, or their number.
    pub name: String,
    /// Their initials.
    pub initials: String,
    /// The last message, on one line.
    pub preview: String,
    /// Who wrote the preview, when it is a reply: "You" for mine, else
    /// the author's first name.
    pub preview_author: Option<String>,
    /// Age of the last activity.
    pub time: String,
    /// `unassigned-new` (blue badge), `mine` (green flag), `mine-new`
    /// (green badge), `others` (grey flag) or empty.
    pub marker: &'static str,
    /// What the marker means, for screen readers and tooltips.
    pub marker_label: &'static str,
    /// New activity for me.
    pub unread: bool,
    /// Whether it is the open one.
    pub active: bool,
    /// `high`, `urgent`… or empty for none.
    pub priority: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its status word (`pending`), for styling; empty for plain Open.
    pub status: &'static str,
    /// Its status for people (`On hold`, `Snoozed until Mar 4, 09:00 WET`).
    pub status_label: String,
    /// Who owns it: "You", a teammate's name, or empty when unassigned.
    pub assignee: String,
    /// Its inbox (`🛠 Support`), in the All inboxes view only.
    pub inbox: String,
    /// The name, with search hits marked.
    pub name_parts: Vec<Part>,
    /// The preview (the message the search found, when searching), with
    /// search hits marked.
    pub preview_parts: Vec<Part>,
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
    let search = params.search().map(str::to_string);
    let hits = match &search {
        Some(q) => conversations::search_hits(state, who, &page.items, q).await?,
        None => HashMap::new(),
    };
    let words = search.as_deref().map(highlight::words).unwrap_or_default();
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
            if let Some(hit) = hits.get(&item.conversation.id) {
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
    let sort = params.sort.as_deref().unwrap_or("last_activity");
    let sorts = [
        ("last_activity", "Last activity"),
        ("waiting", "Waiting longest"),
        ("priority", "Priority"),
    ]
    .into_iter()
    .map(|(word, label)| (word, label, word == sort))
    .collect();
    Ok(QueuePane {
        assignees,
        sorts,
        next,
        tabs: tabs(&params, &counts, &link),
        segments: segments(&params, &counts, &link),
        rows,
        filtered: params.unread.is_some()
            || params.priority.is_some()
            || params.tag.is_some()
            || params.owner.is_some()
            || params.search().is_some(),
        clear_href: link(&[
            ("unread", ""),
            ("priority", ""),
            ("tag", ""),
            ("owner", ""),
            ("q", ""),
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

/// What every row of one queue needs besides its conversation.
struct RowContext<'a> {
    who: &'a Principal,
    names: &'a HashMap<UserId, String>,
    inbox_names: &'a HashMap<InboxId, String>,
    ws: &'a str,
    suffix: &'a str,
    open: Option<&'a str>,
    now: domain::Timestamp,
    zone: Zone,
}

fn row(item: &QueueItem, cx: &RowContext<'_>) -> Row {
    let RowContext {
        who,
        names,
        ws,
        suffix,
        open,
        now,
        ..
    } = *cx;
    let c = &item.conversation;
    let id = c.id.to_string();
    let number = item
        .contact
        .phone
        .as_ref()
        .map(|p| display_number(p.as_str()))
        .unwrap_or_default();
    let name = if item.contact.name.trim().is_empty() {
        number
    } else {
        item.contact.name.clone()
    };
    let (marker, marker_label) = match (&c.assignee_id, item.unread) {
        (None, true) => ("unassigned-new", "New activity, unassigned"),
        (None, false) => ("", ""),
        (Some(a), true) if *a == who.user.id => ("mine-new", "Yours, new activity"),
        (Some(a), false) if *a == who.user.id => ("mine", "Assigned to you"),
        (Some(_), _) => ("others", "Assigned to someone else"),
    };
    let (preview, preview_author) = match &item.last_message {
        Some(m) => (
            m.body.as_str().to_string(),
            (m.kind == domain::MessageKind::Outbound).then(|| author(m, who, names)),
        ),
        None => (String::new(), None),
    };
    Row {
        href: format!("/w/{ws}/c/{id}{suffix}"),
        active: open == Some(id.as_str()),
        id,
        initials: initials(&name),
        name,
        preview,
        preview_author,
        time: ago(c.last_activity_at, now, cx.zone),
        marker,
        marker_label,
        unread: item.unread,
        priority: match c.priority {
            Priority::None | Priority::Normal => String::new(),
            p => p.as_str().to_string(),
        },
        tags: c.tags.iter().map(|t| t.as_str().to_string()).collect(),
        status: if c.status == Status::Open {
            ""
        } else {
            c.status.as_str()
        },
        status_label: match (c.status, c.snoozed_until) {
            (Status::Snoozed, Some(until)) => {
                format!("Snoozed until {}", full_time(until, cx.zone))
            }
            (status, _) => status_label(status).to_string(),
        },
        assignee: match &c.assignee_id {
            Some(id) if *id == who.user.id => "You".into(),
            Some(id) => names
                .get(id)
                .cloned()
                .unwrap_or_else(|| "A former member".into()),
            None => String::new(),
        },
        inbox: cx.inbox_names.get(&c.inbox_id).cloned().unwrap_or_default(),
        name_parts: Vec::new(),
        preview_parts: Vec::new(),
    }
}

/// Who wrote reply `m`, as the queue's preview names them: "You" for mine,
/// else the author's first name ("Someone" for a former member).
fn author(m: &domain::Message, who: &Principal, names: &HashMap<UserId, String>) -> String {
    match &m.author_id {
        Some(id) if *id == who.user.id => "You".into(),
        Some(id) => names
            .get(id)
            .and_then(|name| name.split_whitespace().next())
            .map_or_else(|| "Someone".into(), str::to_string),
        None => "Someone".into(),
    }
}

//! One conversation's row in the queue: its contact, the last message (or
//! the one a search found), its markers, status, owner and inbox.

use std::collections::HashMap;

use domain::text::Word;
use domain::{InboxId, Priority, Status, UserId, Zone};
use store::queue::QueueItem;

use crate::http::ui::format::{ago, full_time, initials, status_label};
use crate::http::ui::simulator::display_number;
use crate::services::access::Principal;
use domain::highlight::Part;

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
    /// Its SLA state for styling: `ok`, `soon` (amber), `breached` (red),
    /// or empty when nothing is due.
    pub sla: &'static str,
    /// The due time for people (`Due Mar 4, 09:00 WET`).
    pub sla_label: String,
    /// What the label says once the due time passes (`Overdue since …`),
    /// for the script that turns the row red while the page is open.
    pub sla_overdue_label: String,
    /// The due time in milliseconds since the epoch (0 when nothing is due).
    pub sla_due_ms: i64,
    /// The target that set it, in seconds: the "soon" window is a quarter
    /// of it, or half an hour.
    pub sla_target_secs: i64,
}

/// What every row of one queue needs besides its conversation.
pub(super) struct RowContext<'a> {
    pub(super) who: &'a Principal,
    pub(super) names: &'a HashMap<UserId, String>,
    pub(super) inbox_names: &'a HashMap<InboxId, String>,
    pub(super) ws: &'a str,
    pub(super) suffix: &'a str,
    pub(super) open: Option<&'a str>,
    pub(super) now: domain::Timestamp,
    pub(super) zone: Zone,
}

pub(super) fn row(item: &QueueItem, cx: &RowContext<'_>) -> Row {
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
            preview_text(m),
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
        sla: c.sla.map_or("", |s| s.state(now).as_str()),
        sla_label: c.sla.map_or_else(String::new, |s| {
            let when = full_time(s.due_at, cx.zone);
            match s.state(now) {
                domain::SlaState::Breached => format!("Overdue since {when}"),
                _ => format!("Due {when}"),
            }
        }),
        sla_overdue_label: c.sla.map_or_else(String::new, |s| {
            format!("Overdue since {}", full_time(s.due_at, cx.zone))
        }),
        sla_due_ms: c.sla.map_or(0, |s| s.due_at.timestamp_millis()),
        sla_target_secs: c.sla.map_or(0, |s| s.target_secs),
    }
}

/// A message on one line: its text, or its files when it has none (an
/// MMS with only a picture).
fn preview_text(m: &domain::Message) -> String {
    match m.attachments.len() {
        n if n == 0 || !m.body.as_str().trim().is_empty() => m.body.as_str().to_string(),
        1 => "📎 Attachment".to_string(),
        n => format!("📎 {n} attachments"),
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

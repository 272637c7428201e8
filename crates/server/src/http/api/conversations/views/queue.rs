//! The JSON shapes of the queue: its rows, pages and badges.

use chrono::{DateTime, Utc};
use serde::Serialize;
use store::queue::{QueueCounts, QueueItem};
use utoipa::ToSchema;

use super::{ConversationView, MessageView};
use crate::http::api::contacts::ContactView;
use crate::http::api::words::{PriorityWord, StatusWord};

/// One row of the queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueItemView {
    /// The conversation's id.
    pub id: String,
    /// Its inbox.
    pub inbox_id: String,
    /// The customer.
    pub contact: ContactView,
    /// Its status.
    #[schema(value_type = StatusWord, example = "open")]
    pub status: String,
    /// Its priority.
    #[schema(value_type = PriorityWord, example = "none")]
    pub priority: String,
    /// Who owns it; `null` when unassigned.
    pub assignee_id: Option<String>,
    /// Its subject.
    pub subject: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// Whether the customer wrote since the caller (or the team) last read it.
    pub unread: bool,
    /// The latest message, reply or note.
    pub last_message: Option<MessageView>,
    /// When anything last happened in it.
    pub last_activity_at: DateTime<Utc>,
    /// Its version.
    pub version: i64,
    /// Its next SLA due time; `null` when nothing is due.
    pub sla_due_at: Option<DateTime<Utc>>,
    /// `ok`, `soon` or `breached`; `null` when nothing is due.
    #[schema(example = "soon")]
    pub sla_state: Option<String>,
    /// With `q=`: the newest message that matched, as HTML — the text
    /// escaped, cut to about 160 characters around the first hit, each word
    /// that matched inside `<mark>`. `null` when only the contact matched,
    /// or without `q`.
    #[schema(example = "My &lt;b&gt;Rinnai&lt;/b&gt; heater <mark>leaks</mark>")]
    pub snippet: Option<String>,
}

impl QueueItemView {
    /// The row at `now`; with `words` (a search's), the snippet of the
    /// message it matched by.
    pub fn at(item: &QueueItem, now: DateTime<Utc>, words: &[String]) -> Self {
        let c = ConversationView::at(&item.conversation, now);
        Self {
            id: c.id,
            inbox_id: c.inbox_id,
            contact: ContactView::from(&item.contact),
            status: c.status,
            priority: c.priority,
            assignee_id: c.assignee_id,
            subject: c.subject,
            tags: c.tags,
            unread: item.unread,
            last_message: item.last_message.as_ref().map(MessageView::from),
            last_activity_at: c.last_activity_at,
            version: c.version,
            sla_due_at: c.sla_due_at,
            sla_state: c.sla_state,
            snippet: item
                .found
                .as_deref()
                .map(|body| domain::highlight::snippet(body, words, SNIPPET_LENGTH)),
        }
    }
}

/// How many characters of a matched message a snippet shows.
const SNIPPET_LENGTH: usize = 160;

/// A page of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    /// The conversations, in the asked order.
    pub items: Vec<QueueItemView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The queue badges.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsView {
    /// Open view, nobody assigned.
    pub unassigned: i64,
    /// Open view, assigned to the caller.
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

impl From<QueueCounts> for CountsView {
    fn from(c: QueueCounts) -> Self {
        Self {
            unassigned: c.unassigned,
            mine: c.mine,
            assigned_others: c.assigned_others,
            open: c.open,
            done: c.done,
            snoozed: c.snoozed,
        }
    }
}

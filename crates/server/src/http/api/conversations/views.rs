//! The JSON shapes of conversations, messages, links and locks.

use chrono::{DateTime, Utc};
use domain::{Attachment, Conversation, Link, Message};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::api::contacts::ContactView;
use crate::http::api::events::EventView;
use crate::http::api::inboxes::InboxRef;
use crate::http::api::words::{
    DeliveryStatusWord, LinkKindWord, MessageKindWord, PriorityWord, StatusWord,
};
use crate::services::conversations::{Detail, LockHolder, Viewer};

mod queue;
pub use queue::{CountsView, QueueItemView, QueuePage};

/// A conversation's own fields, as every action answers them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationView {
    /// Its id.
    pub id: String,
    /// The inbox it is queued in.
    pub inbox_id: String,
    /// The channel (number) replies go out on.
    pub channel_id: Option<String>,
    /// The customer.
    pub contact_id: String,
    /// `new`, `open`, `pending`, `on_hold`, `snoozed`, `resolved` or `closed`.
    #[schema(value_type = StatusWord, example = "open")]
    pub status: String,
    /// `none`, `low`, `normal`, `high` or `urgent`.
    #[schema(value_type = PriorityWord, example = "normal")]
    pub priority: String,
    /// Who owns it; `null` in the Unassigned queue.
    pub assignee_id: Option<String>,
    /// Its subject, if someone gave it one.
    pub subject: Option<String>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Until when it is snoozed.
    pub snoozed_until: Option<DateTime<Utc>>,
    /// The closed conversation this one continues.
    pub previous_id: Option<String>,
    /// Send it back as `expected_version` with a reply: a reply written
    /// before the customer's latest message is refused as stale.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When anything last happened in it.
    pub last_activity_at: DateTime<Utc>,
    /// When the customer last wrote.
    pub last_inbound_at: Option<DateTime<Utc>>,
    /// When it was last resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Its next SLA due time (a reply or the resolution); `null` when nothing is due.
    pub sla_due_at: Option<DateTime<Utc>>,
    /// `ok`, `soon` (a quarter of the target or 30 minutes left) or
    /// `breached`; `null` when nothing is due.
    #[schema(example = "ok")]
    pub sla_state: Option<String>,
}

impl ConversationView {
    /// The view at `now` (the SLA state depends on the time).
    pub fn at(c: &Conversation, now: DateTime<Utc>) -> Self {
        use domain::text::Word;
        Self {
            id: c.id.to_string(),
            inbox_id: c.inbox_id.to_string(),
            channel_id: c.channel_id.as_ref().map(ToString::to_string),
            contact_id: c.contact_id.to_string(),
            status: c.status.as_str().to_string(),
            priority: c.priority.as_str().to_string(),
            assignee_id: c.assignee_id.as_ref().map(ToString::to_string),
            subject: c.subject.clone(),
            tags: c.tags.iter().map(|t| t.as_str().to_string()).collect(),
            snoozed_until: c.snoozed_until,
            previous_id: c.previous_id.as_ref().map(ToString::to_string),
            version: c.version,
            created_at: c.created_at,
            last_activity_at: c.last_activity_at,
            last_inbound_at: c.last_inbound_at,
            resolved_at: c.resolved_at,
            sla_due_at: c.sla.map(|s| s.due_at),
            sla_state: c.sla.map(|s| s.state(now).as_str().to_string()),
        }
    }
}

/// A message, a reply or a note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageView {
    /// Its id (also its permalink: `GET /messages/{id}`).
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// `inbound` (from the customer), `outbound` (a reply) or `note` (internal).
    #[schema(value_type = MessageKindWord, example = "outbound")]
    pub kind: String,
    /// Who wrote a reply or note.
    pub author_id: Option<String>,
    /// The text.
    pub body: String,
    /// Media (MMS) and files.
    pub attachments: Vec<AttachmentView>,
    /// For a reply: `queued`, `sending`, `sent`, `delivered`, `undelivered`, `failed` or `read`;
    /// `scheduled` for a reply waiting for its `send_at`, `cancelled` for one cancelled before it went.
    #[schema(value_type = Option<DeliveryStatusWord>)]
    pub delivery_status: Option<String>,
    /// The provider's error code when delivery failed.
    pub error_code: Option<String>,
    /// The provider's error message when delivery failed.
    pub error_message: Option<String>,
    /// When it was written or received.
    pub created_at: DateTime<Utc>,
    /// Sent by Switchboard itself (an out-of-office reply), not by a person.
    pub automatic: bool,
    /// For a scheduled reply: when it is (or was) due to go.
    pub send_at: Option<DateTime<Utc>>,
}

impl From<&Message> for MessageView {
    fn from(m: &Message) -> Self {
        use domain::text::Word;
        Self {
            id: m.id.to_string(),
            conversation_id: m.conversation_id.to_string(),
            kind: m.kind.as_str().to_string(),
            author_id: m.author_id.as_ref().map(ToString::to_string),
            body: m.body.as_str().to_string(),
            attachments: m.attachments.iter().map(AttachmentView::from).collect(),
            delivery_status: m.delivery.map(|d| d.as_str().to_string()),
            error_code: m.error_code.clone(),
            error_message: m.error_message.clone(),
            created_at: m.created_at,
            automatic: m.automatic,
            send_at: m.send_at,
        }
    }
}

/// A media item or file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    /// Where it is.
    pub url: String,
    /// Its MIME type.
    pub content_type: String,
}

impl From<&Attachment> for AttachmentView {
    fn from(a: &Attachment) -> Self {
        Self {
            url: a.url.clone(),
            content_type: a.content_type.clone(),
        }
    }
}

/// A link to a record in another system.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkView {
    /// Its id.
    pub id: String,
    /// `contact`, `account`, `ticket`, `deal` or `other`.
    #[schema(value_type = LinkKindWord, example = "ticket")]
    pub kind: String,
    /// The record's id in the other system.
    pub external_id: String,
    /// Where to open it.
    pub url: String,
    /// What to show.
    pub title: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

impl From<&Link> for LinkView {
    fn from(l: &Link) -> Self {
        use domain::text::Word;
        Self {
            id: l.id.to_string(),
            kind: l.kind.as_str().to_string(),
            external_id: l.external_id.clone(),
            url: l.url.clone(),
            title: l.title.clone(),
            created_at: l.created_at,
        }
    }
}

/// A person, by id and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserRef {
    /// Their id.
    pub id: String,
    /// Their name.
    pub name: String,
}

impl From<&Viewer> for UserRef {
    fn from(v: &Viewer) -> Self {
        Self {
            id: v.id.to_string(),
            name: v.name.clone(),
        }
    }
}

/// A live reply lock: who is replying, until when unless renewed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LockView {
    /// Who holds it.
    pub holder: UserRef,
    /// When the lease ends unless renewed.
    pub expires_at: DateTime<Utc>,
}

impl From<&LockHolder> for LockView {
    fn from(l: &LockHolder) -> Self {
        Self {
            holder: UserRef {
                id: l.id.to_string(),
                name: l.name.clone(),
            },
            expires_at: l.expires_at,
        }
    }
}

/// A conversation with what its page shows beside it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DetailView {
    /// The conversation's own fields.
    #[serde(flatten)]
    pub conversation: ConversationView,
    /// Its inbox.
    pub inbox: InboxRef,
    /// The customer.
    pub contact: ContactView,
    /// Links to other systems, oldest first.
    pub links: Vec<LinkView>,
    /// Who is replying, while their lease is live.
    pub lock: Option<LockView>,
    /// Who has it open now (the caller included).
    pub viewers: Vec<UserRef>,
    /// Whether the customer wrote since the caller (or the team) last read it.
    pub unread: bool,
}

impl DetailView {
    /// The view at `now`.
    pub fn at(d: &Detail, now: DateTime<Utc>) -> Self {
        Self {
            conversation: ConversationView::at(&d.conversation, now),
            inbox: InboxRef::from(&d.inbox),
            contact: ContactView::from(&d.contact),
            links: d.links.iter().map(LinkView::from).collect(),
            lock: d.lock.as_ref().map(LockView::from),
            viewers: d.viewers.iter().map(UserRef::from).collect(),
            unread: d.unread,
        }
    }
}

/// One line of a timeline: an event, with its message for `message` events.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineItemView {
    /// The event.
    #[serde(flatten)]
    pub event: EventView,
    /// The message a `message` event added.
    pub message: Option<MessageView>,
}

/// A page of a timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinePage {
    /// Oldest first.
    pub items: Vec<TimelineItemView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A reply or note just written, and the conversation after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostedView {
    /// The message.
    pub message: MessageView,
    /// The conversation (its new `version`).
    pub conversation: ConversationView,
}

/// A composed conversation with the message that started (or continued) it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComposedView {
    /// The conversation's own fields.
    #[serde(flatten)]
    pub conversation: ConversationView,
    /// The message, queued for delivery.
    pub message: MessageView,
}

/// A message by its permalink.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermalinkView {
    /// The message (with its `conversation_id`).
    #[serde(flatten)]
    pub message: MessageView,
    /// The conversation's inbox.
    pub inbox_id: String,
}

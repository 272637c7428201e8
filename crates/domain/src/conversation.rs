//! Conversations: the threads a team works, with their status, priority, tags and links.

use serde::{Deserialize, Serialize};

use crate::text::{required_text, Word};
use crate::{
    ChannelId, ContactId, ConversationId, DomainError, InboxId, LinkId, Timestamp, UserId,
    WorkspaceId,
};

/// The thread the team works on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    /// Its id.
    pub id: ConversationId,
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The inbox it is queued in.
    pub inbox_id: InboxId,
    /// The channel replies go out on.
    pub channel_id: Option<ChannelId>,
    /// The customer.
    pub contact_id: ContactId,
    /// Where it is in the lifecycle (DESIGN.md §2); changed only through [`crate::transition`].
    pub status: Status,
    /// How urgent it is.
    pub priority: Priority,
    /// Who owns it; `None` means it sits in the Unassigned queue.
    pub assignee_id: Option<UserId>,
    /// A short subject, if someone gave it one.
    pub subject: Option<String>,
    /// Until when it is hidden, when `snoozed`.
    pub snoozed_until: Option<Timestamp>,
    /// The closed conversation this one continues, if any.
    pub previous_id: Option<ConversationId>,
    /// Tags, sorted.
    pub tags: Vec<Tag>,
    /// Bumped by every change; clients send it back to detect stale replies.
    pub version: i64,
    /// The version the latest customer-visible message brought (the
    /// customer's, or a teammate's reply; never a note): a reply written
    /// against an older version has not seen that message (it is stale).
    pub inbound_version: i64,
    /// When it was created.
    pub created_at: Timestamp,
    /// When anything last happened in it (a message, a note, a status change).
    pub last_activity_at: Timestamp,
    /// When the customer last wrote; replies against an older version are stale.
    pub last_inbound_at: Option<Timestamp>,
    /// When it was last resolved; `resolved` becomes `closed` some time after.
    pub resolved_at: Option<Timestamp>,
    /// Its next SLA due time, kept by the SLA job (`None`: nothing due).
    #[serde(default)]
    pub sla: Option<crate::SlaClock>,
}

impl Conversation {
    /// A conversation just started: `new`, unassigned, version 1.
    pub fn new(
        workspace_id: WorkspaceId,
        inbox_id: InboxId,
        channel_id: Option<ChannelId>,
        contact_id: ContactId,
        now: Timestamp,
    ) -> Self {
        Self {
            id: ConversationId::generate(),
            workspace_id,
            inbox_id,
            channel_id,
            contact_id,
            status: Status::New,
            priority: Priority::None,
            assignee_id: None,
            subject: None,
            snoozed_until: None,
            previous_id: None,
            tags: Vec::new(),
            version: 1,
            inbound_version: 0,
            created_at: now,
            last_activity_at: now,
            last_inbound_at: None,
            resolved_at: None,
            sla: None,
        }
    }
}

/// The lifecycle states of DESIGN.md §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nobody has acted on it yet.
    New,
    /// Being worked.
    Open,
    /// Waiting on the customer.
    Pending,
    /// Waiting on a third party.
    OnHold,
    /// Hidden until `snoozed_until`.
    Snoozed,
    /// Done.
    Resolved,
    /// Final: a new inbound message starts a new conversation.
    Closed,
}

impl Word for Status {
    const FIELD: &'static str = "status";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::New, "new"),
        (Self::Open, "open"),
        (Self::Pending, "pending"),
        (Self::OnHold, "on_hold"),
        (Self::Snoozed, "snoozed"),
        (Self::Resolved, "resolved"),
        (Self::Closed, "closed"),
    ];
    const EXPECTED: &'static str = "new, open, pending, on_hold, snoozed, resolved, closed";
}

impl Status {
    /// The queue view this status is listed under.
    pub fn view(self) -> View {
        match self {
            Status::New | Status::Open | Status::Pending | Status::OnHold => View::Open,
            Status::Snoozed => View::Snoozed,
            Status::Resolved | Status::Closed => View::Done,
        }
    }
}

/// The three queue views (and `all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// new, open, pending, on_hold.
    Open,
    /// resolved, closed.
    Done,
    /// snoozed.
    Snoozed,
    /// Every status.
    All,
}

impl Word for View {
    const FIELD: &'static str = "view";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Open, "open"),
        (Self::Done, "done"),
        (Self::Snoozed, "snoozed"),
        (Self::All, "all"),
    ];
    const EXPECTED: &'static str = "open, done, snoozed, all";
}

impl View {
    /// The statuses listed under this view.
    pub fn statuses(self) -> &'static [Status] {
        match self {
            View::Open => &[Status::New, Status::Open, Status::Pending, Status::OnHold],
            View::Done => &[Status::Resolved, Status::Closed],
            View::Snoozed => &[Status::Snoozed],
            View::All => &[
                Status::New,
                Status::Open,
                Status::Pending,
                Status::OnHold,
                Status::Snoozed,
                Status::Resolved,
                Status::Closed,
            ],
        }
    }
}

/// How urgent a conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Not set.
    None,
    /// Low.
    Low,
    /// Normal.
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl Word for Priority {
    const FIELD: &'static str = "priority";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::None, "none"),
        (Self::Low, "low"),
        (Self::Normal, "normal"),
        (Self::High, "high"),
        (Self::Urgent, "urgent"),
    ];
    const EXPECTED: &'static str = "none, low, normal, high, urgent";
}

impl Priority {
    /// Sort rank, higher is more urgent (stored for `sort=priority`).
    pub fn rank(self) -> i64 {
        self as i64
    }
}

/// Checks a subject line.
pub fn parse_subject(raw: &str) -> Result<Option<String>, DomainError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    required_text("subject", raw, 200).map(Some)
}

/// A label on conversations: lower-case, trimmed, 1–40 characters, no commas.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

impl Tag {
    /// Parses a tag; `Billing ` becomes `billing`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let tag = required_text("tag", raw, 40)?.to_lowercase();
        if tag.contains(',') {
            return Err(DomainError::invalid("tag", "must not contain commas"));
        }
        Ok(Self(tag))
    }

    /// The most tags one conversation carries.
    pub const MAX_PER_CONVERSATION: usize = 20;

    /// Parses a list of tags, sorted and without repeats; at most
    /// [`Tag::MAX_PER_CONVERSATION`] distinct tags (`VIP` and `vip` count once).
    pub fn parse_set(raw: &[String]) -> Result<Vec<Self>, DomainError> {
        let mut tags = raw
            .iter()
            .map(|t| Self::parse(t))
            .collect::<Result<Vec<_>, _>>()?;
        tags.sort();
        tags.dedup();
        if tags.len() > Self::MAX_PER_CONVERSATION {
            return Err(DomainError::invalid(
                "tags",
                format!("at most {} tags", Self::MAX_PER_CONVERSATION),
            ));
        }
        Ok(tags)
    }

    /// Wraps a value read back from the database.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Tag {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<Tag> for String {
    fn from(value: Tag) -> Self {
        value.0
    }
}

/// A link from a conversation to a record in another system (a CRM, a ticket tracker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Its id.
    pub id: LinkId,
    /// The conversation.
    pub conversation_id: ConversationId,
    /// What kind of record it points at.
    pub kind: LinkKind,
    /// The record's id in the other system.
    pub external_id: String,
    /// Where to open it (http or https only).
    pub url: String,
    /// What to show.
    pub title: String,
    /// When it was added.
    pub created_at: Timestamp,
}

/// What a [`Link`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// A contact record.
    Contact,
    /// An account or company.
    Account,
    /// A ticket.
    Ticket,
    /// A deal or opportunity.
    Deal,
    /// Anything else.
    Other,
}

impl Word for LinkKind {
    const FIELD: &'static str = "kind";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Contact, "contact"),
        (Self::Account, "account"),
        (Self::Ticket, "ticket"),
        (Self::Deal, "deal"),
        (Self::Other, "other"),
    ];
    const EXPECTED: &'static str = "contact, account, ticket, deal, other";
}

impl Link {
    /// Checks a link's URL: http(s) only, so a `javascript:` link never reaches a page.
    pub fn parse_url(raw: &str) -> Result<String, DomainError> {
        let url = required_text("url", raw, 2000)?;
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            Ok(url)
        } else {
            Err(DomainError::invalid(
                "url",
                "must start with http:// or https://",
            ))
        }
    }
}

#[cfg(test)]
mod tests;

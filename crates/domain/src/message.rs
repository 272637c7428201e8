//! Messages: what customers wrote, what the team replied, and internal notes.

use serde::{Deserialize, Deserializer, Serialize};

use crate::text::Word;
use crate::{ConversationId, DomainError, MessageId, Timestamp, UserId};

/// One item in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Its id (also its permalink).
    pub id: MessageId,
    /// The conversation it belongs to.
    pub conversation_id: ConversationId,
    /// Inbound, outbound or note.
    pub kind: MessageKind,
    /// The user who wrote an outbound message or a note.
    pub author_id: Option<UserId>,
    /// The text; empty for an MMS that carries only media.
    #[serde(deserialize_with = "stored_body")]
    pub body: MessageBody,
    /// Media (MMS) or files.
    pub attachments: Vec<Attachment>,
    /// Delivery status of an outbound message; `None` for inbound and notes.
    pub delivery: Option<DeliveryStatus>,
    /// The provider's id (Twilio `MessageSid`); unique per channel, so retries store once.
    pub provider_id: Option<String>,
    /// The provider's error code when delivery failed (Twilio `21211`).
    pub error_code: Option<String>,
    /// The provider's error message, shown to the agent.
    pub error_message: Option<String>,
    /// When it was written or received.
    pub created_at: Timestamp,
    /// Sent by Switchboard itself (an out-of-office reply), not by a person.
    #[serde(default)]
    pub automatic: bool,
    /// For a reply sent later: when it is due to go (see [`crate::schedule`]).
    #[serde(default)]
    pub send_at: Option<Timestamp>,
}

/// Which way a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// From the customer.
    Inbound,
    /// A reply, sent to the customer.
    Outbound,
    /// Internal, never sent.
    Note,
}

impl Word for MessageKind {
    const FIELD: &'static str = "kind";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Inbound, "inbound"),
        (Self::Outbound, "outbound"),
        (Self::Note, "note"),
    ];
    const EXPECTED: &'static str = "inbound, outbound, note";
}

impl MessageKind {
    /// Whether the customer sees this message (inbound and outbound do, notes do not).
    pub fn is_customer_visible(self) -> bool {
        !matches!(self, MessageKind::Note)
    }
}

/// Where an outbound message is on its way to the customer.
///
/// Providers send status callbacks out of order, so a status only ever moves
/// forward: see [`DeliveryStatus::advance`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// A reply to send later (at its `send_at`): the customer does not see
    /// it and it does not count as the team's reply until it goes.
    Scheduled,
    /// A scheduled reply cancelled before it went; never sent.
    Cancelled,
    /// Written, waiting for the sending job.
    Queued,
    /// Handed to the provider, not yet acknowledged.
    Sending,
    /// Accepted by the provider.
    Sent,
    /// The carrier reports it delivered.
    Delivered,
    /// The carrier could not deliver it.
    Undelivered,
    /// The provider refused it or sending gave up.
    Failed,
    /// The recipient read it (where the channel reports that).
    Read,
}

impl Word for DeliveryStatus {
    const FIELD: &'static str = "delivery_status";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Scheduled, "scheduled"),
        (Self::Cancelled, "cancelled"),
        (Self::Queued, "queued"),
        (Self::Sending, "sending"),
        (Self::Sent, "sent"),
        (Self::Delivered, "delivered"),
        (Self::Undelivered, "undelivered"),
        (Self::Failed, "failed"),
        (Self::Read, "read"),
    ];
    const EXPECTED: &'static str =
        "scheduled, cancelled, queued, sending, sent, delivered, undelivered, failed, read";
}

impl DeliveryStatus {
    /// How far along a status is; final outcomes share the top ranks. A
    /// scheduled reply is released to `queued` by its own conditional claim
    /// (never by a report), and nothing moves a cancelled one.
    fn rank(self) -> u8 {
        match self {
            DeliveryStatus::Scheduled | DeliveryStatus::Queued => 0,
            DeliveryStatus::Sending => 1,
            DeliveryStatus::Sent => 2,
            DeliveryStatus::Undelivered | DeliveryStatus::Failed => 3,
            DeliveryStatus::Delivered => 4,
            DeliveryStatus::Read => 5,
            DeliveryStatus::Cancelled => 6,
        }
    }

    /// The status after a report of `reported`: it moves forward only, so a
    /// late `sent` never overwrites `delivered`. Returns `None` when nothing changes.
    pub fn advance(self, reported: DeliveryStatus) -> Option<DeliveryStatus> {
        (reported.rank() > self.rank()).then_some(reported)
    }

    /// Whether the message did not reach the customer.
    pub fn is_failure(self) -> bool {
        matches!(self, DeliveryStatus::Undelivered | DeliveryStatus::Failed)
    }
}

/// The text of a message: at most [`MessageBody::MAX_BYTES`], no NUL bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MessageBody(String);

impl MessageBody {
    /// The cap on one message's text (64 KiB): generous for email, far above SMS.
    pub const MAX_BYTES: usize = 64 * 1024;

    /// Checks a body. Empty bodies are allowed only when `allow_empty` (an MMS
    /// with media and no text).
    pub fn parse(raw: &str, allow_empty: bool) -> Result<Self, DomainError> {
        if raw.len() > Self::MAX_BYTES {
            return Err(DomainError::invalid(
                "body",
                format!("must be at most {} bytes", Self::MAX_BYTES),
            ));
        }
        if raw.contains('\0') {
            return Err(DomainError::invalid(
                "body",
                "must not contain NUL characters",
            ));
        }
        if !allow_empty && raw.trim().is_empty() {
            return Err(DomainError::invalid("body", "must not be empty"));
        }
        Ok(Self(raw.to_string()))
    }

    /// Wraps a value read back from the database.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MessageBody {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value, false)
    }
}
impl From<MessageBody> for String {
    fn from(value: MessageBody) -> Self {
        value.0
    }
}

/// Reads back a message's body. It was checked when the message was written,
/// and an MMS with only media has an empty one: a message that was accepted
/// must read back, while [`MessageBody`]'s own `Deserialize` (for API input)
/// still refuses an empty body.
fn stored_body<'de, D: Deserializer<'de>>(d: D) -> Result<MessageBody, D::Error> {
    let raw = String::deserialize(d)?;
    MessageBody::parse(&raw, true).map_err(serde::de::Error::custom)
}

/// A media item or file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Where the file is (the provider's media URL).
    pub url: String,
    /// Its MIME type.
    pub content_type: String,
}

#[cfg(test)]
mod tests;

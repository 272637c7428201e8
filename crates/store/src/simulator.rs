//! The phone simulator's reads: which numbers a simulated customer can text,
//! and what that customer's phone has sent and received.
//!
//! Everything here is read-only; the simulator writes through the same
//! inbound path as a provider webhook (`messages`, `conversations`, …).

use domain::text::Word;
use domain::{
    Attachment, DeliveryStatus, Id, MessageBody, MessageId, PhoneNumber, Timestamp, WorkspaceId,
};

use crate::time::from_millis;
use crate::{Conn, Result, StoreError};

/// A simulator channel as a customer sees it: the number to text, and which
/// inbox answers there. Not the business's name: anyone may read these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatorNumber {
    /// The channel's number (E.164).
    pub number: PhoneNumber,
    /// The inbox it feeds.
    pub inbox_name: String,
    /// The inbox's emoji.
    pub emoji: String,
    /// The inbox's colour (`#rrggbb`, as the inbox keeps it).
    pub color: String,
    /// The inbox's workspace, to keep one business's numbers together
    /// (never shown: the simulator is anonymous).
    pub workspace_id: WorkspaceId,
}

/// Which way a message went, seen from the customer's phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneDirection {
    /// The customer wrote it (an inbound message).
    FromPhone,
    /// The team's reply to the customer (an outbound message).
    ToPhone,
}

/// One text on a customer's phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneMessage {
    /// The message's id.
    pub id: MessageId,
    /// Sent by the phone or received by it.
    pub direction: PhoneDirection,
    /// The simulator number on the other end (E.164).
    pub inbox_number: PhoneNumber,
    /// The text.
    pub body: MessageBody,
    /// Its pictures and files (a reply's at their public links).
    pub attachments: Vec<Attachment>,
    /// Where a reply is on its way; `None` for what the phone sent.
    pub delivery_status: Option<DeliveryStatus>,
    /// Why a reply failed, when it did.
    pub error: Option<String>,
    /// When it was written or received.
    pub created_at: Timestamp,
}

#[derive(Debug, sqlx::FromRow)]
struct NumberRow {
    address: String,
    inbox_name: String,
    emoji: String,
    color: String,
    workspace_id: String,
}

/// Every simulator number a customer may text, by workspace and inbox name:
/// those of inboxes whose carrier registration is approved (the others are
/// shown to their admins only).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn simulator_numbers(conn: &mut Conn<'_>) -> Result<Vec<SimulatorNumber>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, NumberRow>(
        "SELECT ch.address, i.name AS inbox_name, i.emoji, i.color, i.workspace_id \
         FROM channels ch \
         JOIN inboxes i ON i.id = ch.inbox_id \
         WHERE ch.kind = 'sms' AND ch.provider = 'simulator' \
         AND i.registration = 'approved' \
         ORDER BY i.workspace_id, i.name, ch.address",
    )
    .fetch_all(&mut **c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|row| SimulatorNumber {
            number: PhoneNumber::from_trusted(row.address),
            inbox_name: row.inbox_name,
            emoji: row.emoji,
            color: row.color,
            workspace_id: Id::from_trusted(row.workspace_id),
        })
        .collect())
}

#[derive(Debug, sqlx::FromRow)]
struct PhoneMessageRow {
    id: String,
    kind: String,
    address: String,
    body: String,
    attachments: String,
    delivery_status: Option<String>,
    error_message: Option<String>,
    created_at: i64,
}

fn phone_message_from_row(row: PhoneMessageRow) -> Result<PhoneMessage> {
    let direction = match row.kind.as_str() {
        "inbound" => PhoneDirection::FromPhone,
        "outbound" => PhoneDirection::ToPhone,
        other => return Err(StoreError::corrupt("messages.kind", other)),
    };
    Ok(PhoneMessage {
        id: Id::from_trusted(row.id),
        direction,
        inbox_number: PhoneNumber::from_trusted(row.address),
        body: MessageBody::from_trusted(row.body),
        attachments: serde_json::from_str(&row.attachments)
            .map_err(|e| StoreError::corrupt("messages.attachments", e))?,
        delivery_status: row
            .delivery_status
            .map(|s| DeliveryStatus::parse(&s))
            .transpose()
            .map_err(|e| StoreError::corrupt("messages.delivery_status", e))?,
        error: row.error_message,
        created_at: from_millis(row.created_at)?,
    })
}

/// The latest `limit` texts between the simulated phone `phone` and any
/// simulator number, oldest first: what it sent (inbound) and the replies to
/// it (outbound). Only the simulated contacts with that number count: a real
/// customer with the same number is another contact, and nothing sent to
/// them shows here. Internal notes never reach a phone, and neither does
/// anything on a real provider's number.
///
/// Contacts are unique per workspace, so the phone is looked up in each
/// workspace that has a simulator number (`contacts_phone` serves that),
/// then its conversations and their messages by their own indexes.
#[tracing::instrument(skip_all, fields(limit), err(level = "debug"))]
pub async fn phone_messages(
    conn: &mut Conn<'_>,
    phone: &PhoneNumber,
    limit: u32,
) -> Result<Vec<PhoneMessage>> {
    let mut rows = crate::on_backend!(conn, c => sqlx::query_as::<_, PhoneMessageRow>(
        "SELECT m.id, m.kind, ch.address, m.body, m.attachments, m.delivery_status, \
         m.error_message, \
         m.created_at \
         FROM contacts ct \
         JOIN conversations c ON c.contact_id = ct.id \
         JOIN messages m ON m.conversation_id = c.id \
         JOIN channels ch ON ch.id = m.channel_id \
         WHERE ct.phone = $1 AND ct.simulated = $3 \
         AND ct.workspace_id IN (SELECT i.workspace_id FROM channels s \
             JOIN inboxes i ON i.id = s.inbox_id \
             WHERE s.kind = 'sms' AND s.provider = 'simulator') \
         AND ch.kind = 'sms' AND ch.provider = 'simulator' \
         AND m.kind IN ('inbound', 'outbound') \
         AND (m.delivery_status IS NULL OR m.delivery_status NOT IN ('scheduled', 'cancelled')) \
         ORDER BY m.created_at DESC, m.id DESC LIMIT $2",
    )
    .bind(phone.as_str())
    .bind(i64::from(limit))
    .bind(true)
    .fetch_all(&mut **c)
    .await)?;
    rows.reverse();
    rows.into_iter().map(phone_message_from_row).collect()
}

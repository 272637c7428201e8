//! Messages: inbound, outbound and notes, their delivery status, and the
//! timeline (a conversation's events joined with their messages).

use domain::event::NewEvent;
use domain::text::Word;
use domain::{
    Attachment, ChannelId, Conversation, ConversationId, DeliveryStatus, Event, EventKind, Id,
    Message, MessageBody, MessageId, MessageKind, Timestamp,
};

use crate::events::{append, event_from_row, placeholders, EventRow};
use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

/// A `messages` row as stored.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct MessageRow {
    id: String,
    conversation_id: String,
    kind: String,
    author_id: Option<String>,
    body: String,
    attachments: String,
    delivery_status: Option<String>,
    provider_id: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
    created_at: i64,
    automatic: bool,
    send_at: Option<i64>,
}

/// The columns of [`MessageRow`], in order.
pub(crate) const COLUMNS: &str = "id, conversation_id, kind, author_id, body, attachments, \
     delivery_status, provider_id, error_code, error_message, created_at, automatic, send_at";

pub(crate) fn message_from_row(row: MessageRow) -> Result<Message> {
    let attachments: Vec<Attachment> = serde_json::from_str(&row.attachments)
        .map_err(|e| StoreError::corrupt("messages.attachments", e))?;
    Ok(Message {
        id: Id::from_trusted(row.id),
        conversation_id: Id::from_trusted(row.conversation_id),
        kind: MessageKind::parse(&row.kind).map_err(|e| StoreError::corrupt("messages.kind", e))?,
        author_id: row.author_id.map(Id::from_trusted),
        body: MessageBody::from_trusted(row.body),
        attachments,
        delivery: row
            .delivery_status
            .map(|s| DeliveryStatus::parse(&s))
            .transpose()
            .map_err(|e| StoreError::corrupt("messages.delivery_status", e))?,
        provider_id: row.provider_id,
        error_code: row.error_code,
        error_message: row.error_message,
        created_at: from_millis(row.created_at)?,
        automatic: row.automatic,
        send_at: crate::time::from_millis_opt(row.send_at)?,
    })
}

/// One line of a conversation's timeline: an event, and for `message`
/// events the message it added (for `message_scheduled` events, the
/// scheduled reply, as it is now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineItem {
    /// The event.
    pub event: Event,
    /// The message of a `message` or `message_scheduled` event; `None` for other kinds.
    pub message: Option<Message>,
}

/// Stores a message of `conversation` and appends its `Message` event.
///
/// `conversation` is the conversation as read in this transaction: a message
/// changes it (last activity, last inbound, last message shown in the queue
/// for inbound and outbound) and moves its version to `conversation.version
/// + 1` (for a customer-visible message, inbound or outbound, also its
/// `inbound_version`: replies written before it are stale), so a reply
/// written against an older state gives
/// [`StoreError::VersionConflict`] (DESIGN.md §5). Change its status in the
/// same transaction with [`crate::conversations::update`] and that new version.
///
/// A `(channel_id, provider_id)` already stored gives
/// [`StoreError::Duplicate`] and writes nothing, so a provider's retried
/// webhook is a no-op; the transaction stays usable.
#[tracing::instrument(skip_all, fields(message_id = %message.id, conversation_id = %conversation.id), err(level = "debug"))]
pub async fn insert(
    tx: &mut Tx<'_>,
    message: &Message,
    channel_id: Option<&ChannelId>,
    conversation: &Conversation,
) -> Result<Event> {
    insert_row(tx, message, channel_id, &conversation.id).await?;
    touch_conversation(tx, message, conversation).await
}

/// Writes the `messages` row of `message`; [`StoreError::Duplicate`] when
/// its provider id is already stored.
pub(crate) async fn insert_row(
    tx: &mut Tx<'_>,
    message: &Message,
    channel_id: Option<&ChannelId>,
    conversation: &ConversationId,
) -> Result<()> {
    let attachments = serde_json::to_string(&message.attachments)
        .map_err(|e| StoreError::corrupt("messages.attachments", e))?;
    let m = message;
    let inserted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO messages (id, conversation_id, channel_id, kind, author_id, body, attachments, \
         delivery_status, provider_id, error_code, error_message, created_at, automatic, send_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (channel_id, provider_id) DO NOTHING",
    )
    .bind(m.id.as_str())
    .bind(conversation.as_str())
    .bind(channel_id.map(|i| i.as_str()))
    .bind(m.kind.as_str())
    .bind(m.author_id.as_ref().map(|i| i.as_str()))
    .bind(m.body.as_str())
    .bind(&attachments)
    .bind(m.delivery.map(Word::as_str))
    .bind(m.provider_id.as_deref())
    .bind(m.error_code.as_deref())
    .bind(m.error_message.as_deref())
    .bind(to_millis(m.created_at))
    .bind(m.automatic)
    .bind(crate::time::to_millis_opt(m.send_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Err(StoreError::Duplicate("messages_provider_id".into()));
    }
    Ok(())
}

/// What a message does to its conversation once the conversation has it
/// (see [`insert`]), and its `Message` event.
pub(crate) async fn touch_conversation(
    tx: &mut Tx<'_>,
    message: &Message,
    conversation: &Conversation,
) -> Result<Event> {
    let m = message;
    // CASE rather than MAX/GREATEST: the one spelling both dialects share.
    let touched = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE conversations SET \
         last_activity_at = CASE WHEN last_activity_at < $3 THEN $3 ELSE last_activity_at END, \
         last_inbound_at = CASE WHEN $4 AND (last_inbound_at IS NULL OR last_inbound_at < $3) \
                           THEN $3 ELSE last_inbound_at END, \
         last_message_id = CASE WHEN $5 THEN $6 ELSE last_message_id END, \
         inbound_version = CASE WHEN $5 THEN version + 1 ELSE inbound_version END, \
         version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .bind(conversation.id.as_str())
    .bind(conversation.version)
    .bind(to_millis(m.created_at))
    .bind(m.kind == MessageKind::Inbound)
    .bind(m.kind.is_customer_visible())
    .bind(m.id.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if touched == 0 {
        return Err(StoreError::VersionConflict);
    }
    append(
        tx,
        NewEvent {
            workspace_id: conversation.workspace_id.clone(),
            inbox_id: conversation.inbox_id.clone(),
            conversation_id: conversation.id.clone(),
            actor_id: m.author_id.clone(),
            kind: EventKind::Message {
                message_id: m.id.clone(),
                message_kind: m.kind,
            },
            created_at: m.created_at,
        },
    )
    .await
}

/// One message.
#[tracing::instrument(skip_all, fields(message_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &MessageId) -> Result<Option<Message>> {
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE id = $1");
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, MessageRow>(&sql)
    .bind(id.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(message_from_row).transpose()
}

/// The message a provider knows by `provider_id` on this channel (status
/// callbacks name messages this way).
#[tracing::instrument(skip_all, fields(channel_id = %channel), err(level = "debug"))]
pub async fn by_provider_id(
    conn: &mut Conn<'_>,
    channel: &ChannelId,
    provider_id: &str,
) -> Result<Option<Message>> {
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE channel_id = $1 AND provider_id = $2");
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, MessageRow>(&sql)
    .bind(channel.as_str())
    .bind(provider_id)
    .fetch_optional(&mut **c)
    .await)?;
    row.map(message_from_row).transpose()
}

/// Records a delivery report for `message` (as read) and appends its
/// `Delivery` event, but only when `reported` moves the status forward
/// (see [`DeliveryStatus::advance`]): a late `sent` never overwrites
/// `delivered`. Returns `None` when nothing changed.
///
/// The UPDATE itself only matches rows whose stored status is behind
/// `reported`, so two callbacks racing cannot move the status back even
/// when `message` is stale. The error fields describe the new status and are
/// replaced; `provider_id`, when given, is recorded (the send job learns it).
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all, fields(message_id = %message.id, status = reported.as_str()), err(level = "debug"))]
pub async fn set_delivery(
    tx: &mut Tx<'_>,
    message: &Message,
    conversation: &Conversation,
    reported: DeliveryStatus,
    error_code: Option<&str>,
    error_message: Option<&str>,
    provider_id: Option<&str>,
    at: Timestamp,
) -> Result<Option<Event>> {
    if message.kind != MessageKind::Outbound {
        return Ok(None);
    }
    if let Some(current) = message.delivery {
        if current.advance(reported).is_none() {
            return Ok(None);
        }
    }
    let behind: Vec<&str> = DeliveryStatus::ALL
        .iter()
        .filter(|(s, _)| s.advance(reported).is_some())
        .map(|(_, w)| *w)
        .collect();
    let status_filter = if behind.is_empty() {
        "delivery_status IS NULL".to_string()
    } else {
        format!(
            "(delivery_status IS NULL OR delivery_status IN ({}))",
            placeholders(6, behind.len())
        )
    };
    let sql = format!(
        "UPDATE messages SET delivery_status = $2, error_code = $3, error_message = $4, \
         provider_id = COALESCE($5, provider_id) WHERE id = $1 AND {status_filter}"
    );
    let updated = crate::on_backend!(tx.conn(), c => {
        let mut query = sqlx::query(&sql)
            .bind(message.id.as_str())
            .bind(reported.as_str())
            .bind(error_code)
            .bind(error_message)
            .bind(provider_id);
        for word in &behind {
            query = query.bind(*word);
        }
        query.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    if updated == 0 {
        return Ok(None);
    }
    let event = NewEvent {
        workspace_id: conversation.workspace_id.clone(),
        inbox_id: conversation.inbox_id.clone(),
        conversation_id: conversation.id.clone(),
        actor_id: None,
        kind: EventKind::Delivery {
            message_id: message.id.clone(),
            status: reported,
        },
        created_at: at,
    };
    append(tx, event).await.map(Some)
}

/// An event row with the columns of its message, if it is a `message` event.
#[derive(Debug, sqlx::FromRow)]
struct TimelineRow {
    #[sqlx(flatten)]
    event: EventRow,
    m_id: Option<String>,
    m_conversation_id: Option<String>,
    m_kind: Option<String>,
    m_author_id: Option<String>,
    m_body: Option<String>,
    m_attachments: Option<String>,
    m_delivery_status: Option<String>,
    m_provider_id: Option<String>,
    m_error_code: Option<String>,
    m_error_message: Option<String>,
    m_created_at: Option<i64>,
    m_automatic: Option<bool>,
    m_send_at: Option<i64>,
}

fn timeline_item(row: TimelineRow) -> Result<TimelineItem> {
    let message = match row.m_id {
        None => None,
        Some(id) => {
            let missing = || StoreError::corrupt("messages", "a NOT NULL column read as NULL");
            Some(message_from_row(MessageRow {
                id,
                conversation_id: row.m_conversation_id.ok_or_else(missing)?,
                kind: row.m_kind.ok_or_else(missing)?,
                author_id: row.m_author_id,
                body: row.m_body.ok_or_else(missing)?,
                attachments: row.m_attachments.ok_or_else(missing)?,
                delivery_status: row.m_delivery_status,
                provider_id: row.m_provider_id,
                error_code: row.m_error_code,
                error_message: row.m_error_message,
                created_at: row.m_created_at.ok_or_else(missing)?,
                automatic: row.m_automatic.unwrap_or(false),
                send_at: row.m_send_at,
            })?)
        }
    };
    Ok(TimelineItem {
        event: event_from_row(row.event)?,
        message,
    })
}

/// A conversation's events after `after_seq`, in order, each `message`
/// event with its message: the conversation page, in one query.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation, after_seq = after_seq), err(level = "debug"))]
pub async fn timeline(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
    after_seq: i64,
    limit: u32,
) -> Result<Vec<TimelineItem>> {
    // Events keep the message id inside their JSON data; reading it out is
    // the one thing the dialects spell differently here.
    let message_id = match conn {
        Conn::Sqlite(_) => "json_extract(e.data, '$.message_id')",
        Conn::Postgres(_) => "(e.data::jsonb ->> 'message_id')",
    };
    let sql = format!(
        "SELECT e.seq, e.workspace_id, e.inbox_id, e.conversation_id, e.actor_id, e.kind, e.data, \
         e.created_at, m.id AS m_id, m.conversation_id AS m_conversation_id, m.kind AS m_kind, \
         m.author_id AS m_author_id, m.body AS m_body, m.attachments AS m_attachments, \
         m.delivery_status AS m_delivery_status, m.provider_id AS m_provider_id, \
         m.error_code AS m_error_code, m.error_message AS m_error_message, \
         m.created_at AS m_created_at, m.automatic AS m_automatic, m.send_at AS m_send_at \
         FROM events e LEFT JOIN messages m \
         ON e.kind IN ('message', 'message_scheduled') AND m.id = {message_id} \
         WHERE e.conversation_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3"
    );
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, TimelineRow>(&sql)
        .bind(conversation.as_str())
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(timeline_item).collect()
}

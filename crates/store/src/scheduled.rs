//! Scheduled replies: written now, sent at their `send_at` (issue 14).
//!
//! A scheduled reply is a `messages` row with delivery status `scheduled`
//! and a `MessageScheduled` event; it leaves the conversation as it was
//! (not its last message, not its `inbound_version`). Every later change
//! is one conditional UPDATE on that status, so that of a release (the
//! send job), an edit and a cancel racing on any number of nodes exactly
//! one wins and the others change nothing.

use std::collections::HashMap;

use domain::event::NewEvent;
use domain::{
    CancelReason, ChannelId, Conversation, ConversationId, Event, EventKind, Id, InboxId, Message,
    MessageBody, ScheduledSend, Timestamp, UserId, WorkspaceId,
};

use crate::events::append;
use crate::messages::{insert_row, message_from_row, touch_conversation, MessageRow, COLUMNS};
use crate::time::to_millis;
use crate::{Conn, Result, StoreError, Tx};

/// Stores a scheduled reply (its delivery status `scheduled`, its `send_at`
/// set) and appends its `MessageScheduled` event; the conversation is not
/// changed until the reply goes ([`release`]).
#[tracing::instrument(skip_all, fields(message_id = %message.id), err(level = "debug"))]
pub async fn schedule(
    tx: &mut Tx<'_>,
    message: &Message,
    channel_id: Option<&ChannelId>,
    conversation: &Conversation,
) -> Result<Event> {
    let send_at = message
        .send_at
        .ok_or_else(|| StoreError::corrupt("messages.send_at", "a scheduled reply needs one"))?;
    insert_row(tx, message, channel_id, &conversation.id).await?;
    append(
        tx,
        event(
            conversation,
            message.author_id.clone(),
            EventKind::MessageScheduled {
                message_id: message.id.clone(),
                send_at,
            },
            message.created_at,
        ),
    )
    .await
}

/// Changes a scheduled reply's text and time, if it is still scheduled, and
/// appends `ScheduledMessageEdited`. `None` when it is no longer scheduled
/// (it went, or was cancelled).
#[tracing::instrument(skip_all, fields(message_id = %message.id), err(level = "debug"))]
pub async fn edit(
    tx: &mut Tx<'_>,
    message: &Message,
    body: &MessageBody,
    send_at: Timestamp,
    conversation: &Conversation,
    actor: &UserId,
    at: Timestamp,
) -> Result<Option<Event>> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE messages SET body = $2, send_at = $3 \
         WHERE id = $1 AND delivery_status = 'scheduled'",
    )
    .bind(message.id.as_str())
    .bind(body.as_str())
    .bind(to_millis(send_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Ok(None);
    }
    let kind = EventKind::ScheduledMessageEdited {
        message_id: message.id.clone(),
        send_at,
    };
    append(tx, event(conversation, Some(actor.clone()), kind, at))
        .await
        .map(Some)
}

/// Cancels a scheduled reply, if it is still scheduled, and appends
/// `ScheduledMessageCancelled`. `None` when it is no longer scheduled.
#[tracing::instrument(skip_all, fields(message_id = %message.id), err(level = "debug"))]
pub async fn cancel(
    tx: &mut Tx<'_>,
    message: &Message,
    conversation: &Conversation,
    actor: Option<&UserId>,
    reason: CancelReason,
    at: Timestamp,
) -> Result<Option<Event>> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE messages SET delivery_status = 'cancelled' \
         WHERE id = $1 AND delivery_status = 'scheduled'",
    )
    .bind(message.id.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Ok(None);
    }
    let kind = EventKind::ScheduledMessageCancelled {
        message_id: message.id.clone(),
        reason,
    };
    append(tx, event(conversation, actor.cloned(), kind, at))
        .await
        .map(Some)
}

/// Claims a scheduled reply whose time has come, in one conditional
/// UPDATE: it becomes `queued`, dated `at` (when the customer gets it).
/// `None` when it is no longer scheduled or not yet due: another node
/// released it first, or someone edited or cancelled it. The caller then
/// records it in its conversation with [`record_released`] in the same
/// transaction.
#[tracing::instrument(skip_all, fields(message_id = %message.id), err(level = "debug"))]
pub async fn release(tx: &mut Tx<'_>, message: &Message, at: Timestamp) -> Result<Option<Message>> {
    let claimed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE messages SET delivery_status = 'queued', created_at = $2 \
         WHERE id = $1 AND delivery_status = 'scheduled' AND send_at <= $2",
    )
    .bind(message.id.as_str())
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if claimed == 0 {
        return Ok(None);
    }
    crate::messages::get(&mut tx.conn(), &message.id).await
}

/// A released reply becomes the conversation's reply like any other (its
/// last message, its `inbound_version`) with a `Message` event, which plans
/// its delivery. `conversation` is as read in this transaction:
/// [`StoreError::VersionConflict`] when it changed meanwhile.
pub async fn record_released(
    tx: &mut Tx<'_>,
    released: &Message,
    conversation: &Conversation,
) -> Result<Event> {
    touch_conversation(tx, released, conversation).await
}

/// Fails a scheduled reply that cannot go (the conversation was closed,
/// someone else was replying), if it is still scheduled, with `reason` for
/// the timeline, and appends its `Delivery` event.
#[tracing::instrument(skip_all, fields(message_id = %message.id), err(level = "debug"))]
pub async fn fail(
    tx: &mut Tx<'_>,
    message: &Message,
    conversation: &Conversation,
    reason: &str,
    at: Timestamp,
) -> Result<Option<Event>> {
    let changed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE messages SET delivery_status = 'failed', error_message = $2 \
         WHERE id = $1 AND delivery_status = 'scheduled'",
    )
    .bind(message.id.as_str())
    .bind(reason)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Ok(None);
    }
    let kind = EventKind::Delivery {
        message_id: message.id.clone(),
        status: domain::DeliveryStatus::Failed,
    };
    append(tx, event(conversation, None, kind, at))
        .await
        .map(Some)
}

/// Whether `conversation` has a reply waiting to go: one probe of the
/// partial index `messages_scheduled`, cheap enough for every inbound message.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn any_waiting(conn: &mut Conn<'_>, conversation: &ConversationId) -> Result<bool> {
    let found: Option<String> = crate::on_backend!(conn, c => sqlx::query_scalar(
        "SELECT id FROM messages WHERE conversation_id = $1 AND delivery_status = 'scheduled' \
         LIMIT 1",
    )
    .bind(conversation.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    Ok(found.is_some())
}

/// The replies of `conversation` still waiting to go that were written
/// before `before`, oldest first.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn waiting(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
    before: Timestamp,
) -> Result<Vec<Message>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = $1 \
         AND delivery_status = 'scheduled' AND created_at < $2 ORDER BY created_at, id"
    );
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, MessageRow>(&sql)
        .bind(conversation.as_str())
        .bind(to_millis(before))
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(message_from_row).collect()
}

/// An inbox's scheduled-send policy (the default when none was saved).
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn policy(conn: &mut Conn<'_>, inbox: &InboxId) -> Result<ScheduledSend> {
    let row: Option<bool> = crate::on_backend!(conn, c => sqlx::query_scalar(
        "SELECT cancel_on_reply FROM inbox_scheduled_send WHERE inbox_id = $1",
    )
    .bind(inbox.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    Ok(
        row.map_or_else(ScheduledSend::default, |cancel_on_reply| ScheduledSend {
            cancel_on_reply,
        }),
    )
}

/// The saved policies of `workspace`'s inboxes (the inbox list); an inbox
/// missing here has the default.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn policies(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
) -> Result<HashMap<InboxId, ScheduledSend>> {
    let rows: Vec<(String, bool)> = crate::on_backend!(conn, c => sqlx::query_as(
        "SELECT s.inbox_id, s.cancel_on_reply FROM inbox_scheduled_send s \
         JOIN inboxes i ON i.id = s.inbox_id WHERE i.workspace_id = $1",
    )
    .bind(workspace.as_str())
    .fetch_all(&mut **c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(inbox, cancel_on_reply)| {
            (Id::from_trusted(inbox), ScheduledSend { cancel_on_reply })
        })
        .collect())
}

/// Saves an inbox's scheduled-send policy.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn put_policy(
    tx: &mut Tx<'_>,
    inbox: &InboxId,
    policy: ScheduledSend,
    at: Timestamp,
) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inbox_scheduled_send (inbox_id, cancel_on_reply, updated_at) \
         VALUES ($1, $2, $3) ON CONFLICT (inbox_id) DO UPDATE SET \
         cancel_on_reply = excluded.cancel_on_reply, updated_at = excluded.updated_at",
    )
    .bind(inbox.as_str())
    .bind(policy.cancel_on_reply)
    .bind(to_millis(at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

fn event(
    conversation: &Conversation,
    actor_id: Option<UserId>,
    kind: EventKind,
    created_at: Timestamp,
) -> NewEvent {
    NewEvent {
        workspace_id: conversation.workspace_id.clone(),
        inbox_id: conversation.inbox_id.clone(),
        conversation_id: conversation.id.clone(),
        actor_id,
        kind,
        created_at,
    }
}

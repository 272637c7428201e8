//! Out-of-office replies: a customer who writes while the team is away gets
//! the inbox's message once, through the channel like any reply.
//!
//! The reaction (`crate::reactions`) plans a job for each inbound message
//! that arrived while its inbox was away; the job ([`answer`]) decides again
//! with what is true when it runs, and records the reply with a claim that
//! only one inbound message (on one node) per period can win.

use domain::{
    Conversation, DeliveryStatus, Message, MessageBody, MessageId, MessageKind, Registration,
    Status,
};
use store::StoreError;

use crate::services::state::AppState;
use crate::services::ServiceError;

/// How often the write is retried when the conversation changed in between.
const ATTEMPTS: usize = 5;

/// Why an inbound message got no automatic reply (for the log and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// The message, its conversation or its inbox is gone.
    Gone,
    /// Out-of-office is off, or the team was at work when it arrived.
    NotAway,
    /// A machine wrote it (an auto-reply of theirs): answering could loop.
    Automatic,
    /// A STOP / START / HELP keyword: the carrier answers those.
    Keyword,
    /// The contact opted out of messages.
    OptedOut,
    /// The conversation cannot be replied to (closed, no channel, inbox not registered).
    CannotSend,
    /// The conversation already got one within the period.
    Recently,
}

/// Answers the inbound message `id` with its inbox's out-of-office message,
/// if it still calls for one. `Ok(Err(reason))` when it does not.
#[tracing::instrument(skip_all, fields(message_id = %id), err(level = "debug"))]
pub async fn answer(
    state: &AppState,
    id: &MessageId,
) -> Result<Result<MessageId, Skipped>, ServiceError> {
    for _ in 0..ATTEMPTS {
        let mut reader = state.store.read().await?;
        let mut conn = reader.conn();
        let Some(inbound) = store::messages::get(&mut conn, id).await? else {
            return Ok(Err(Skipped::Gone));
        };
        let Some(conversation) =
            store::conversations::get(&mut conn, &inbound.conversation_id).await?
        else {
            return Ok(Err(Skipped::Gone));
        };
        let Some(inbox) = store::inboxes::get(&mut conn, &conversation.inbox_id).await? else {
            return Ok(Err(Skipped::Gone));
        };
        let setting = store::out_of_office::get(&mut conn, &inbox.id).await?;
        let contact = store::contacts::get(&mut conn, &conversation.contact_id).await?;
        drop(reader);

        let arrived = inbound.created_at;
        let Some(setting) = setting.filter(|s| s.enabled && s.is_away(arrived)) else {
            return Ok(Err(Skipped::NotAway));
        };
        if inbound.kind != MessageKind::Inbound || inbound.automatic {
            return Ok(Err(Skipped::Automatic));
        }
        if channels::Keyword::parse(inbound.body.as_str()).is_some() {
            return Ok(Err(Skipped::Keyword));
        }
        if contact.as_ref().is_none_or(domain::Contact::is_opted_out) {
            return Ok(Err(Skipped::OptedOut));
        }
        if conversation.status == Status::Closed
            || conversation.channel_id.is_none()
            || inbox.registration != Registration::Approved
        {
            return Ok(Err(Skipped::CannotSend));
        }

        let now = state.clock.now();
        let reply = automatic_reply(&conversation, &setting.message, now);
        let mut tx = state.store.begin().await?;
        // The period counts from the message that was answered, so a burst
        // of texts while away gets one reply however the jobs interleave.
        if !store::out_of_office::claim_auto_reply(
            &mut tx,
            &conversation.id,
            arrived,
            arrived - setting.every(),
        )
        .await?
        {
            return Ok(Err(Skipped::Recently));
        }
        match store::messages::insert(
            &mut tx,
            &reply,
            conversation.channel_id.as_ref(),
            &conversation,
        )
        .await
        {
            Err(StoreError::VersionConflict) => continue,
            Err(error) => return Err(error.into()),
            Ok(event) => {
                tx.commit().await?;
                state.hub.publish(vec![event]);
                tracing::info!(conversation_id = %conversation.id, "out-of-office reply written");
                return Ok(Ok(reply.id));
            }
        }
    }
    Err(ServiceError::conflict(
        "conflict",
        "the conversation kept changing; try again",
    ))
}

/// The reply itself: outbound, by nobody, marked automatic. It leaves the
/// conversation's status and owner alone: the team has not answered yet.
fn automatic_reply(conversation: &Conversation, text: &str, now: domain::Timestamp) -> Message {
    Message {
        id: MessageId::generate(),
        conversation_id: conversation.id.clone(),
        kind: MessageKind::Outbound,
        author_id: None,
        body: MessageBody::from_trusted(text.to_string()),
        attachments: Vec::new(),
        delivery: Some(DeliveryStatus::Queued),
        provider_id: None,
        error_code: None,
        error_message: None,
        created_at: now,
        automatic: true,
        send_at: None,
    }
}

//! Scheduled send (issue 14): a reply written now that goes at its
//! `send_at`, edited or cancelled until then, and cancelled when the
//! customer writes first (the inbox's `scheduled_send.cancel_on_reply`).
//!
//! Until it goes, a scheduled reply changes nothing the customer or the
//! queue sees: the conversation keeps its status, last message, version
//! and SLA clocks. Its `MessageScheduled` event plans a
//! [`Job::SendScheduled`](crate::jobs::Job) at `send_at` (the deliveries
//! reaction); the job releases it in one conditional UPDATE, so however
//! many nodes run that job it goes once, and from then on it is a reply
//! like any other (a `message` event, the delivery job, the SLA clock).

use domain::{
    Action, CancelReason, Conversation, ConversationId, DeliveryStatus, Event, Message,
    MessageBody, MessageId, MessageKind, Timestamp, Trigger,
};
use store::{Conn, StoreError};

use super::access::{self, Principal};
use super::conversations::apply_trigger;
use super::messages::{locked_by, refuse_reply, Post};
use crate::services::state::AppState;
use crate::services::{ErrorKind, ServiceError};

/// How often a write is retried when the conversation changed in between.
const ATTEMPTS: usize = 5;

/// What the internal note says when the customer's message cancelled a reply.
pub const CUSTOMER_WROTE_NOTE: &str =
    "Scheduled reply cancelled: the customer wrote first. Read their message and reply again.";

/// Schedules `post` (a reply) on conversation `id` to go at `send_at`. The
/// same refusals as a reply sent now apply (closed, locked by someone else,
/// stale, opted out, unregistered); the time must be in the future and at
/// most a year ahead; notes and files cannot be scheduled.
#[tracing::instrument(skip_all, fields(conversation = %id), err(level = "debug"))]
pub async fn schedule(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    post: Post,
    send_at: Timestamp,
) -> Result<(Message, Conversation), ServiceError> {
    if post.kind != MessageKind::Outbound {
        return Err(ServiceError::invalid(
            "validation",
            "send_at: only a reply can be sent later (a note is for the team, added at once)",
        ));
    }
    if !post.attachments.is_empty() {
        return Err(ServiceError::invalid(
            "validation",
            "send_at: a reply with files cannot be sent later; send it now or without the files",
        ));
    }
    let now = state.clock.now();
    let send_at = domain::schedule::parse_send_at(send_at, now)?;
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let (current, inbox) = access::conversation(&mut conn, who, id, Action::Reply).await?;
    // Closed refuses a reply; the status itself changes only when it goes.
    apply_trigger(&mut current.clone(), Trigger::AgentActivity, now, None)?;
    refuse_reply(&mut conn, who, &current, &inbox, now).await?;
    if post
        .expected_version
        .is_some_and(|seen| seen < current.inbound_version)
    {
        return Err(ServiceError::conflict(
            "stale_conversation",
            "a new message arrived since you opened this conversation (the customer's, or a teammate's reply); read it first",
        ));
    }
    drop(reader);
    let message = Message {
        id: MessageId::generate(),
        conversation_id: current.id.clone(),
        kind: MessageKind::Outbound,
        author_id: Some(who.user.id.clone()),
        body: post.body,
        attachments: Vec::new(),
        delivery: Some(DeliveryStatus::Scheduled),
        provider_id: None,
        error_code: None,
        error_message: None,
        created_at: now,
        automatic: false,
        send_at: Some(send_at),
    };
    let mut tx = state.store.begin().await?;
    let event =
        store::scheduled::schedule(&mut tx, &message, current.channel_id.as_ref(), &current)
            .await?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok((message, current))
}

/// A scheduled reply's new text and time; `None` keeps what it has.
#[derive(Debug, Clone, Default)]
pub struct Reschedule {
    /// The new text.
    pub body: Option<MessageBody>,
    /// When it should go now.
    pub send_at: Option<Timestamp>,
}

/// Changes a scheduled reply (its author or an admin) while it has not gone
/// yet; 409 `not_scheduled` once it went or was cancelled.
#[tracing::instrument(skip_all, fields(message = %id), err(level = "debug"))]
pub async fn edit(
    state: &AppState,
    who: &Principal,
    id: &MessageId,
    change: Reschedule,
) -> Result<Message, ServiceError> {
    let now = state.clock.now();
    let send_at = change
        .send_at
        .map(|at| domain::schedule::parse_send_at(at, now))
        .transpose()?;
    let mut tx = state.store.begin().await?;
    let (message, conversation) = scheduled_reply(&mut tx.conn(), who, id).await?;
    let body = change.body.unwrap_or_else(|| message.body.clone());
    if body.as_str().trim().is_empty() {
        return Err(ServiceError::invalid(
            "validation",
            "body: must not be empty",
        ));
    }
    let send_at = send_at.or(message.send_at).unwrap_or(now);
    let event = store::scheduled::edit(
        &mut tx,
        &message,
        &body,
        send_at,
        &conversation,
        &who.user.id,
        now,
    )
    .await?
    .ok_or_else(gone)?;
    let edited = store::messages::get(&mut tx.conn(), id)
        .await?
        .ok_or_else(gone)?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok(edited)
}

/// Cancels a scheduled reply (its author or an admin) before it goes; 409
/// `not_scheduled` once it went or was cancelled.
#[tracing::instrument(skip_all, fields(message = %id), err(level = "debug"))]
pub async fn cancel(state: &AppState, who: &Principal, id: &MessageId) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    let (message, conversation) = scheduled_reply(&mut tx.conn(), who, id).await?;
    let event = store::scheduled::cancel(
        &mut tx,
        &message,
        &conversation,
        Some(&who.user.id),
        CancelReason::Cancelled,
        now,
    )
    .await?
    .ok_or_else(gone)?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok(())
}

/// The scheduled reply `id` and its conversation, for its author or an
/// admin among those who may reply there.
async fn scheduled_reply(
    conn: &mut Conn<'_>,
    who: &Principal,
    id: &MessageId,
) -> Result<(Message, Conversation), ServiceError> {
    let not_found = || ServiceError::not_found("no such message");
    let message = store::messages::get(conn, id)
        .await?
        .ok_or_else(not_found)?;
    let (conversation, _) =
        access::conversation(conn, who, &message.conversation_id, Action::Reply)
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::NotFound => not_found(),
                _ => error,
            })?;
    match message.delivery {
        Some(DeliveryStatus::Scheduled)
            if message.author_id.as_ref() != Some(&who.user.id) && !who.role.is_admin() =>
        {
            Err(ServiceError::denied(
                "only the reply's author or an admin can change or cancel a scheduled reply",
            ))
        }
        Some(DeliveryStatus::Scheduled) => Ok((message, conversation)),
        Some(DeliveryStatus::Cancelled) => Err(ServiceError::conflict(
            "not_scheduled",
            "this scheduled reply was already cancelled",
        )),
        _ if message.kind == MessageKind::Outbound => Err(gone()),
        _ => Err(ServiceError::conflict(
            "not_scheduled",
            "only a scheduled reply can be changed or cancelled",
        )),
    }
}

fn gone() -> ServiceError {
    ServiceError::conflict(
        "not_scheduled",
        "this reply is no longer scheduled: it has been sent (or cancelled)",
    )
}

/// The send job: releases the scheduled reply `id` if it is still
/// scheduled and due. It is cancelled instead when the customer wrote after
/// it was scheduled and the inbox cancels on that, and fails with the
/// reason in the timeline when it can no longer go as a reply (the
/// conversation was closed; someone else holds the reply lock). Opt-outs
/// and registration are the delivery job's, as for any reply.
#[tracing::instrument(skip_all, fields(message = %id), err(level = "debug"))]
pub async fn release(state: &AppState, id: &MessageId) -> Result<(), ServiceError> {
    for _ in 0..ATTEMPTS {
        let now = state.clock.now();
        let mut reader = state.store.read().await?;
        let mut conn = reader.conn();
        let Some(message) = store::messages::get(&mut conn, id).await? else {
            return Ok(()); // deleted with its inbox
        };
        // Edited to a later time: that edit's own job sends it.
        if message.delivery != Some(DeliveryStatus::Scheduled)
            || message.send_at.is_some_and(|at| at > now)
        {
            return Ok(());
        }
        let Some(current) = store::conversations::get(&mut conn, &message.conversation_id).await?
        else {
            return Ok(());
        };
        let policy = store::scheduled::policy(&mut conn, &current.inbox_id).await?;
        if policy.cancels(message.created_at, current.last_inbound_at) {
            drop(reader);
            return cancel_for_customer(state, &current.id, now).await;
        }
        let author = message.author_id.clone();
        let mut refusal = None;
        if let Some(author) = &author {
            if let Some(lock) =
                store::locks::held_by_other(&mut conn, &current.id, author, now).await?
            {
                let who = locked_by(&mut conn, &lock.holder_id).await?;
                refusal = Some(format!("not sent: {} when it was due", who.detail()));
            }
        }
        drop(reader);
        let mut next = current.clone();
        let status = match apply_trigger(&mut next, Trigger::AgentActivity, now, None) {
            Ok(status) => status,
            Err(_) => {
                refusal.get_or_insert_with(|| {
                    "not sent: the conversation was closed before it was due".to_string()
                });
                None
            }
        };
        let mut tx = state.store.begin().await?;
        if let Some(reason) = refusal {
            let event = store::scheduled::fail(&mut tx, &message, &current, &reason, now).await?;
            tx.commit().await?;
            state.hub.publish(event);
            return Ok(());
        }
        let Some(released) = store::scheduled::release(&mut tx, &message, now).await? else {
            return Ok(()); // another node released it, or it was changed
        };
        next.last_activity_at = now;
        let mut events: Vec<Event> = Vec::new();
        let written = async {
            if let Some(status) = status {
                events.extend(
                    store::conversations::update(
                        &mut tx,
                        &next,
                        current.version,
                        author.as_ref(),
                        now,
                        vec![status],
                    )
                    .await?,
                );
                next.version += 1;
            }
            events.push(store::scheduled::record_released(&mut tx, &released, &next).await?);
            Ok::<_, StoreError>(())
        }
        .await;
        match written {
            Err(StoreError::VersionConflict) => continue,
            Err(error) => return Err(error.into()),
            Ok(()) => {
                tx.commit().await?;
                state.hub.publish(events);
                return Ok(());
            }
        }
    }
    Err(ServiceError::conflict(
        "conflict",
        "the conversation kept changing; the scheduled reply will be tried again",
    ))
}

/// The customer wrote at `inbound_at`: the replies of `conversation`
/// scheduled before that are cancelled, with an internal note saying so,
/// if its inbox cancels on a customer's message (the default).
#[tracing::instrument(skip_all, fields(conversation = %conversation), err(level = "debug"))]
pub async fn cancel_for_customer(
    state: &AppState,
    conversation: &ConversationId,
    inbound_at: Timestamp,
) -> Result<(), ServiceError> {
    for _ in 0..ATTEMPTS {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let Some(current) = store::conversations::get(&mut tx.conn(), conversation).await? else {
            return Ok(());
        };
        let policy = store::scheduled::policy(&mut tx.conn(), &current.inbox_id).await?;
        if !policy.cancel_on_reply {
            return Ok(());
        }
        let waiting = store::scheduled::waiting(&mut tx.conn(), conversation, inbound_at).await?;
        let mut events = Vec::new();
        for message in &waiting {
            let cancelled = store::scheduled::cancel(
                &mut tx,
                message,
                &current,
                None,
                CancelReason::CustomerWrote,
                now,
            )
            .await?;
            events.extend(cancelled);
        }
        if events.is_empty() {
            return Ok(());
        }
        let note = Message {
            id: MessageId::generate(),
            conversation_id: current.id.clone(),
            kind: MessageKind::Note,
            author_id: None,
            body: MessageBody::from_trusted(CUSTOMER_WROTE_NOTE.to_string()),
            attachments: Vec::new(),
            delivery: None,
            provider_id: None,
            error_code: None,
            error_message: None,
            created_at: now,
            automatic: true,
            send_at: None,
        };
        match store::messages::insert(&mut tx, &note, None, &current).await {
            Err(StoreError::VersionConflict) => continue,
            Err(error) => return Err(error.into()),
            Ok(event) => events.push(event),
        }
        tx.commit().await?;
        state.hub.publish(events);
        return Ok(());
    }
    Err(ServiceError::conflict(
        "conflict",
        "the conversation kept changing; cancelling will be tried again",
    ))
}

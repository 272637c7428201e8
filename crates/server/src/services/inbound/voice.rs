//! Inbound calls to an inbox's number: forwarded to the inbox's
//! `voice_forward_to` by TwiML, and recorded as a `call` event on the
//! caller's conversation so the team sees that they called.

use channels::twilio::{twiml, webhook};
use domain::event::NewEvent;
use domain::{Channel, EventKind, Inbox, PhoneNumber};

use super::thread;
use super::twilio::{unreadable, verify, SignedRequest, TwilioReply, Verified};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// What a caller hears when the inbox forwards calls nowhere. A fixed text:
/// nothing from outside goes into it, so it needs no escaping.
const NO_FORWARDING: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say>"#,
    "Sorry, nobody can take your call at this number. ",
    "Please send us a text message and we will get back to you.",
    "</Say></Response>"
);

/// `POST /hooks/twilio/{channel}/voice`: answers `<Dial>` to the inbox's
/// forwarding number (or a polite message when it has none) and records the
/// call on the caller's conversation in the inbox, creating the contact and
/// the conversation when needed. A caller who withholds their number is
/// forwarded without a record: there is nobody to thread it to. Failing to
/// record never stops the call from being forwarded.
#[tracing::instrument(skip_all, fields(channel = %request.channel_id), err(level = "info"))]
pub async fn incoming_call(
    state: &AppState,
    request: SignedRequest,
) -> Result<TwilioReply, ServiceError> {
    let Verified { channel, params } = verify(state, &request).await?;
    let call = webhook::InboundCall::from_params(&params).map_err(unreadable)?;
    let mut reader = state.store.read().await?;
    let inbox = store::inboxes::get(&mut reader.conn(), &channel.inbox_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("the channel's inbox is gone"))?;
    drop(reader);
    let forward_to = inbox.voice_forward_to.clone();
    if let Some(caller) = &call.from {
        if let Err(error) = record(state, &channel, &inbox, caller, forward_to.as_ref()).await {
            tracing::error!(%error, call_sid = %call.call_sid, "could not record a call");
        }
    }
    Ok(TwilioReply(match &forward_to {
        Some(number) => twiml::dial(number),
        None => NO_FORWARDING.to_string(),
    }))
}

async fn record(
    state: &AppState,
    channel: &Channel,
    inbox: &Inbox,
    caller: &PhoneNumber,
    forward_to: Option<&PhoneNumber>,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    let simulated = crate::services::providers::simulated(channel);
    let contact = thread::contact_for(&mut tx, inbox, caller, simulated, now).await?;
    let (conversation, mut events) =
        thread::active_conversation(&mut tx, inbox, &contact, Some(&channel.id), now).await?;
    let call = NewEvent {
        workspace_id: conversation.workspace_id.clone(),
        inbox_id: conversation.inbox_id.clone(),
        conversation_id: conversation.id.clone(),
        actor_id: None,
        kind: EventKind::Call {
            forwarded_to: forward_to.map(|n| n.as_str().to_string()),
        },
        created_at: now,
    };
    events.push(store::events::append(&mut tx, call).await?);
    tx.commit().await?;
    state.hub.publish(events);
    Ok(())
}

//! What customers send us: texts from a provider webhook, the simulator or
//! the demo, stored exactly once and threaded into the contact's
//! conversation (a STOP or START text also changes the contact's opt-out);
//! and, through [`twilio`], Twilio's signed webhooks (texts, delivery
//! reports, calls).

use domain::{
    Attachment, Channel, Conversation, ConversationId, Message, MessageBody, MessageId, PhoneNumber,
};
use store::StoreError;

mod cache;
mod channels;
mod optout;
mod queue;
mod thread;
pub mod twilio;
mod voice;
mod write;

pub use queue::{IngestParts, IngestQueue};
pub use twilio::{delivery_report, receive_sms, SignedRequest, TwilioReply};
pub use voice::incoming_call;

use crate::services::state::AppState;
use crate::services::ServiceError;
use cache::Lookups;
use write::Writer;

/// How often ingest is retried when a concurrent message for the same new
/// contact created the contact or conversation first.
const ATTEMPTS: usize = 3;

/// A customer's text as a provider delivered it.
#[derive(Debug, Clone)]
pub struct InboundSms {
    /// The channel (number) it was sent to.
    pub channel: Channel,
    /// Who sent it.
    pub from: PhoneNumber,
    /// The text (may be empty for an MMS with media only).
    pub body: MessageBody,
    /// Every media item.
    pub media: Vec<Attachment>,
    /// The provider's id (Twilio `MessageSid`): a retry with the same id stores nothing.
    pub provider_id: Option<String>,
}

/// What ingest did.
// `Stored` is the common case and is moved once; boxing it would cost an
// allocation per message and change a shape callers destructure.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Ingested {
    /// Stored now.
    Stored {
        /// The conversation it went into.
        conversation: Conversation,
        /// The stored message.
        message: Message,
    },
    /// The provider sent this message before; nothing new was stored.
    Duplicate {
        /// The message stored the first time.
        message_id: MessageId,
    },
}

impl Ingested {
    /// The conversation id, when the message was stored now.
    pub fn conversation_id(&self) -> Option<&ConversationId> {
        match self {
            Ingested::Stored { conversation, .. } => Some(&conversation.id),
            Ingested::Duplicate { .. } => None,
        }
    }
}

/// Stores an inbound SMS durably (the caller acknowledges the provider only
/// after this returns) and threads it per DESIGN.md §2.
///
/// Concurrent calls are committed together by the node's [`IngestQueue`]
/// (group commit): one transaction and one fsync for a burst of messages.
#[tracing::instrument(skip_all, fields(channel = %sms.channel.id), err(level = "debug"))]
pub async fn ingest_sms(state: &AppState, sms: InboundSms) -> Result<Ingested, ServiceError> {
    // A number does not text itself: such a text is a spoof or a loop (a
    // reply bounced back in), and storing it would make the inbox's own
    // number a contact the team answers.
    if sms.from.as_str() == sms.channel.address {
        return Err(ServiceError::invalid(
            "validation",
            format!(
                "from: {} is the number this text was sent to; a number cannot text itself",
                sms.from.as_str()
            ),
        ));
    }
    state.ingest.submit(sms).await
}

/// Stores one message on its own, retrying when a concurrent writer (another
/// node on PostgreSQL) created the same contact or conversation first.
pub(crate) async fn ingest_alone(
    state: &IngestParts,
    sms: &InboundSms,
) -> Result<Ingested, ServiceError> {
    let mut last_error = None;
    for _ in 0..ATTEMPTS {
        let attempt = async {
            let mut tx = state.store.begin().await?;
            let mut writer = Writer::new(state.clock.now(), true);
            writer.add(&mut tx, sms, &mut Lookups::default()).await?;
            let (mut ingested, events) = writer.finish(&mut tx).await?;
            tx.commit().await?;
            let ingested = ingested.pop().ok_or(StoreError::NotFound)?;
            Ok::<_, StoreError>((ingested, events))
        };
        match attempt.await {
            Ok((ingested, events)) => {
                state.hub.publish(events);
                return Ok(ingested);
            }
            Err(e @ (StoreError::Duplicate(_) | StoreError::VersionConflict)) => {
                last_error = Some(e)
            }
            Err(other) => return Err(other.into()),
        }
    }
    Err(last_error.map_or_else(
        || ServiceError::internal("ingest retries exhausted"),
        ServiceError::from,
    ))
}

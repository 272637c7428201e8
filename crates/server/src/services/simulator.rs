//! The phone simulator (DESIGN.md §4): a customer's phone played in the
//! browser. A text it sends goes through [`inbound::ingest_sms`], the same
//! path as a provider's webhook; what it receives is read back from the
//! messages the team replied with, as the deliver job marked them.

use domain::{ChannelKind, ConversationId, DomainError, MessageBody, MessageId, PhoneNumber};
use store::simulator::{PhoneMessage, SimulatorNumber};

use super::inbound::{self, InboundSms, Ingested};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How many texts a phone shows: the latest ones.
pub const PHONE_HISTORY: u32 = 200;

/// A text from a simulated phone, parsed and checked.
#[derive(Debug, Clone)]
pub struct Text {
    /// The customer's phone.
    pub from: PhoneNumber,
    /// The simulator number texted.
    pub to: PhoneNumber,
    /// What they wrote.
    pub body: MessageBody,
}

impl Text {
    /// Reads a text as typed on the page. Numbers without a country code are
    /// read in `region`; each problem names its field.
    pub fn parse(from: &str, to: &str, body: &str, region: &str) -> Result<Self, DomainError> {
        let from = parse_phone("from", from, region)?;
        let to = parse_phone("to", to, region)?;
        if from == to {
            return Err(DomainError::invalid(
                "from",
                "must differ from the number you are texting",
            ));
        }
        let body = MessageBody::parse(body, false)?;
        Ok(Self { from, to, body })
    }
}

/// Reads a phone number given in `field`, naming the field when it is not one.
pub fn parse_phone(
    field: &'static str,
    raw: &str,
    region: &str,
) -> Result<PhoneNumber, DomainError> {
    if raw.trim().is_empty() {
        return Err(DomainError::invalid(field, "a phone number is required"));
    }
    PhoneNumber::parse(raw, region).map_err(|e| DomainError::invalid(field, e.to_string()))
}

/// What the simulator stored for a text.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The inbound message.
    pub message_id: MessageId,
    /// The conversation it joined or started.
    pub conversation_id: ConversationId,
}

/// Delivers `text` to the simulator number it names, as a provider would:
/// 404 when no simulator channel has that number (a real provider's number
/// is not the simulator's to play).
#[tracing::instrument(skip_all, fields(to = %text.to), err(level = "debug"))]
pub async fn send(state: &AppState, text: Text) -> Result<Sent, ServiceError> {
    let channel = {
        let mut reader = state.store.read().await?;
        store::channels::by_address(&mut reader.conn(), ChannelKind::Sms, text.to.as_str()).await?
    }
    .filter(super::providers::simulated)
    .ok_or_else(|| {
        ServiceError::not_found(format!(
            "{} is not a simulator number on this server",
            text.to
        ))
    })?;
    let ingested = inbound::ingest_sms(
        state,
        InboundSms {
            channel,
            from: text.from,
            body: text.body,
            media: Vec::new(),
            provider_id: Some(provider_id()),
        },
    )
    .await?;
    match ingested {
        Ingested::Stored {
            conversation,
            message,
        } => Ok(Sent {
            message_id: message.id,
            conversation_id: conversation.id,
        }),
        // The id is fresh, so only a bug could land here; answer with what was stored.
        Ingested::Duplicate { message_id } => {
            let mut reader = state.store.read().await?;
            let message = store::messages::get(&mut reader.conn(), &message_id)
                .await?
                .ok_or_else(|| ServiceError::internal("a duplicate text has no message"))?;
            Ok(Sent {
                message_id,
                conversation_id: message.conversation_id,
            })
        }
    }
}

/// Every number a simulated customer can text.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn numbers(state: &AppState) -> Result<Vec<SimulatorNumber>, ServiceError> {
    let mut reader = state.store.read().await?;
    Ok(store::simulator::simulator_numbers(&mut reader.conn()).await?)
}

/// What `phone` sent to simulator numbers and received from them, oldest
/// first (the latest [`PHONE_HISTORY`]).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn phone_messages(
    state: &AppState,
    phone: &PhoneNumber,
) -> Result<Vec<PhoneMessage>, ServiceError> {
    let mut reader = state.store.read().await?;
    Ok(store::simulator::phone_messages(&mut reader.conn(), phone, PHONE_HISTORY).await?)
}

/// A provider message id of the simulator's own: `SIM` and 32 hex digits,
/// shaped like Twilio's `SM…` so the inbound path treats both alike.
fn provider_id() -> String {
    format!("SIM{}", uuid::Uuid::now_v7().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_reads_national_numbers_in_the_region() {
        let text = Text::parse("(415) 555-0123", "+1 212 555 0100", "Hi", "US").unwrap();
        assert_eq!(text.from.as_str(), "+14155550123");
        assert_eq!(text.to.as_str(), "+12125550100");
        assert_eq!(text.body.as_str(), "Hi");
    }

    #[test]
    fn each_problem_with_a_text_names_its_field() {
        let field = |from: &str, to: &str, body: &str| match Text::parse(from, to, body, "US") {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        };
        assert_eq!(field("12345", "+12125550100", "Hi"), "from");
        assert_eq!(field("", "+12125550100", "Hi"), "from");
        assert_eq!(field("+14155550123", "nope", "Hi"), "to");
        assert_eq!(field("+14155550123", "+12125550100", "  "), "body");
        assert_eq!(field("+12125550100", "(212) 555-0100", "Hi"), "from");
    }

    #[test]
    fn simulator_provider_ids_are_unique_and_shaped_like_twilios() {
        let (a, b) = (provider_id(), provider_id());
        assert_ne!(a, b);
        assert!(a.starts_with("SIM") && a.len() == 35, "{a}");
    }
}

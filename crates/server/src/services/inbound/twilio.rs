//! Twilio's webhooks: an inbound text, a delivery report, an inbound call.
//!
//! Each is verified the same way before anything is read or stored: the
//! channel named in the path must be a Twilio channel, and `X-Twilio-Signature`
//! must be its auth token's signature over the public URL Twilio was given
//! (`{public_url}` + the path and query received) and every form parameter
//! received (Twilio adds parameters without notice, so none is left out).

use channels::twilio::{signature, twiml, webhook};
use domain::{Channel, ChannelId, MessageBody, Provider};
use serde::Deserialize;

use super::{ingest_sms, InboundSms};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// A webhook request as received: what its signature covers.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// The channel id from the path.
    pub channel_id: String,
    /// The path and query as received (`/hooks/twilio/{channel}/sms`), which
    /// follows `public_url` in the URL Twilio signed.
    pub path_and_query: String,
    /// `X-Twilio-Signature`, when present.
    pub signature: Option<String>,
    /// The raw `application/x-www-form-urlencoded` body.
    pub body: Vec<u8>,
}

/// A TwiML document to answer Twilio with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwilioReply(pub String);

impl TwilioReply {
    /// `<Response/>`: received, nothing to do.
    pub fn empty() -> Self {
        Self(twiml::empty_response())
    }
}

/// A Twilio channel's account, as its settings hold it (see
/// `services::inboxes::channels::connect`). Never logged.
#[derive(Clone, Deserialize)]
pub(crate) struct Credentials {
    /// `AC…`.
    pub account_sid: String,
    /// The REST password and webhook-signing key.
    pub auth_token: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// The credentials of a Twilio channel; `None` when its settings lack them.
    pub(crate) fn of(channel: &Channel) -> Option<Self> {
        if channel.provider != Provider::Twilio {
            return None;
        }
        serde_json::from_str::<Credentials>(&channel.settings)
            .ok()
            .filter(|c| !c.account_sid.is_empty() && !c.auth_token.is_empty())
    }
}

/// A verified webhook: its channel and every parameter received.
#[derive(Debug)]
pub(crate) struct Verified {
    pub channel: Channel,
    pub params: Vec<(String, String)>,
}

/// Checks a webhook: 404 when the path names no Twilio channel, 403 when the
/// signature is missing or wrong. Nothing is stored before this passes.
pub(crate) async fn verify(
    state: &AppState,
    request: &SignedRequest,
) -> Result<Verified, ServiceError> {
    let id = ChannelId::parse(&request.channel_id).map_err(|_| no_channel())?;
    let url = format!(
        "{}{}",
        state.settings.public_url.trim_end_matches('/'),
        request.path_and_query
    );
    let params = webhook::parse_form(&request.body);
    let signed = |channel: &Channel| {
        Credentials::of(channel).is_some_and(|credentials| {
            request.signature.as_deref().is_some_and(|header| {
                signature::validate(&url, &params, &credentials.auth_token, header)
            })
        })
    };
    let channels = &state.ingest.channels;
    let mut channel = channels.get(&state.store, &id, false).await?;
    let mut valid = channel.as_ref().is_some_and(signed);
    // A token changed a moment ago is not remembered yet: read again before refusing.
    if channel.is_some() && !valid {
        channel = channels.get(&state.store, &id, true).await?;
        valid = channel.as_ref().is_some_and(signed);
    }
    let channel = channel
        .filter(|c| Credentials::of(c).is_some())
        .ok_or_else(no_channel)?;
    if !valid {
        tracing::warn!(channel_id = %channel.id, "refused a Twilio webhook without a valid signature");
        return Err(ServiceError::denied(
            "the X-Twilio-Signature header is missing or does not match",
        ));
    }
    Ok(Verified { channel, params })
}

fn no_channel() -> ServiceError {
    ServiceError::not_found("no Twilio channel here")
}

/// `POST /hooks/twilio/{channel}/sms`: stores the customer's text (once per
/// `MessageSid`; a retried webhook stores nothing) and answers only after
/// it is committed.
#[tracing::instrument(skip_all, fields(channel = %request.channel_id), err(level = "info"))]
pub async fn receive_sms(
    state: &AppState,
    request: SignedRequest,
) -> Result<TwilioReply, ServiceError> {
    let Verified { channel, params } = verify(state, &request).await?;
    // Twilio serves media over https; plain http only from a local stand-in.
    let schemes = if state.settings.twilio_api_base.starts_with("http://") {
        webhook::MediaSchemes::HttpAllowed
    } else {
        webhook::MediaSchemes::HttpsOnly
    };
    let sms = webhook::InboundSms::from_params(params, schemes).map_err(unreadable)?;
    let body = MessageBody::parse(&sms.body, true)?;
    ingest_sms(
        state,
        InboundSms {
            channel,
            from: sms.from,
            body,
            media: sms.media,
            provider_id: Some(sms.message_sid),
        },
    )
    .await?;
    Ok(TwilioReply::empty())
}

/// `POST /hooks/twilio/{channel}/status`: records a delivery report on the
/// message Twilio knows by `MessageSid`. Reports move the status forward
/// only, so `sent` arriving after `delivered` changes nothing. A report for a
/// message we do not know (sent elsewhere, or racing the job that records
/// the sid) is acknowledged and ignored.
#[tracing::instrument(skip_all, fields(channel = %request.channel_id), err(level = "info"))]
pub async fn delivery_report(
    state: &AppState,
    request: SignedRequest,
) -> Result<TwilioReply, ServiceError> {
    let Verified { channel, params } = verify(state, &request).await?;
    let report = webhook::StatusCallback::from_params(&params).map_err(unreadable)?;
    let Some(status) = report.status else {
        tracing::debug!(twilio_status = %report.twilio_status, "status without meaning for a reply");
        return Ok(TwilioReply::empty());
    };
    let error_message = report.error_message.clone().or_else(|| {
        report
            .error_code
            .as_deref()
            .and_then(describe)
            .map(str::to_string)
    });
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    let Some(message) =
        store::messages::by_provider_id(&mut tx.conn(), &channel.id, &report.message_sid).await?
    else {
        tracing::info!(message_sid = %report.message_sid, "status for a message we do not know");
        return Ok(TwilioReply::empty());
    };
    let conversation = store::conversations::get(&mut tx.conn(), &message.conversation_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("the message's conversation is gone"))?;
    let event = store::messages::set_delivery(
        &mut tx,
        &message,
        &conversation,
        status,
        report.error_code.as_deref(),
        error_message.as_deref(),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    state.hub.publish(event);
    Ok(TwilioReply::empty())
}

/// A signed webhook whose fields cannot be read: 400, with what is wrong.
pub(crate) fn unreadable(error: channels::Error) -> ServiceError {
    ServiceError::malformed("validation", error.to_string()).with_source(error)
}

/// What Twilio's most common delivery failure codes mean, for the agent
/// (Twilio's status callbacks carry the code without a description).
fn describe(code: &str) -> Option<&'static str> {
    Some(match code {
        "30001" => "Queue overflow: too many messages were sent to Twilio at once",
        "30002" => "The Twilio account is suspended",
        "30003" => "Unreachable destination handset (switched off or out of coverage)",
        "30004" => "The message was blocked by the recipient or their carrier",
        "30005" => "Unknown destination handset: the number may not exist",
        "30006" => "Landline or unreachable carrier: the number cannot receive texts",
        "30007" => "The carrier filtered the message as spam",
        "30008" => "Unknown error from the carrier",
        "30034" => "The sending number is not registered for A2P 10DLC",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(provider: Provider, settings: &str) -> Channel {
        Channel {
            id: ChannelId::generate(),
            inbox_id: domain::InboxId::generate(),
            kind: domain::ChannelKind::Sms,
            provider,
            address: "+14155550100".into(),
            settings: settings.into(),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn credentials_are_read_from_a_twilio_channel_only_and_never_printed() {
        let settings = r#"{"account_sid":"AC1","auth_token":"s3cret"}"#;
        let found = Credentials::of(&channel(Provider::Twilio, settings));
        assert_eq!(found.as_ref().map(|c| c.account_sid.as_str()), Some("AC1"));
        assert!(!format!("{found:?}").contains("s3cret"));
        assert!(Credentials::of(&channel(Provider::Simulator, settings)).is_none());
        assert!(Credentials::of(&channel(Provider::Twilio, "{}")).is_none());
        assert!(Credentials::of(&channel(
            Provider::Twilio,
            r#"{"account_sid":"AC1","auth_token":""}"#
        ))
        .is_none());
    }

    #[test]
    fn common_delivery_failures_are_described_for_agents() {
        assert!(describe("30003").is_some_and(|d| d.contains("Unreachable")));
        assert_eq!(describe("99999"), None);
    }
}

//! Sending a reply through Twilio's REST API with the channel's account.

use channels::twilio::{TwilioClient, TwilioConfig};
use channels::{OutboundSms, SendError, SmsProvider as _};
use domain::{Channel, Contact, DeliveryStatus, PhoneNumber};
use url::Url;

use super::{Outcome, Target};
use crate::jobs::JobError;
use crate::services::inbound::twilio::Credentials;
use crate::state::AppState;

/// Twilio's code for "the recipient replied STOP to this number".
const UNSUBSCRIBED: &str = "21610";

/// Sends the message of `target` from the channel's number. Twilio answers
/// with the message's sid, kept so that status callbacks find the message.
pub(super) async fn send(
    state: &AppState,
    target: &Target,
    channel: &Channel,
    contact: &Contact,
) -> Result<Outcome, JobError> {
    let Some(credentials) = Credentials::of(channel) else {
        return Ok(Outcome::failed(
            None,
            "the Twilio channel has no account credentials; reconnect the number",
        ));
    };
    let Some(to) = contact.phone.clone() else {
        return Ok(Outcome::failed(None, "the contact has no phone number"));
    };
    let status_callback = format!(
        "{}/hooks/twilio/{}/status",
        state.settings.public_url.trim_end_matches('/'),
        channel.id
    );
    let media_urls = target
        .message
        .attachments
        .iter()
        .filter_map(|a| Url::parse(&a.url).ok())
        .collect();
    let sms = OutboundSms {
        from: PhoneNumber::from_trusted(channel.address.clone()),
        to,
        body: target.message.body.as_str().to_string(),
        media_urls,
        status_callback: Url::parse(&status_callback).ok(),
    };
    let config = TwilioConfig {
        base_url: state.settings.twilio_api_base.clone(),
        account_sid: credentials.account_sid,
        auth_token: credentials.auth_token,
        timeout: TwilioConfig::DEFAULT_TIMEOUT,
    };
    let client = match TwilioClient::new(config) {
        Ok(client) => client,
        Err(error) => return Ok(Outcome::failed(None, error.to_string())),
    };
    match client.send(sms).await {
        Ok(sent) => Ok(Outcome {
            // Twilio's first status is never reported by callback, so the
            // one it answers with is recorded now; `queued` in Switchboard
            // means our job has not run, so it is never recorded as that.
            status: match sent.status {
                DeliveryStatus::Queued => DeliveryStatus::Sending,
                other => other,
            },
            provider_id: Some(sent.provider_id),
            error_code: None,
            error_message: None,
        }),
        Err(SendError::Transient(error)) => Err(JobError::retry(error)),
        Err(SendError::Permanent { code, message }) => {
            if code.as_deref() == Some(UNSUBSCRIBED) {
                mark_opted_out(state, contact).await;
            }
            Ok(Outcome::failed(code.as_deref(), message))
        }
        // The answer could not be read: the message may well have been sent,
        // so it is not retried (a retry could text the customer twice).
        Err(other) => Ok(Outcome::failed(None, other.to_string())),
    }
}

/// Twilio knows the contact replied STOP (perhaps before Switchboard saw
/// it): remember it, so the next reply is refused before it is written.
async fn mark_opted_out(state: &AppState, contact: &Contact) {
    if contact.is_opted_out() {
        return;
    }
    let marked = async {
        let mut tx = state.store.begin().await?;
        store::contacts::set_opted_out(&mut tx, &contact.id, Some(state.clock.now())).await?;
        tx.commit().await
    };
    if let Err(error) = marked.await {
        tracing::warn!(%error, contact_id = %contact.id, "could not record Twilio's opt-out");
    }
}

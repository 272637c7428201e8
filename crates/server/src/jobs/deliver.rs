//! Handing an outbound message to its channel.
//!
//! The job re-reads everything at send time: the contact may have texted
//! STOP, or the inbox lost its carrier registration, since the reply was
//! written; either way the message fails with the reason and nothing is sent.

use super::{Attempt, JobError};
use crate::services::messages::refuse_sending;
use crate::services::providers;
use crate::services::state::AppState;
use channels::{OutboundSms, SendError};
use domain::{
    Channel, Contact, Conversation, DeliveryStatus, Inbox, Message, MessageId, PhoneNumber,
};
use store::sending::Claim;
use url::Url;

/// Everything a send needs, read in one go.
#[derive(Debug)]
struct Target {
    message: Message,
    conversation: Conversation,
    inbox: Inbox,
    contact: Option<Contact>,
    channel: Option<Channel>,
}

/// What became of a message: the status to record and why.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    /// The new delivery status.
    pub status: DeliveryStatus,
    /// The provider's id for the message, once it has one.
    pub provider_id: Option<String>,
    /// A stable code for a failure (Twilio's `21211`, or our `opted_out`).
    pub error_code: Option<String>,
    /// What the agent reads about a failure.
    pub error_message: Option<String>,
}

impl Outcome {
    fn failed(code: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            status: DeliveryStatus::Failed,
            provider_id: None,
            error_code: code.map(str::to_string),
            error_message: Some(message.into()),
        }
    }
}

/// Twilio's code for "the recipient replied STOP to this number".
const UNSUBSCRIBED: &str = "21610";

/// Sends one queued message through the channel's provider. The simulator's
/// phone receives it at once, so it is delivered as soon as the job runs;
/// Twilio takes it with a status callback URL and later reports its
/// progress there.
///
/// A provider that is briefly unavailable is a transient failure: the job is
/// retried with backoff, and the message fails only when the last attempt
/// does. A refusal (Twilio's 4xx) fails the message with the provider's
/// code and reason and completes the job: retrying would fail the same way.
///
/// Only the run holding the message's send claim calls the provider (see
/// [`claim_lasts`]): a job run again because its lease ran out while the
/// first run was still sending waits for that run instead of texting the
/// customer a second time.
pub async fn run(state: &AppState, id: &MessageId, attempt: Attempt) -> Result<(), JobError> {
    let Some(target) = load(state, id).await? else {
        return Ok(()); // deleted with its inbox: nothing to send
    };
    let token = uuid::Uuid::now_v7().to_string();
    match claim(state, id, &token).await? {
        Claim::Taken => {}
        // Handed over already (by a run whose worker died before it
        // completed the job), failed, or deleted: never sent twice.
        Claim::Done => return Ok(()),
        Claim::HeldUntil(until) => {
            let wait = (until - state.clock.now()).to_std().unwrap_or_default();
            return Err(JobError::Retry {
                after: Some(wait),
                reason: "another run is still sending this message".to_string(),
            });
        }
    }
    let outcome = match send(state, &target).await {
        Ok(outcome) => outcome,
        Err(retry @ JobError::Retry { .. }) if !attempt.is_last() => {
            // Not sent: the next attempt may claim it at once.
            release(state, id, &token).await?;
            return Err(retry);
        }
        Err(JobError::Retry { reason: error, .. } | JobError::Fail(error)) => {
            let outcome = Outcome::failed(None, format!("sending failed: {error}"));
            record(state, &target, &outcome).await?;
            return Err(JobError::Fail(error));
        }
    };
    record(state, &target, &outcome).await
}

/// How long a run's claim on sending a message lasts: twice the job lease.
///
/// A second run of the same job starts when the first one's lease (taken
/// for its whole batch) runs out; the claim, taken later, when this message's
/// turn in the batch came, must still hold then, and for as long as one send
/// can take (the Twilio client gives up after 15 s). A claim that outlives
/// its run — the node died while sending — lapses, and a later attempt
/// sends the message: Twilio has no idempotency key for creating a message,
/// so if the dead run's request had reached Twilio the customer gets the
/// text twice. That is the choice made here, as for a timed-out request
/// (`channels::twilio`): a text twice in that rare case rather than one
/// silently lost. Each wait for another run's claim uses one of the job's
/// attempts, so the claim lapses within the attempts a job has.
fn claim_lasts(state: &AppState) -> chrono::TimeDelta {
    let lease = std::time::Duration::from_secs(state.settings.lease_secs);
    chrono::TimeDelta::from_std(lease.saturating_mul(2)).unwrap_or(chrono::TimeDelta::MAX)
}

/// Takes the message's send claim for this run (`token`), in a transaction
/// of its own so that other runs see it at once.
async fn claim(state: &AppState, id: &MessageId, token: &str) -> Result<Claim, JobError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await.map_err(transient)?;
    let until = now
        .checked_add_signed(claim_lasts(state))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    let claim = store::sending::claim(&mut tx, id, token, now, until)
        .await
        .map_err(transient)?;
    tx.commit().await.map_err(transient)?;
    Ok(claim)
}

/// Lets go of this run's claim after a send that will be tried again.
async fn release(state: &AppState, id: &MessageId, token: &str) -> Result<(), JobError> {
    let mut tx = state.store.begin().await.map_err(transient)?;
    store::sending::release(&mut tx, id, token)
        .await
        .map_err(transient)?;
    tx.commit().await.map_err(transient)
}

/// Decides and, for a real provider, sends.
async fn send(state: &AppState, target: &Target) -> Result<Outcome, JobError> {
    let Some(contact) = &target.contact else {
        return Ok(Outcome::failed(None, "the contact no longer exists"));
    };
    if let Err(refused) = refuse_sending(&target.inbox, contact) {
        return Ok(Outcome::failed(
            Some(refused.code()),
            refused.detail().to_string(),
        ));
    }
    let Some(channel) = &target.channel else {
        return Ok(Outcome::failed(
            None,
            "the conversation's channel was removed",
        ));
    };
    let provider = match providers::sending_through(state, channel) {
        Ok(provider) => provider,
        Err(why) => return Ok(Outcome::failed(None, why)),
    };
    let Some(to) = contact.phone.clone() else {
        return Ok(Outcome::failed(None, "the contact has no phone number"));
    };
    let status_callback = format!(
        "{}/hooks/{}/{}/status",
        state.settings.public_url.trim_end_matches('/'),
        domain::text::Word::as_str(channel.provider),
        channel.id
    );
    let sms = OutboundSms {
        from: PhoneNumber::from_trusted(channel.address.clone()),
        to,
        body: target.message.body.as_str().to_string(),
        media_urls: target
            .message
            .attachments
            .iter()
            .filter_map(|a| Url::parse(&a.url).ok())
            .collect(),
        status_callback: Url::parse(&status_callback).ok(),
    };
    match provider.send(sms).await {
        Ok(sent) => Ok(Outcome {
            // A provider's first status is never reported by callback, so the
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
        Err(SendError::RateLimited(wait)) => Err(JobError::Retry {
            after: Some(wait),
            reason: "the provider asked us to slow down".to_string(),
        }),
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

/// The provider knows the contact replied STOP (perhaps before Switchboard
/// saw it): remember it, so the next reply is refused before it is written.
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
        tracing::warn!(%error, contact_id = %contact.id, "could not record the provider's opt-out");
    }
}

async fn load(state: &AppState, id: &MessageId) -> Result<Option<Target>, JobError> {
    let mut reader = state.store.read().await.map_err(transient)?;
    let mut conn = reader.conn();
    let Some(message) = store::messages::get(&mut conn, id)
        .await
        .map_err(transient)?
    else {
        return Ok(None);
    };
    let Some(conversation) = store::conversations::get(&mut conn, &message.conversation_id)
        .await
        .map_err(transient)?
    else {
        return Ok(None);
    };
    let Some(inbox) = store::inboxes::get(&mut conn, &conversation.inbox_id)
        .await
        .map_err(transient)?
    else {
        return Ok(None);
    };
    let contact = store::contacts::get(&mut conn, &conversation.contact_id)
        .await
        .map_err(transient)?;
    let channel = match &conversation.channel_id {
        Some(id) => store::channels::get(&mut conn, id)
            .await
            .map_err(transient)?,
        None => None,
    };
    Ok(Some(Target {
        message,
        conversation,
        inbox,
        contact,
        channel,
    }))
}

/// Records the outcome on the message (forward only) and publishes its event.
async fn record(state: &AppState, target: &Target, outcome: &Outcome) -> Result<(), JobError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await.map_err(transient)?;
    let event = store::messages::set_delivery(
        &mut tx,
        &target.message,
        &target.conversation,
        outcome.status,
        outcome.error_code.as_deref(),
        outcome.error_message.as_deref(),
        outcome.provider_id.as_deref(),
        now,
    )
    .await
    .map_err(transient)?;
    tx.commit().await.map_err(transient)?;
    state.hub.publish(event);
    Ok(())
}

fn transient(error: impl std::fmt::Display) -> JobError {
    JobError::retry(error.to_string())
}

//! The numbers that feed an inbox: listing, connecting and disconnecting
//! them. Finding numbers to connect is [`super::numbers`].

use chrono::SubsecRound;
use std::fmt;

use domain::{
    Action, Channel, ChannelId, ChannelKind, DomainError, InboxId, InboxKind, PhoneNumber,
    Provider, Registration,
};
use store::StoreError;

use crate::services::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

pub use super::numbers::{available_numbers, NumberSearch};
use crate::services::providers;
pub use crate::services::providers::twilio_configured;

/// An SMS channel to connect, already parsed.
#[derive(Clone, PartialEq, Eq)]
pub enum NewChannel {
    /// A number of the built-in phone simulator.
    Simulator {
        /// The number customers text.
        number: PhoneNumber,
    },
    /// A number the workspace owns at Twilio, with the account that owns it.
    Twilio {
        /// The number customers text.
        number: PhoneNumber,
        /// The account SID (`AC` and 32 hex digits).
        account_sid: String,
        /// The account's auth token. Secret: stored in the channel's
        /// settings, never logged, never returned.
        auth_token: String,
    },
    /// A number to buy now from Twilio with the operator's account
    /// (`twilio_account_sid` / `twilio_auth_token` in the configuration).
    TwilioPurchase {
        /// The number, as offered by [`available_numbers`].
        number: PhoneNumber,
    },
}

// Written by hand so that the auth token never reaches a log.
impl fmt::Debug for NewChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Simulator { number } => {
                f.debug_struct("Simulator").field("number", number).finish()
            }
            Self::TwilioPurchase { number } => f
                .debug_struct("TwilioPurchase")
                .field("number", number)
                .finish(),
            Self::Twilio {
                number,
                account_sid,
                ..
            } => f
                .debug_struct("Twilio")
                .field("number", number)
                .field("account_sid", account_sid)
                .field("auth_token", &"<redacted>")
                .finish(),
        }
    }
}

impl NewChannel {
    /// Checks Twilio credentials for shape; whether Twilio accepts them is
    /// known on the first send.
    pub fn twilio(
        number: PhoneNumber,
        account_sid: &str,
        auth_token: &str,
    ) -> Result<Self, DomainError> {
        let sid = account_sid.trim();
        let sid_ok = sid.len() == 34
            && sid.starts_with("AC")
            && sid[2..].chars().all(|c| c.is_ascii_hexdigit());
        if !sid_ok {
            return Err(DomainError::invalid(
                "account_sid",
                "must be AC followed by 32 hexadecimal digits",
            ));
        }
        let token = auth_token.trim();
        if token.is_empty() || token.len() > 128 || !token.chars().all(|c| c.is_ascii_graphic()) {
            return Err(DomainError::invalid(
                "auth_token",
                "must be the account's auth token (up to 128 printable ASCII characters)",
            ));
        }
        Ok(Self::Twilio {
            number,
            account_sid: sid.to_string(),
            auth_token: token.to_string(),
        })
    }

    fn number(&self) -> &PhoneNumber {
        match self {
            Self::Simulator { number }
            | Self::Twilio { number, .. }
            | Self::TwilioPurchase { number } => number,
        }
    }
}

/// The channels of an inbox, oldest first. Members may list them (composing
/// picks one); their settings never leave the server.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn list(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
) -> Result<Vec<Channel>, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    access::inbox(&mut conn, who, id, Action::SeeInbox).await?;
    Ok(store::channels::for_inbox(&mut conn, id).await?)
}

/// Connects an SMS number to an inbox (admins). A number already connected
/// anywhere is refused: inbound texts to it must reach exactly one inbox.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn connect(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    new: NewChannel,
) -> Result<Channel, ServiceError> {
    // Milliseconds, as stored: what this answers equals what a later read returns.
    let now = state.clock.now().trunc_subsecs(3);
    let channel_id = ChannelId::generate();
    if let NewChannel::TwilioPurchase { number } = &new {
        // Authorise before spending money; the purchase is a network call, so
        // it happens outside the transaction.
        let mut reader = state.store.read().await?;
        access::inbox(&mut reader.conn(), who, id, Action::ManageInboxPolicy).await?;
        drop(reader);
        super::numbers::buy(state, Provider::Twilio, &channel_id, number).await?;
    }
    let mut tx = state.store.begin().await?;
    let mut inbox = access::inbox(&mut tx.conn(), who, id, Action::ManageInboxPolicy).await?;
    let address = new.number().as_str().to_string();
    let (provider, settings) = providers::stored(state, new)?;
    let channel = Channel {
        id: channel_id,
        inbox_id: id.clone(),
        kind: ChannelKind::Sms,
        provider,
        address,
        settings: settings.to_string(),
        created_at: now,
    };
    let gated = registration_starts(&mut tx.conn(), who, &inbox, provider).await?;
    store::channels::create(&mut tx, &channel)
        .await
        .map_err(|error| match error {
            StoreError::Duplicate(_) => ServiceError::conflict(
                "number_taken",
                format!(
                    "phone_number: {} is already connected to an inbox",
                    channel.address
                ),
            )
            .with_source(error),
            other => other.into(),
        })?;
    if gated {
        inbox.registration = Registration::Pending;
        store::inboxes::update(&mut tx, &inbox).await?;
    }
    tx.commit().await?;
    tracing::info!(channel_id = %channel.id, provider = ?channel.provider, "channel connected");
    Ok(channel)
}

/// Whether connecting a `provider` number to `inbox` starts its carrier
/// registration (A2P 10DLC), leaving it `pending` until an admin records the
/// carrier's approval: when it is the first shared inbox of its workspace
/// with a real provider's number. The workspace registers its brand once,
/// with that first inbox; simulator numbers reach no carrier and need none,
/// and a personal inbox is one person's own number.
async fn registration_starts(
    conn: &mut store::Conn<'_>,
    who: &Principal,
    inbox: &domain::Inbox,
    provider: Provider,
) -> Result<bool, ServiceError> {
    if !providers::reaches_carriers(provider)
        || inbox.kind != InboxKind::Shared
        || inbox.registration != Registration::Approved
    {
        return Ok(false);
    }
    // Every inbox of the workspace (`all`: the caller is an admin).
    let inboxes = store::inboxes::visible_to(conn, &inbox.workspace_id, &who.user.id, true).await?;
    for other in inboxes {
        if other.inbox.kind != InboxKind::Shared {
            continue;
        }
        let channels = store::channels::for_inbox(conn, &other.inbox.id).await?;
        if channels
            .iter()
            .any(|c| providers::reaches_carriers(c.provider))
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Disconnects a channel of this inbox (admins). Its conversations and
/// messages stay in the inbox.
#[tracing::instrument(skip_all, fields(inbox_id = %id, channel_id = %channel_id), err(level = "debug"))]
pub async fn disconnect(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    channel_id: &ChannelId,
) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    access::inbox(&mut tx.conn(), who, id, Action::ManageInboxPolicy).await?;
    let belongs = store::channels::get(&mut tx.conn(), channel_id)
        .await?
        .is_some_and(|c| c.inbox_id == *id);
    if !belongs {
        return Err(ServiceError::not_found("no such channel in this inbox"));
    }
    store::channels::delete(&mut tx, channel_id).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_credentials_are_checked_and_never_printed() {
        let number = PhoneNumber::parse("+14155550100", "US").unwrap();
        let sid = format!("AC{}", "0a".repeat(16));
        let channel = NewChannel::twilio(number.clone(), &sid, "s3cret").unwrap();
        assert!(!format!("{channel:?}").contains("s3cret"));
        assert!(NewChannel::twilio(number.clone(), "AC123", "s3cret").is_err());
        assert!(NewChannel::twilio(number, &sid, " ").is_err());
    }
}

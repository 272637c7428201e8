//! The one place that picks the SMS provider: a channel's provider sends its
//! replies with the channel's own account; the operator's account (or the
//! simulator) searches and buys numbers. Everything else holds an
//! `Arc<dyn SmsProvider>` and does not ask which one it is. Email (SMTP) and
//! Slack plug in here the same way.

use std::sync::Arc;

use channels::simulator::Simulator;
use channels::twilio::{TwilioClient, TwilioConfig};
use channels::SmsProvider;
use domain::text::Word;
use domain::{Channel, DomainError, PhoneNumber, Provider};

use super::inbound::twilio::Credentials;
use super::inboxes::channels::NewChannel;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The provider that sends through `channel`, or why nothing can (the
/// reason is recorded on the message for the agent).
pub fn sending_through(
    state: &AppState,
    channel: &Channel,
) -> Result<Arc<dyn SmsProvider>, String> {
    match channel.provider {
        Provider::Simulator => Ok(Arc::new(Simulator)),
        Provider::Twilio => {
            let credentials = Credentials::of(channel).ok_or_else(|| {
                "the Twilio channel has no account credentials; reconnect the number".to_string()
            })?;
            twilio(state, credentials.account_sid, credentials.auth_token)
                .map_err(|e| e.to_string())
        }
        Provider::Smtp => Err("this channel sends e-mail, not text messages".to_string()),
    }
}

/// The provider that finds and buys numbers of `provider` for the server's
/// operator: the simulator, or Twilio with `twilio_account_sid` and
/// `twilio_auth_token` from the configuration.
pub fn for_numbers(
    state: &AppState,
    provider: Provider,
) -> Result<Arc<dyn SmsProvider>, ServiceError> {
    match provider {
        Provider::Simulator => Ok(Arc::new(Simulator)),
        Provider::Twilio => {
            let (sid, token) = operator_account(state)?;
            twilio(state, sid, token)
                .map_err(|e| ServiceError::invalid("twilio_not_configured", e.to_string()))
        }
        Provider::Smtp => Err(ServiceError::invalid(
            "validation",
            "provider: e-mail addresses are not phone numbers to search",
        )),
    }
}

/// Whether the server has an operator Twilio account to search and buy
/// numbers with (`twilio_account_sid` and `twilio_auth_token`).
pub fn twilio_configured(state: &AppState) -> bool {
    operator_account(state).is_ok()
}

/// The operator's Twilio account from the configuration.
pub(crate) fn operator_account(state: &AppState) -> Result<(String, String), ServiceError> {
    match (
        &state.settings.twilio_account_sid,
        &state.settings.twilio_auth_token,
    ) {
        (Some(sid), Some(token)) => Ok((sid.clone(), token.expose().to_string())),
        _ => Err(ServiceError::invalid(
            "twilio_not_configured",
            "searching and buying Twilio numbers needs twilio_account_sid and \
             twilio_auth_token in the server's configuration",
        )),
    }
}

fn twilio(
    state: &AppState,
    account_sid: String,
    auth_token: String,
) -> Result<Arc<dyn SmsProvider>, channels::Error> {
    let config = TwilioConfig {
        base_url: state.settings.twilio_api_base.clone(),
        account_sid,
        auth_token,
        timeout: TwilioConfig::DEFAULT_TIMEOUT,
    };
    Ok(Arc::new(TwilioClient::with_http(
        config,
        state.http.clone(),
    )?))
}

/// A request to connect a number, as an API caller wrote it: which provider
/// and whatever that provider needs.
#[derive(Clone, Copy)]
pub struct ChannelRequest<'a> {
    /// The provider named.
    pub provider: Provider,
    /// Twilio: the account SID of a number the workspace owns.
    pub account_sid: Option<&'a str>,
    /// Twilio: that account's auth token (secret).
    pub auth_token: Option<&'a str>,
    /// Twilio: buy the number with the server's account instead.
    pub purchase: Option<bool>,
}

// Written by hand so that the auth token never reaches a log.
impl std::fmt::Debug for ChannelRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelRequest")
            .field("provider", &self.provider)
            .field("purchase", &self.purchase)
            .finish_non_exhaustive()
    }
}

/// The channel `request` asks to connect for `number`, or which field is wrong.
pub fn new_channel(
    number: PhoneNumber,
    request: ChannelRequest<'_>,
) -> Result<NewChannel, DomainError> {
    let twilio_only =
        |field: &'static str| DomainError::invalid(field, "is for the twilio provider only");
    match request.provider {
        Provider::Simulator if request.account_sid.is_some() => Err(twilio_only("account_sid")),
        Provider::Simulator if request.auth_token.is_some() => Err(twilio_only("auth_token")),
        Provider::Simulator if request.purchase.is_some() => Err(twilio_only("purchase")),
        Provider::Simulator => Ok(NewChannel::Simulator { number }),
        Provider::Twilio if request.purchase == Some(true) => {
            if request.account_sid.is_some() || request.auth_token.is_some() {
                return Err(DomainError::invalid(
                    "purchase",
                    "buys with the server's Twilio account; leave out account_sid and auth_token",
                ));
            }
            Ok(NewChannel::TwilioPurchase { number })
        }
        Provider::Twilio => NewChannel::twilio(
            number,
            request.account_sid.unwrap_or_default(),
            request.auth_token.unwrap_or_default(),
        ),
        Provider::Smtp => Err(DomainError::invalid(
            "provider",
            "smtp carries email, not sms",
        )),
    }
}

/// The channel that connects `number`, found by searching `provider`'s
/// numbers ([`for_numbers`]): the simulator's is connected as it is, a
/// Twilio one is bought with the server's account.
pub fn offered(provider: Provider, number: PhoneNumber) -> NewChannel {
    match provider {
        Provider::Twilio => NewChannel::TwilioPurchase { number },
        Provider::Simulator | Provider::Smtp => NewChannel::Simulator { number },
    }
}

/// The provider whose numbers a search named `name` looks through. Twilio
/// only when asked for by name: opening a page must not call Twilio, and the
/// simulator is always there.
pub fn searched(name: &str) -> Provider {
    if name == Provider::Twilio.as_str() {
        Provider::Twilio
    } else {
        Provider::Simulator
    }
}

/// The provider of `new` and the settings stored with its channel (Twilio:
/// the account that sends its replies).
pub(crate) fn stored(
    state: &AppState,
    new: NewChannel,
) -> Result<(Provider, serde_json::Value), ServiceError> {
    Ok(match new {
        NewChannel::Simulator { .. } => (Provider::Simulator, serde_json::json!({})),
        NewChannel::TwilioPurchase { .. } => {
            let (account_sid, auth_token) = operator_account(state)?;
            (
                Provider::Twilio,
                serde_json::json!({ "account_sid": account_sid, "auth_token": auth_token }),
            )
        }
        NewChannel::Twilio {
            account_sid,
            auth_token,
            ..
        } => (
            Provider::Twilio,
            serde_json::json!({ "account_sid": account_sid, "auth_token": auth_token }),
        ),
    })
}

/// Whether texts on `channel` come from the phone simulator's made-up
/// customers rather than real phones.
pub fn simulated(channel: &Channel) -> bool {
    channel.provider == Provider::Simulator
}

/// Whether `provider`'s numbers reach real carriers, which want the
/// workspace registered (A2P 10DLC) before it texts customers.
pub fn reaches_carriers(provider: Provider) -> bool {
    match provider {
        Provider::Twilio => true,
        Provider::Simulator | Provider::Smtp => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_search_that_names_twilio_calls_twilio() {
        assert_eq!(searched("twilio"), Provider::Twilio);
        for other in ["", "simulator", "TWILIO", "smtp", "bogus"] {
            assert_eq!(searched(other), Provider::Simulator, "{other}");
        }
    }
}

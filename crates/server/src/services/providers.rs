//! The one place that picks the SMS provider: a channel's provider sends its
//! replies with the channel's own account; the operator's account (or the
//! simulator) searches and buys numbers. Everything else holds an
//! `Arc<dyn SmsProvider>` and does not ask which one it is. Email (SMTP) and
//! Slack plug in here the same way.

use std::sync::Arc;

use channels::simulator::Simulator;
use channels::twilio::{TwilioClient, TwilioConfig};
use channels::SmsProvider;
use domain::{Channel, Provider};

use super::inbound::twilio::Credentials;
use crate::services::ServiceError;
use crate::state::AppState;

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

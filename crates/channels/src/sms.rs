//! The [`SmsProvider`] trait and the values that cross it.
//!
//! The trait returns boxed futures rather than using `async fn` so that it
//! stays object-safe: the server holds an `Arc<dyn SmsProvider>` and picks
//! Twilio or the simulator at start-up, and tests hand it a fake, without a
//! macro crate or an enum that must know every provider.

use std::future::Future;
use std::pin::Pin;

use domain::{DeliveryStatus, PhoneNumber};
use url::Url;

use crate::error::SendError;

/// A future that can be held across threads, as returned by [`SmsProvider`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An SMS provider: sends texts, finds numbers and buys them.
///
/// Implementations map failures to [`SendError::Transient`] (retry with
/// backoff) or [`SendError::Permanent`] (show the provider's reason).
pub trait SmsProvider: Send + Sync + std::fmt::Debug {
    /// Hands one message to the provider.
    fn send(&self, sms: OutboundSms) -> BoxFuture<'_, Result<SentSms, SendError>>;

    /// Numbers that could be bought, matching `search`.
    fn available_numbers(
        &self,
        search: NumberSearch,
    ) -> BoxFuture<'_, Result<Vec<AvailableNumber>, SendError>>;

    /// Buys a number and points its webhooks at Switchboard.
    fn purchase_number(
        &self,
        request: PurchaseRequest,
    ) -> BoxFuture<'_, Result<PurchasedNumber, SendError>>;
}

/// A text to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundSms {
    /// The inbox's number.
    pub from: PhoneNumber,
    /// The customer's number.
    pub to: PhoneNumber,
    /// The text; may be empty when `media_urls` is not.
    pub body: String,
    /// Public URLs of media to send as MMS (none for a plain SMS).
    pub media_urls: Vec<Url>,
    /// Where the provider should report delivery statuses
    /// (`{public_url}/hooks/twilio/{channel}/status`).
    pub status_callback: Option<Url>,
}

/// What the provider said when it accepted a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentSms {
    /// The provider's id for the message (Twilio's `SM…` sid): status
    /// callbacks name the message by it.
    pub provider_id: String,
    /// The status the provider reported on acceptance.
    pub status: DeliveryStatus,
}

/// A search for numbers to buy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberSearch {
    /// ISO 3166-1 alpha-2 country code, for example `US`.
    pub country: String,
    /// Only numbers in this area code (US and Canada).
    pub area_code: Option<String>,
    /// Only numbers containing this pattern (digits, letters, `*` wildcards).
    pub contains: Option<String>,
}

impl NumberSearch {
    /// A search of one country with no other filter.
    pub fn in_country(country: impl Into<String>) -> Self {
        Self {
            country: country.into(),
            area_code: None,
            contains: None,
        }
    }
}

/// A number that can be bought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailableNumber {
    /// The number.
    pub phone_number: PhoneNumber,
    /// The provider's display form, for example `(415) 555-0100`.
    pub friendly_name: String,
    /// City, when the provider knows it.
    pub locality: Option<String>,
    /// State or province, when the provider knows it.
    pub region: Option<String>,
    /// ISO country code.
    pub iso_country: String,
    /// Whether it can send and receive SMS.
    pub sms: bool,
    /// Whether it can send and receive MMS.
    pub mms: bool,
    /// Whether it can take calls.
    pub voice: bool,
}

/// A request to buy a number and point its webhooks at Switchboard.
///
/// There is no delivery-status URL here on purpose: Twilio's `StatusCallback`
/// on a number reports *call* statuses; SMS delivery statuses are asked for
/// per message ([`OutboundSms::status_callback`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseRequest {
    /// The number to buy (one from [`SmsProvider::available_numbers`]).
    pub phone_number: PhoneNumber,
    /// Where inbound texts go (`{public_url}/hooks/twilio/{channel}/sms`).
    pub sms_url: Url,
    /// Where inbound calls go (`{public_url}/hooks/twilio/{channel}/voice`).
    pub voice_url: Option<Url>,
}

/// A number now owned by the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchasedNumber {
    /// The provider's id for the number (Twilio's `PN…` sid).
    pub provider_id: String,
    /// The number.
    pub phone_number: PhoneNumber,
}

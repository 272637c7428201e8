//! Switchboard's outside world, as a library with no knowledge of the server.
//!
//! - [`sms`]: the [`SmsProvider`] trait every SMS provider implements, and the
//!   types that cross it.
//! - [`twilio`]: Twilio's REST client, request signatures, webhook parsing and TwiML.
//! - [`simulator`]: the built-in phone simulator as a provider.
//! - [`optout`]: STOP / START / HELP keywords.
//! - [`webhooks`]: Standard Webhooks signatures for outgoing webhooks.
//! - [`email`]: email out over SMTP (notifications, forwarded messages).
//! - [`slack`]: Slack's Web API, Block Kit notifications, signed interactions.
//!
//! Everything here parses at the edge into domain types (`PhoneNumber`,
//! `DeliveryStatus`, `Attachment`); raw provider strings do not travel inward.

pub mod email;
pub mod error;
pub mod optout;
pub mod simulator;
pub mod slack;
pub mod sms;
pub mod twilio;
pub mod webhooks;

pub use error::{Error, SendError};
pub use optout::Keyword;
pub use sms::{
    AvailableNumber, BoxFuture, NumberSearch, OutboundSms, PurchaseRequest, PurchasedNumber,
    SentSms, SmsProvider,
};

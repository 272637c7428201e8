//! Twilio: the REST client ([`TwilioClient`]), request signatures
//! ([`signature`]), the webhooks Twilio sends ([`webhook`]) and the TwiML
//! that answers them ([`twiml`]).

mod client;
mod responses;
pub mod signature;
pub mod twiml;
pub mod webhook;

pub use client::{TwilioClient, TwilioConfig};
pub use webhook::{
    delivery_status, parse_form, InboundCall, InboundSms, MediaSchemes, StatusCallback,
};

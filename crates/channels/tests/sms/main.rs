//! The channels crate from the outside: Twilio signatures against the helper
//! libraries' vectors, webhook parsing, and the REST client against the
//! Twilio stand-in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;
mod signature_vectors;
mod status_callbacks;
mod twilio_client;
mod webhooks;

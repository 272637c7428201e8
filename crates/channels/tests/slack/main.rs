//! Slack from the outside: request signatures against the Slack SDK's
//! vector, interaction payloads from Bolt's tests, and the Web API client
//! against the Slack stand-in (refusals, 429 with `Retry-After`, a revoked
//! token).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The test-data paths are shared with the SMS tests rather than copied.
#[allow(dead_code)]
#[path = "../sms/helpers.rs"]
mod helpers;

mod client;
mod payloads;

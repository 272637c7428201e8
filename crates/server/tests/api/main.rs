//! Black-box tests: the app on a real socket against a fresh database of each
//! backend, and the `switchboard` binary itself. One test binary, so it links once.

// All of this crate is test code, helpers included: a failed step should stop
// the test loudly. clippy's allow-*-in-tests covers only `#[test]` functions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod helpers;

mod accounts;
mod assignment;
mod bench_queue;
mod canned;
mod cli;
mod contacts;
mod contract;
mod conversations;
mod demo;
mod edges;
mod email;
mod errors;
mod events;
mod health;
mod inboxes;
mod locks;
mod metrics;
mod notifications;
mod permissions;
mod simulator;
mod slack;
mod smtp_sink;
mod startup;
mod story;
mod twilio;
mod ui_contacts;
mod ui_details;
mod ui_queue;
mod ui_settings;
mod webhooks;

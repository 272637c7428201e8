//! The web app in a real headless Chromium, driven over WebDriver
//! (chromedriver + fantoccini) against the app on a real socket.
//!
//! Without Chromium these tests say so loudly and pass; with `CI=true` they
//! fail instead (`scripts/test` installs Chromium first).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The API tests' app spawning and seeding, shared rather than copied.
#[allow(dead_code, unused_macros, unused_imports)]
#[path = "../api/helpers.rs"]
mod helpers;

mod assignment;
mod attachments;
mod browser;
mod canned;
mod compose;
mod composer;
mod contacts;
mod conversation;
mod details;
mod flows;
mod integrations;
mod new_inbox;
mod notifications;
mod phones;
mod profile;
mod queue;
mod scheduled;
mod screens;
mod search;
mod settings;
mod sign_in;
mod sla;
mod slack;
mod team;

//! The story suite: every store function, run against SQLite and PostgreSQL.

// Test code may fail loudly: clippy's allow-in-tests covers #[test] fns only, not fixtures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod assignments;
mod bulk;
mod contacts;
mod conversations;
mod cursors;
mod events;
mod inboxes;
mod inbound;
mod jobs;
mod locks;
mod log;
mod media;
mod messages;
mod migrations;
mod out_of_office;
mod presence;
mod queue;
mod senders;
mod sending;
mod simulator;
mod sla;
mod support;
mod transactions;

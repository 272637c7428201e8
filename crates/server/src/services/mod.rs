//! The use cases: what the JSON API, the pages, the provider webhooks and
//! the jobs all call. Each function reads, asks the domain, and writes one
//! transaction; handlers only parse, call one of these, and map the result.

pub mod access;
pub mod accounts;
pub mod assignment;
pub mod auto_reply;
pub mod background;
pub mod canned;
pub mod contacts;
pub mod conversations;
pub mod error;
pub mod inbound;
pub mod inboxes;
pub mod jobs;
pub mod media;
pub mod messages;
pub mod notifications;
pub mod providers;
pub mod rate_limit;
pub mod scheduled;
pub mod simulator;
pub mod sla;
pub mod state;
pub mod webhooks;

pub use error::{ErrorKind, ServiceError};

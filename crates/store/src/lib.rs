//! Switchboard's persistence on SQLite (the default, one file) and PostgreSQL.
//!
//! One SQL text serves both backends wherever the dialects agree (`$1` binds,
//! `RETURNING`, `ON CONFLICT`, partial indexes); [`on_backend!`] compiles each
//! query once per backend. Writes only happen inside a [`Tx`], and every
//! change to a conversation appends its event in that same transaction.

pub mod assignment;
pub mod bulk;
pub mod canned;
pub mod channels;
mod conn;
mod connect;
pub mod contacts;
pub mod conversations;
pub mod cursors;
mod durable;
mod error;
pub mod events;
pub mod inbound;
pub mod inboxes;
pub mod invitations;
pub mod jobs;
pub mod links;
pub mod locks;
pub mod log;
pub mod media;
pub mod messages;
pub mod notifications;
pub mod notify;
pub mod out_of_office;
pub mod presence;
pub mod queue;
pub mod scheduled;
pub mod secret;
pub mod sending;
pub mod sessions;
pub mod simulator;
pub mod sla;
pub mod slack;
pub mod stats;
pub mod testing;
mod time;
pub mod tokens;
pub mod users;
pub mod webhooks;
pub mod workspaces;

pub use conn::{Conn, HeldWriter, Reader, Tx};
pub use connect::{redact_url, Backend, Store};
pub use durable::Committed;
pub use error::StoreError;

/// Result of every store function.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Runs `$body` with `$c` bound to the backend's connection
/// (`&mut &mut SqliteConnection` or `&mut &mut PgConnection`): the one
/// macro of the store, so that a query written once is compiled for both.
#[macro_export]
#[doc(hidden)]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Postgres($c) => $body,
        }
    };
}

/// One page of a cursor-paginated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, at most the requested limit.
    pub items: Vec<T>,
    /// Opaque cursor for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Which inboxes a reader may see: admins see all, agents their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxScope {
    /// Every inbox of the workspace.
    All,
    /// Only these inboxes.
    Only(Vec<domain::InboxId>),
}

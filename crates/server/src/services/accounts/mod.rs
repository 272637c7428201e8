//! Accounts: people who log in and the workspaces they belong to.
//!
//! First-run setup and the CLI's `create-owner` ([`setup`]), passwords
//! ([`passwords`]), logging in and out ([`sessions`], throttled by
//! [`limiter`]), personal API tokens ([`tokens`]), workspace members ([`members`]) and
//! the invitations that bring them in ([`invitations`]), and each person's
//! own [`profile`]. The JSON API (`http/api/accounts.rs`) and the CLI call these.

pub mod invitations;
pub mod limiter;
pub mod members;
pub mod passwords;
pub mod profile;
pub mod sessions;
pub mod setup;
pub mod tokens;

use domain::text::required_text;
use domain::DomainError;

pub use limiter::LoginLimiter;
pub use passwords::{hash_password, verify_password, Password, MIN_PASSWORD_CHARS};
pub use setup::{create_owner, NewOwner, OwnerCreated};

/// Longest display, workspace or token name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A name typed by a person: trimmed, 1 to [`MAX_NAME_CHARS`] characters,
/// no control characters. `field` names it in the error.
pub fn checked_name(field: &'static str, raw: &str) -> Result<String, DomainError> {
    required_text(field, raw, MAX_NAME_CHARS)
}

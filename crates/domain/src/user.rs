//! People who log in.

use serde::{Deserialize, Serialize};

use crate::{EmailAddress, Timestamp, UserId};

/// A person who logs in. May belong to several workspaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Login and notification address; unique.
    pub email: EmailAddress,
    /// Display name ("Ana Lima").
    pub name: String,
    /// When the account was created.
    pub created_at: Timestamp,
}

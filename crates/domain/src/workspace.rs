//! Workspaces (tenants) and the roles users hold in them.

use serde::{Deserialize, Serialize};

use crate::text::Word;
use crate::{Timestamp, UserId, WorkspaceId};

/// A tenant: one business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// Its id.
    pub id: WorkspaceId,
    /// Display name.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A user's role in a workspace: `owner` > `admin` > `agent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Handles conversations in the inboxes they belong to.
    Agent,
    /// Manages inboxes, members and policy; sees every inbox.
    Admin,
    /// Everything an admin can, plus deleting inboxes and managing owners.
    Owner,
}

impl Word for Role {
    const FIELD: &'static str = "role";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Agent, "agent"),
        (Self::Admin, "admin"),
        (Self::Owner, "owner"),
    ];
    const EXPECTED: &'static str = "agent, admin, owner";
}

impl Role {
    /// Admins and owners see every inbox and may act on any conversation.
    pub fn is_admin(self) -> bool {
        self >= Role::Admin
    }
}

/// A user's membership of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceMember {
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The user.
    pub user_id: UserId,
    /// Their role there.
    pub role: Role,
    /// When they joined.
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tests::assert_word_table;

    #[test]
    fn role_words_round_trip_through_word_and_serde() {
        assert_word_table::<Role>();
    }

    #[test]
    fn roles_rank_owner_above_admin_above_agent() {
        assert!(Role::Agent < Role::Admin);
        assert!(Role::Admin < Role::Owner);
    }

    #[test]
    fn admins_and_owners_are_admins_and_agents_are_not() {
        assert!(!Role::Agent.is_admin());
        assert!(Role::Admin.is_admin());
        assert!(Role::Owner.is_admin());
    }
}

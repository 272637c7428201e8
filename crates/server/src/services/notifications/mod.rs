//! Notifications: who is told what, and how (in-app, email, Slack).

pub mod email;

use domain::{ConversationId, InboxId, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};

/// What happened that someone may want to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A customer wrote (a new conversation or a reply on one).
    Inbound,
    /// A conversation was assigned or transferred to the recipient.
    Assigned,
    /// The recipient was @mentioned in a note.
    Mentioned,
    /// A snoozed conversation of the recipient's woke.
    SnoozeWoke,
    /// An inbox's carrier registration completed.
    RegistrationCompleted,
}

/// How a member hears about it (their per-trigger choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// The web app's notification centre.
    InApp,
    /// An email to the member's address.
    Email,
    /// A Slack direct message.
    SlackDm,
    /// Nothing.
    Off,
}

/// Who is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Recipient {
    /// A member, the way they chose.
    Member {
        /// The member.
        user_id: UserId,
        /// How.
        medium: Medium,
    },
    /// A Slack channel.
    SlackChannel {
        /// Its id.
        channel: String,
    },
    /// An email address that is not a member's.
    Email {
        /// The address.
        address: String,
    },
}

/// One notification to deliver (stored inside a job).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The inbox, when it is about one.
    pub inbox_id: Option<InboxId>,
    /// The conversation, when it is about one.
    pub conversation_id: Option<ConversationId>,
    /// What happened.
    pub trigger: Trigger,
    /// Who is told.
    pub recipient: Recipient,
    /// The event that caused it.
    pub event_seq: i64,
}

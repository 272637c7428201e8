//! Notifications: who is told of what, and through which medium. A
//! [`Notice`] is one notification for one recipient; each medium delivers
//! it ([`slack`] for Slack channels and Slack direct messages).

pub mod slack;

use domain::{ConversationId, InboxId, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};

/// What happened that someone is told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A customer's new message (a new conversation or a reply).
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

/// How a member wants to be told of a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// In the web app's notification centre.
    InApp,
    /// By email.
    Email,
    /// By a Slack direct message from the bot.
    SlackDm,
    /// Not at all.
    Off,
}

/// Who is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// A member, through the medium they chose.
    Member {
        /// The member.
        user_id: UserId,
        /// How.
        medium: Medium,
    },
    /// A Slack channel (its id, `C…`).
    SlackChannel {
        /// The channel.
        channel: String,
    },
    /// An email address.
    Email {
        /// The address.
        address: String,
    },
}

/// One notification for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Notice {
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The inbox it concerns, if any.
    pub inbox_id: Option<InboxId>,
    /// The conversation it concerns, if any.
    pub conversation_id: Option<ConversationId>,
    /// What happened.
    pub trigger: Trigger,
    /// Who is told.
    pub recipient: Recipient,
    /// The event that caused it.
    pub event_seq: i64,
}

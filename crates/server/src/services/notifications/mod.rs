//! Notifications: who is told what, and how (issue 13).
//!
//! The reaction `reactions::notifications` reads committed events and asks
//! [`rules`] who hears about each one; every [`Notice`] becomes one
//! `Job::Notify`, whose run applies the [`throttle`] and hands the notice to
//! its medium: [`in_app`] (the notification centre), [`slack`] or [`email`].
//! Inbox targets and member preferences are edited through [`settings`] and
//! [`preferences`]; the centre is read through [`centre`].

pub mod centre;
pub mod email;
pub mod in_app;
pub mod preferences;
pub mod registration;
pub mod rules;
pub mod settings;
pub mod slack;
pub mod targets;
pub mod throttle;
mod words;

use domain::{ConversationId, EventKind, InboxId, Message, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};
use store::Conn;

pub use targets::{default_targets, Target};

use crate::services::ServiceError;

/// What happened that someone may want to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A customer wrote (a new conversation or a reply).
    Inbound,
    /// A conversation was assigned or transferred to the recipient.
    Assigned,
    /// The recipient was @mentioned in a note.
    Mentioned,
    /// A snoozed conversation of the recipient's woke up.
    SnoozeWoke,
    /// An inbox's carrier registration completed (admins).
    RegistrationCompleted,
    /// A conversation missed its SLA due time: its assignee, or the inbox's
    /// targets while nobody has it.
    SlaBreached,
}

/// How a member hears about it (their per-trigger choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// The in-app notification centre.
    InApp,
    /// An email to their login address.
    Email,
    /// A Slack direct message.
    SlackDm,
    /// Not at all.
    Off,
}

/// Who is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Recipient {
    /// A member of the workspace, by the medium they chose.
    Member {
        /// The member.
        user_id: UserId,
        /// How.
        medium: Medium,
    },
    /// A Slack channel (an inbox target).
    SlackChannel {
        /// The channel's id (`C…` or `G…`).
        channel: String,
    },
    /// An email address (an inbox target).
    Email {
        /// The address.
        address: String,
    },
}

impl Recipient {
    /// The throttle's key for this recipient: the same person is one target
    /// whatever the medium.
    pub fn throttle_key(&self) -> String {
        match self {
            Self::Member { user_id, .. } => format!("member:{user_id}"),
            Self::SlackChannel { channel } => format!("slack:{channel}"),
            Self::Email { address } => format!("email:{}", address.to_lowercase()),
        }
    }
}

/// One notification to deliver (serde: it is stored inside a job).
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
    /// The event it comes from (with the trigger and recipient, what makes
    /// it unique).
    pub event_seq: i64,
}

impl Notice {
    /// The message its event added (a customer's text, a note with a
    /// mention), when its event is a message's.
    pub async fn message(&self, conn: &mut Conn<'_>) -> Result<Option<Message>, ServiceError> {
        let Some(event) = store::events::get(conn, self.event_seq).await? else {
            return Ok(None);
        };
        match event.kind {
            EventKind::Message { message_id, .. } => {
                Ok(store::messages::get(conn, &message_id).await?)
            }
            _ => Ok(None),
        }
    }
}

//! The conversation lifecycle of DESIGN.md §2 as one pure function.
//!
//! Services never set a status by hand: they describe what happened as a
//! [`Trigger`] and store what [`transition`] answers.

use thiserror::Error;

use crate::{Conversation, EventKind, Status, Timestamp};

/// What happened to a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The customer wrote.
    Inbound,
    /// An agent acted without choosing a status (assign, transfer, return,
    /// reply, note, priority, tags): `new` becomes `open`, nothing else moves.
    AgentActivity,
    /// "Mark as done".
    MarkDone,
    /// "Reopen".
    Reopen,
    /// "Snooze" until a time the service keeps beside the status.
    Snooze,
    /// The snooze job fired.
    Wake,
    /// An explicit status chosen by an agent (`POST …/status`).
    SetStatus(Status),
    /// The auto-close job fired for a resolved conversation.
    AutoClose,
}

impl Trigger {
    /// Whether a person on the team caused this (as opposed to the customer or a job).
    pub fn is_agent_action(self) -> bool {
        matches!(
            self,
            Trigger::AgentActivity
                | Trigger::MarkDone
                | Trigger::Reopen
                | Trigger::Snooze
                | Trigger::SetStatus(_)
        )
    }
}

/// What the lifecycle decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The conversation now has this status (it may be the one it had).
    Becomes(Status),
    /// The conversation is closed: the inbound message starts a new
    /// conversation (in `new`) that points at this one, which stays closed.
    StartsNewConversation,
}

/// Why a trigger cannot apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LifecycleError {
    /// Nothing leaves `closed`.
    #[error("the conversation is closed; a closed conversation cannot change")]
    Closed,
    /// Agents cannot put a conversation back to `new`.
    #[error("a conversation cannot be set back to new")]
    CannotSetNew,
    /// `snoozed` needs a time: use snooze.
    #[error("use snooze with a time to snooze a conversation")]
    SnoozeNeedsTime,
    /// The customer's message on a closed conversation starts a new one; this
    /// one does not take it.
    #[error("the conversation is closed")]
    StartsNewConversation,
}

/// Decides the status after `trigger` on a conversation in `current`.
pub fn transition(current: Status, trigger: Trigger) -> Result<Outcome, LifecycleError> {
    use Status::*;
    let becomes = |s| Ok(Outcome::Becomes(s));
    match (current, trigger) {
        (Closed, Trigger::Inbound) => Ok(Outcome::StartsNewConversation),
        // Jobs that fire late on a closed conversation change nothing.
        (Closed, Trigger::Wake | Trigger::AutoClose) => becomes(Closed),
        (Closed, _) => Err(LifecycleError::Closed),

        (New, Trigger::Inbound) => becomes(New),
        (_, Trigger::Inbound) => becomes(Open),

        (New, Trigger::AgentActivity) => becomes(Open),
        (s, Trigger::AgentActivity) => becomes(s),

        (_, Trigger::MarkDone) => becomes(Resolved),
        (_, Trigger::Reopen) => becomes(Open),
        (_, Trigger::Snooze) => becomes(Snoozed),

        (Snoozed, Trigger::Wake) => becomes(Open),
        (s, Trigger::Wake) => becomes(s),

        (Resolved, Trigger::AutoClose) => becomes(Closed),
        (s, Trigger::AutoClose) => becomes(s),

        (_, Trigger::SetStatus(New)) => Err(LifecycleError::CannotSetNew),
        (_, Trigger::SetStatus(Snoozed)) => Err(LifecycleError::SnoozeNeedsTime),
        (_, Trigger::SetStatus(target)) => becomes(target),
    }
}

impl Conversation {
    /// Moves the conversation through the lifecycle on `trigger`, returning
    /// the status event when the status changed: the one place a status is
    /// set. `snoozed_until` is kept only for `snoozed`.
    pub fn apply(
        &mut self,
        trigger: Trigger,
        now: Timestamp,
        snoozed_until: Option<Timestamp>,
    ) -> Result<Option<EventKind>, LifecycleError> {
        let to = match transition(self.status, trigger)? {
            Outcome::Becomes(to) => to,
            Outcome::StartsNewConversation => return Err(LifecycleError::StartsNewConversation),
        };
        let from = self.status;
        let snoozed_until = if to == Status::Snoozed {
            snoozed_until
        } else {
            None
        };
        if from == to && self.snoozed_until == snoozed_until {
            return Ok(None);
        }
        self.status = to;
        self.snoozed_until = snoozed_until;
        if to == Status::Resolved {
            self.resolved_at = Some(now);
        }
        self.last_activity_at = now;
        Ok(Some(EventKind::StatusChanged {
            from,
            to,
            snoozed_until,
        }))
    }
}

//! Who is told: pure functions from what happened and the settings to the
//! recipients. No I/O; the reaction reads what they need.
//!
//! - An inbound message → the inbox's targets, members skipped when they
//!   muted the inbox, left it, or wrote the message themselves.
//! - Assigned or transferred to someone → them, unless they did it.
//! - A mention in a note → each mentioned member of the inbox, except the
//!   note's author (mentions of anyone else are left as text).
//! - A snoozed conversation wakes → its assignee.
//! - Registration completed → the workspace's admins.
//! - An SLA breach → the conversation's assignee; while nobody has it, the
//!   inbox's targets as for an inbound message (muted and departed members
//!   skipped): someone must pick it up.
//!
//! A member is told by the medium they chose for that trigger; `off` tells
//! them nothing. Slack channels and email addresses are told as they are.

use std::collections::HashMap;

use domain::{InboxMember, UserId};

use super::{Medium, Recipient, Target, Trigger};

/// The members' chosen media for one trigger, with the default for those
/// who chose nothing.
#[derive(Debug, Clone)]
pub struct Choices {
    trigger: Trigger,
    chosen: HashMap<UserId, Medium>,
}

impl Choices {
    /// The choices for `trigger`, from the stored ones.
    pub fn new(trigger: Trigger, chosen: impl IntoIterator<Item = (UserId, Medium)>) -> Self {
        Self {
            trigger,
            chosen: chosen.into_iter().collect(),
        }
    }

    /// How `user` hears about this trigger.
    pub fn medium(&self, user: &UserId) -> Medium {
        self.chosen
            .get(user)
            .copied()
            .unwrap_or_else(|| self.trigger.default_medium())
    }

    /// `user` as a recipient, or nobody when they turned this trigger off.
    fn member(&self, user: &UserId) -> Option<Recipient> {
        match self.medium(user) {
            Medium::Off => None,
            medium => Some(Recipient::Member {
                user_id: user.clone(),
                medium,
            }),
        }
    }
}

/// An inbound message: the inbox's `targets`. `author` is the member who
/// wrote it, if one did (never told of their own message).
pub fn inbound(
    targets: &[Target],
    members: &[InboxMember],
    author: Option<&UserId>,
    choices: &Choices,
) -> Vec<Recipient> {
    targets
        .iter()
        .filter_map(|target| match target {
            Target::Member { user_id } => {
                let listening = members.iter().any(|m| &m.user_id == user_id && !m.muted);
                (listening && author != Some(user_id))
                    .then(|| choices.member(user_id))
                    .flatten()
            }
            Target::SlackChannel { channel_id, .. } => Some(Recipient::SlackChannel {
                channel: channel_id.clone(),
            }),
            Target::Email { address } => Some(Recipient::Email {
                address: address.clone(),
            }),
        })
        .collect()
}

/// Assigned or transferred to `assignee` by `actor`.
pub fn assigned(assignee: &UserId, actor: Option<&UserId>, choices: &Choices) -> Option<Recipient> {
    (actor != Some(assignee))
        .then(|| choices.member(assignee))
        .flatten()
}

/// `mentioned` in a note of `author`'s: the members of the inbox among them.
pub fn mentioned(
    mentioned: &[UserId],
    author: Option<&UserId>,
    members: &[InboxMember],
    choices: &Choices,
) -> Vec<Recipient> {
    mentioned
        .iter()
        .filter(|user| author != Some(*user))
        .filter(|user| members.iter().any(|m| &m.user_id == *user))
        .filter_map(|user| choices.member(user))
        .collect()
}

/// A snoozed conversation assigned to `assignee` woke up (by its timer or a
/// customer's message; not when `actor` is the assignee waking it by hand).
pub fn snooze_woke(
    assignee: Option<&UserId>,
    actor: Option<&UserId>,
    choices: &Choices,
) -> Option<Recipient> {
    assignee
        .filter(|user| actor != Some(*user))
        .and_then(|user| choices.member(user))
}

/// A conversation missed its SLA due time: its `assignee` (muted or not:
/// it is addressed to them), else the inbox's `targets`.
pub fn sla_breached(
    assignee: Option<&UserId>,
    targets: &[Target],
    members: &[InboxMember],
    choices: &Choices,
) -> Vec<Recipient> {
    match assignee {
        Some(user) => choices.member(user).into_iter().collect(),
        None => inbound(targets, members, None, choices),
    }
}

/// An inbox's registration completed: the workspace's `admins`.
pub fn registration_completed(admins: &[UserId], choices: &Choices) -> Vec<Recipient> {
    admins
        .iter()
        .filter_map(|user| choices.member(user))
        .collect()
}

#[cfg(test)]
mod tests;

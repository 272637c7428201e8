//! Auto-assignment: an inbox's policy for who gets a conversation that
//! enters its Unassigned queue, and the pure choice among the members who
//! can take it.
//!
//! The store keeps the policy and the round-robin pointer (the last member
//! chosen); the services read both, call [`choose`] and write the result
//! with the pointer in one transaction.

use serde::{Deserialize, Serialize};

use crate::text::Word;
use crate::{DomainError, UserId};

/// How an inbox hands out conversations that enter its Unassigned queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentMode {
    /// Nobody is chosen: people take conversations themselves (the default).
    #[default]
    Manual,
    /// In turn, among the members who are available.
    RoundRobin,
    /// To the available member with the fewest open conversations, up to the cap.
    Balanced,
    /// To the contact's owner when they are a member and available, else
    /// by the fallback mode.
    ContactOwner,
}

impl Word for AssignmentMode {
    const FIELD: &'static str = "assignment.mode";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Manual, "manual"),
        (Self::RoundRobin, "round_robin"),
        (Self::Balanced, "balanced"),
        (Self::ContactOwner, "contact_owner"),
    ];
    const EXPECTED: &'static str = "manual, round_robin, balanced, contact_owner";
}

impl AssignmentMode {
    /// The words the timeline uses ("Auto-assigned to Ana (round robin)").
    pub fn label(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::RoundRobin => "round robin",
            Self::Balanced => "balanced",
            Self::ContactOwner => "contact owner",
        }
    }
}

/// An inbox's assignment policy, checked: a cap is at least 1, contact
/// owner always names a fallback, and only contact owner has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AssignmentPolicy {
    /// The mode.
    pub mode: AssignmentMode,
    /// The most open conversations of the inbox one member is given by
    /// auto-assignment; `None` for no limit.
    pub cap: Option<u32>,
    /// What contact owner does when the owner cannot take it.
    pub fallback: Option<AssignmentMode>,
}

impl AssignmentPolicy {
    /// The largest cap accepted.
    pub const MAX_CAP: i64 = 10_000;

    /// Checks a policy as an admin sent it (`fallback` as its raw word).
    pub fn parse(
        mode: &str,
        cap: Option<i64>,
        fallback: Option<&str>,
    ) -> Result<Self, DomainError> {
        let mode = AssignmentMode::parse(mode)?;
        let cap = match cap {
            None => None,
            Some(n) if (1..=Self::MAX_CAP).contains(&n) => u32::try_from(n).ok(),
            Some(_) => {
                return Err(DomainError::invalid(
                    "assignment.cap",
                    format!("must be between 1 and {}", Self::MAX_CAP),
                ))
            }
        };
        let fallback = fallback
            .map(|raw| {
                AssignmentMode::parse(raw).map_err(|_| {
                    DomainError::invalid(
                        "assignment.fallback",
                        "must be one of manual, round_robin, balanced",
                    )
                })
            })
            .transpose()?;
        match (mode, fallback) {
            (AssignmentMode::ContactOwner, None) => Err(DomainError::invalid(
                "assignment.fallback",
                "contact_owner needs a fallback: manual, round_robin or balanced",
            )),
            (_, Some(AssignmentMode::ContactOwner)) => Err(DomainError::invalid(
                "assignment.fallback",
                "must be one of manual, round_robin, balanced",
            )),
            (AssignmentMode::ContactOwner, Some(_)) | (_, None) => Ok(Self {
                mode,
                cap,
                fallback,
            }),
            (_, Some(_)) => Err(DomainError::invalid(
                "assignment.fallback",
                "only contact_owner falls back to another mode",
            )),
        }
    }

    /// Whether conversations are handed out at all.
    pub fn is_automatic(self) -> bool {
        self.mode != AssignmentMode::Manual
    }

    /// Whether a member's freed capacity pulls in the oldest waiting
    /// conversation (balanced, directly or as contact owner's fallback).
    pub fn fills_freed_capacity(self) -> bool {
        self.mode == AssignmentMode::Balanced
            || (self.mode == AssignmentMode::ContactOwner
                && self.fallback == Some(AssignmentMode::Balanced))
    }
}

/// A member who could be given a conversation: available, in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Who.
    pub user_id: UserId,
    /// Their open conversations in the inbox now.
    pub open: i64,
}

/// What [`choose`] needs besides the candidates.
#[derive(Debug, Clone, Copy)]
pub struct Turn<'a> {
    /// The policy.
    pub policy: AssignmentPolicy,
    /// The member round robin chose last, if any.
    pub last: Option<&'a UserId>,
    /// The contact's owner, if the contact has one.
    pub contact_owner: Option<&'a UserId>,
}

/// Whom to give the conversation, and by which mode; `None` leaves it
/// unassigned (manual, nobody available, everyone at the cap).
///
/// `candidates` are the available members; a member at the cap is never
/// chosen. Round robin takes the first candidate after `last` in id order
/// (wrapping), so that every member's turn comes once per round whoever
/// joined or left. Balanced takes the fewest open conversations, ties broken
/// in round-robin order.
pub fn choose(candidates: &[Candidate], turn: Turn<'_>) -> Option<(UserId, AssignmentMode)> {
    let cap = turn.policy.cap.map(i64::from);
    let mut open: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| cap.is_none_or(|cap| c.open < cap))
        .collect();
    open.sort_by(|a, b| a.user_id.as_str().cmp(b.user_id.as_str()));
    let mode = match turn.policy.mode {
        AssignmentMode::ContactOwner => {
            if let Some(owner) = turn.contact_owner {
                if open.iter().any(|c| &c.user_id == owner) {
                    return Some((owner.clone(), AssignmentMode::ContactOwner));
                }
            }
            turn.policy.fallback.unwrap_or_default()
        }
        mode => mode,
    };
    // Round-robin order: those after `last`, then the rest.
    let split = open
        .iter()
        .take_while(|c| {
            turn.last
                .is_some_and(|last| c.user_id.as_str() <= last.as_str())
        })
        .count();
    open.rotate_left(split);
    let chosen = match mode {
        AssignmentMode::Manual | AssignmentMode::ContactOwner => None,
        AssignmentMode::RoundRobin => open.first().copied(),
        AssignmentMode::Balanced => {
            let fewest = open.iter().map(|c| c.open).min()?;
            open.into_iter().find(|c| c.open == fewest)
        }
    }?;
    Some((chosen.user_id.clone(), mode))
}

#[cfg(test)]
mod tests;

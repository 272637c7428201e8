//! SLA targets: how soon an inbox promises to answer and to resolve, per
//! priority, and when each open conversation is next due.
//!
//! Three clocks: the first response (from the customer's first message
//! until the team's first reply), the next response (from a customer
//! message after the team has replied once until the next reply) and the
//! resolution (from the conversation's start until it is done). A
//! conversation's due time is the earliest clock still running. Time is
//! counted in business hours when the inbox has them, else on the wall clock.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::hours::BusinessHours;
use crate::{DomainError, Priority, Timestamp};

/// The longest target: a year, in minutes.
pub const MAX_TARGET_MINS: i64 = 525_600;

/// One priority's targets, in minutes; each optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTargets {
    /// First reply within this many minutes of the customer's first message.
    pub first_response_mins: Option<u32>,
    /// Each later reply within this many minutes of the customer writing again.
    pub next_response_mins: Option<u32>,
    /// Done within this many minutes of the conversation's start.
    pub resolution_mins: Option<u32>,
}

/// The targets as a person sends them, before they are checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaTargetsText {
    /// First response, minutes.
    pub first_response_mins: Option<i64>,
    /// Next response, minutes.
    pub next_response_mins: Option<i64>,
    /// Resolution, minutes.
    pub resolution_mins: Option<i64>,
}

/// An inbox's targets per priority. A conversation without a priority is
/// held to the `normal` targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    /// Low priority.
    pub low: SlaTargets,
    /// Normal priority (and none set).
    pub normal: SlaTargets,
    /// High priority.
    pub high: SlaTargets,
    /// Urgent.
    pub urgent: SlaTargets,
}

/// The whole policy as sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaPolicyText {
    /// Low.
    pub low: SlaTargetsText,
    /// Normal.
    pub normal: SlaTargetsText,
    /// High.
    pub high: SlaTargetsText,
    /// Urgent.
    pub urgent: SlaTargetsText,
}

/// Field names per priority, for errors (`sla.high.resolution_mins`).
const FIELDS: [[&str; 3]; 4] = [
    [
        "sla.low.first_response_mins",
        "sla.low.next_response_mins",
        "sla.low.resolution_mins",
    ],
    [
        "sla.normal.first_response_mins",
        "sla.normal.next_response_mins",
        "sla.normal.resolution_mins",
    ],
    [
        "sla.high.first_response_mins",
        "sla.high.next_response_mins",
        "sla.high.resolution_mins",
    ],
    [
        "sla.urgent.first_response_mins",
        "sla.urgent.next_response_mins",
        "sla.urgent.resolution_mins",
    ],
];

fn minutes(field: &'static str, raw: Option<i64>) -> Result<Option<u32>, DomainError> {
    match raw {
        None => Ok(None),
        Some(m) if (1..=MAX_TARGET_MINS).contains(&m) => Ok(u32::try_from(m).ok()),
        Some(_) => Err(DomainError::invalid(
            field,
            format!("must be between 1 and {MAX_TARGET_MINS} minutes (a year)"),
        )),
    }
}

impl SlaTargetsText {
    fn parse(self, fields: [&'static str; 3]) -> Result<SlaTargets, DomainError> {
        Ok(SlaTargets {
            first_response_mins: minutes(fields[0], self.first_response_mins)?,
            next_response_mins: minutes(fields[1], self.next_response_mins)?,
            resolution_mins: minutes(fields[2], self.resolution_mins)?,
        })
    }
}

impl SlaPolicy {
    /// Checks every target: whole minutes from 1 to a year; errors name the
    /// field (`sla.normal.first_response_mins`).
    pub fn parse(text: &SlaPolicyText) -> Result<Self, DomainError> {
        Ok(Self {
            low: text.low.parse(FIELDS[0])?,
            normal: text.normal.parse(FIELDS[1])?,
            high: text.high.parse(FIELDS[2])?,
            urgent: text.urgent.parse(FIELDS[3])?,
        })
    }

    /// The targets a conversation of `priority` is held to.
    pub fn for_priority(&self, priority: Priority) -> SlaTargets {
        match priority {
            Priority::Low => self.low,
            Priority::None | Priority::Normal => self.normal,
            Priority::High => self.high,
            Priority::Urgent => self.urgent,
        }
    }

    /// Whether any target is set at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What the clocks of one conversation start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaFacts {
    /// Its priority.
    pub priority: Priority,
    /// Whether it still needs work (not done, not snoozed).
    pub open: bool,
    /// When it started.
    pub started_at: Timestamp,
    /// The customer's first message since the team last replied, if the
    /// team owes an answer.
    pub waiting_since: Option<Timestamp>,
    /// Whether the team has replied before (then the next-response target applies).
    pub replied_before: bool,
}

/// When a conversation is next due, and how long that target was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaDue {
    /// The due time.
    pub at: Timestamp,
    /// The target counted to reach it, in seconds (for "soon").
    pub target_secs: i64,
}

/// A conversation's SLA clock as stored: its due time, the target that set
/// it, and whether its breach was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClock {
    /// When it is due.
    pub due_at: Timestamp,
    /// The target counted to reach it, in seconds.
    pub target_secs: i64,
    /// Whether the breach of this due time was recorded.
    pub breached: bool,
}

impl SlaClock {
    /// Where it stands at `now`.
    pub fn state(&self, now: Timestamp) -> SlaState {
        if self.breached {
            SlaState::Breached
        } else {
            state(self.due_at, self.target_secs, now)
        }
    }
}

/// Where a conversation stands against its due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaState {
    /// Plenty of time.
    Ok,
    /// A quarter of the target or 30 minutes left, whichever is more.
    Soon,
    /// Past due.
    Breached,
}

impl SlaState {
    /// The API's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Soon => "soon",
            Self::Breached => "breached",
        }
    }
}

/// `from` plus `mins` minutes, in business hours when the inbox has them.
fn add(hours: Option<&BusinessHours>, from: Timestamp, mins: u32) -> Timestamp {
    let secs = i64::from(mins) * 60;
    hours
        .filter(|h| h.has_hours())
        .and_then(|h| h.add_business_secs(from, secs))
        .unwrap_or_else(|| from + Duration::seconds(secs))
}

/// The conversation's next due time under `policy`: the earliest of its
/// running clocks; `None` when none runs (done, snoozed, answered with no
/// resolution target, or no targets).
pub fn next_due(
    policy: &SlaPolicy,
    hours: Option<&BusinessHours>,
    facts: &SlaFacts,
) -> Option<SlaDue> {
    if !facts.open {
        return None;
    }
    let targets = policy.for_priority(facts.priority);
    let response = facts.waiting_since.and_then(|since| {
        let mins = if facts.replied_before {
            targets.next_response_mins
        } else {
            targets.first_response_mins
        }?;
        Some(SlaDue {
            at: add(hours, since, mins),
            target_secs: i64::from(mins) * 60,
        })
    });
    let resolution = targets.resolution_mins.map(|mins| SlaDue {
        at: add(hours, facts.started_at, mins),
        target_secs: i64::from(mins) * 60,
    });
    match (response, resolution) {
        (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The shortest "due soon" window: half an hour.
pub const SOON_MIN_SECS: i64 = 30 * 60;

/// The longest "due soon" window: a quarter of the longest target. A list
/// filtered on "soon" reads due times up to this far ahead, then checks
/// each one's own window.
pub const SOON_MAX_SECS: i64 = MAX_TARGET_MINS * 60 / 4;

/// How long before its due time a conversation is due soon: a quarter of
/// its target (whole seconds), or half an hour, whichever is more. The
/// queue's SQL filter and the web app's script compute the same window.
pub fn soon_window_secs(target_secs: i64) -> i64 {
    (target_secs / 4).max(SOON_MIN_SECS)
}

/// Where a due time stands at `now`: breached once passed; soon when at most
/// [`soon_window_secs`] is left (to the millisecond).
pub fn state(due: Timestamp, target_secs: i64, now: Timestamp) -> SlaState {
    if now >= due {
        return SlaState::Breached;
    }
    let left_ms = (due - now).num_milliseconds();
    if left_ms <= soon_window_secs(target_secs) * 1000 {
        SlaState::Soon
    } else {
        SlaState::Ok
    }
}

#[cfg(test)]
mod tests;

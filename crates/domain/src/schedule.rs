//! Scheduled send: a reply written now that goes to the customer later.
//!
//! A scheduled reply is a message whose delivery status is
//! [`DeliveryStatus::Scheduled`](crate::DeliveryStatus::Scheduled) with a
//! `send_at`. Until it goes it is the team's business only: the customer
//! does not see it and it is not the team's reply (first response, waiting
//! since). It can be edited or cancelled until then, and is cancelled when
//! the customer writes first, if the inbox says so ([`ScheduledSend`]).

use chrono::{SubsecRound, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::{DomainError, Timestamp};

/// How far in the past a `send_at` may be and still be taken (as "now"):
/// a minute, for clocks that differ and a form submitted slowly.
pub const SLACK: TimeDelta = TimeDelta::minutes(1);

/// How far ahead a reply can be scheduled: a year.
pub const MAX_AHEAD: TimeDelta = TimeDelta::days(365);

/// Checks when a reply should go: not in the past (a minute of slack) and
/// at most a year ahead. Errors name the field `send_at`. The time is kept
/// to the millisecond, as it is stored.
pub fn parse_send_at(send_at: Timestamp, now: Timestamp) -> Result<Timestamp, DomainError> {
    let send_at = send_at.trunc_subsecs(3);
    if send_at < now - SLACK {
        return Err(DomainError::invalid(
            "send_at",
            format!(
                "must be in the future (it is {}; now is {})",
                send_at.format("%Y-%m-%d %H:%M UTC"),
                now.format("%Y-%m-%d %H:%M UTC")
            ),
        ));
    }
    if send_at > now + MAX_AHEAD {
        return Err(DomainError::invalid(
            "send_at",
            "must be at most a year ahead",
        ));
    }
    Ok(send_at)
}

/// Why a scheduled reply was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// Its author or an admin cancelled it.
    Cancelled,
    /// The customer wrote before it went (and the inbox cancels on that).
    CustomerWrote,
}

/// An inbox's scheduled-send policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledSend {
    /// Cancel a scheduled reply when the customer writes before it goes
    /// (the reply was written without knowing what they said). On by default.
    pub cancel_on_reply: bool,
}

impl Default for ScheduledSend {
    fn default() -> Self {
        Self {
            cancel_on_reply: true,
        }
    }
}

impl ScheduledSend {
    /// Whether a reply scheduled at `scheduled_at` is cancelled because the
    /// customer last wrote at `last_inbound_at`.
    pub fn cancels(self, scheduled_at: Timestamp, last_inbound_at: Option<Timestamp>) -> bool {
        self.cancel_on_reply && last_inbound_at.is_some_and(|wrote| wrote > scheduled_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_time_in_the_past_is_refused_naming_the_field() {
        let error = parse_send_at(now() - TimeDelta::hours(1), now()).unwrap_err();
        assert!(error
            .to_string()
            .starts_with("send_at: must be in the future"));
        // Half a minute late is a slow form, not a mistake.
        let late = now() - TimeDelta::seconds(30);
        assert_eq!(parse_send_at(late, now()), Ok(late));
    }

    #[test]
    fn a_time_more_than_a_year_ahead_is_refused() {
        let error = parse_send_at(now() + TimeDelta::days(366), now()).unwrap_err();
        assert_eq!(error.to_string(), "send_at: must be at most a year ahead");
        let tomorrow = now() + TimeDelta::days(1);
        assert_eq!(parse_send_at(tomorrow, now()), Ok(tomorrow));
    }

    #[test]
    fn only_a_customer_message_after_scheduling_cancels_and_only_when_on() {
        let on = ScheduledSend::default();
        let off = ScheduledSend {
            cancel_on_reply: false,
        };
        let later = Some(now() + TimeDelta::minutes(5));
        let earlier = Some(now() - TimeDelta::minutes(5));
        assert!(on.cancels(now(), later));
        assert!(!on.cancels(now(), earlier));
        assert!(!on.cancels(now(), None));
        assert!(!off.cancels(now(), later));
    }
}

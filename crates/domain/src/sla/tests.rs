use chrono::{TimeZone, Utc};

use super::*;
use crate::hours::WeekText;

fn at(h: u32, m: u32) -> Timestamp {
    // Tuesday 1 December 2026, UTC.
    Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
}

fn policy() -> SlaPolicy {
    SlaPolicy::parse(&SlaPolicyText {
        normal: SlaTargetsText {
            first_response_mins: Some(60),
            next_response_mins: Some(240),
            resolution_mins: Some(2880),
        },
        ..SlaPolicyText::default()
    })
    .unwrap()
}

fn facts(waiting: Option<Timestamp>, replied: bool) -> SlaFacts {
    SlaFacts {
        priority: Priority::None,
        open: true,
        started_at: at(9, 0),
        waiting_since: waiting,
        replied_before: replied,
    }
}

#[test]
fn a_waiting_customer_is_due_a_first_then_a_next_response() {
    let first = next_due(&policy(), None, &facts(Some(at(9, 0)), false)).unwrap();
    assert_eq!(first.at, at(10, 0));
    let next = next_due(&policy(), None, &facts(Some(at(12, 0)), true)).unwrap();
    assert_eq!(next.at, at(16, 0));
}

#[test]
fn an_answered_conversation_is_due_only_for_resolution_and_done_is_due_never() {
    let due = next_due(&policy(), None, &facts(None, true)).unwrap();
    assert_eq!(due.at, at(9, 0) + Duration::minutes(2880));
    let done = SlaFacts {
        open: false,
        ..facts(Some(at(9, 0)), false)
    };
    assert_eq!(next_due(&policy(), None, &done), None);
    let other = SlaFacts {
        priority: Priority::Urgent,
        ..facts(Some(at(9, 0)), false)
    };
    assert_eq!(next_due(&policy(), None, &other), None);
}

#[test]
fn business_hours_stop_the_clock_overnight() {
    let week = WeekText {
        tue: vec![["09:00".into(), "17:00".into()]],
        wed: vec![["09:00".into(), "17:00".into()]],
        ..WeekText::default()
    };
    let hours = BusinessHours::parse("UTC", &week, &[]).unwrap();
    let due = next_due(&policy(), Some(&hours), &facts(Some(at(16, 30)), false)).unwrap();
    assert_eq!(due.at, Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap());
}

#[test]
fn soon_is_a_quarter_of_the_target_or_half_an_hour() {
    let due = at(12, 0);
    assert_eq!(state(due, 4 * 3600, at(10, 0)), SlaState::Ok);
    assert_eq!(state(due, 4 * 3600, at(11, 0)), SlaState::Soon);
    assert_eq!(state(due, 3600, at(11, 29)), SlaState::Ok);
    assert_eq!(state(due, 3600, at(11, 30)), SlaState::Soon);
    assert_eq!(state(due, 3600, at(12, 0)), SlaState::Breached);
    // To the millisecond: one past the window is still fine.
    let just_before = at(11, 30) - chrono::Duration::milliseconds(1);
    assert_eq!(state(due, 3600, just_before), SlaState::Ok);
    assert_eq!(soon_window_secs(0), SOON_MIN_SECS);
    assert_eq!(soon_window_secs(MAX_TARGET_MINS * 60), SOON_MAX_SECS);
}

#[test]
fn zero_negative_and_absurd_targets_are_refused_by_field() {
    for bad in [0, -5, MAX_TARGET_MINS + 1] {
        let text = SlaPolicyText {
            high: SlaTargetsText {
                resolution_mins: Some(bad),
                ..SlaTargetsText::default()
            },
            ..SlaPolicyText::default()
        };
        let err = SlaPolicy::parse(&text).unwrap_err();
        assert!(
            matches!(
                err,
                DomainError::Invalid {
                    field: "sla.high.resolution_mins",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

//! Out-of-office: an inbox's automatic answer to customers who write while
//! the team is away — outside its business hours, on a holiday, or while an
//! admin has switched "away now" on.

use chrono::Duration;

use crate::hours::{BusinessHours, WeekText};
use crate::text::required_text;
use crate::{DomainError, Timestamp};

/// An inbox's out-of-office setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfOffice {
    /// Whether automatic replies are sent at all.
    pub enabled: bool,
    /// When the team is at work.
    pub hours: BusinessHours,
    /// What the customer is told (may be empty while disabled).
    pub message: String,
    /// Away regardless of the hours, until switched off.
    pub away_now: bool,
    /// The least time between two automatic replies in one conversation.
    pub every_hours: u32,
}

/// What a person sends to change the setting, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct OutOfOfficeText {
    /// Whether automatic replies are sent.
    pub enabled: bool,
    /// An IANA zone name.
    pub time_zone: String,
    /// The week's intervals.
    pub hours: WeekText,
    /// Dates the inbox is closed, `YYYY-MM-DD`.
    pub holidays: Vec<String>,
    /// The reply.
    pub message: String,
    /// Away now, whatever the hours.
    pub away_now: bool,
    /// Hours between two replies in one conversation; [`OutOfOffice::DEFAULT_EVERY_HOURS`] when absent.
    pub every_hours: Option<i64>,
}

impl OutOfOffice {
    /// At most one automatic reply per conversation in this many hours, unless set.
    pub const DEFAULT_EVERY_HOURS: u32 = 12;
    /// The longest wait between automatic replies: a week.
    pub const MAX_EVERY_HOURS: u32 = 168;
    /// The longest message, in characters (ten SMS segments).
    pub const MAX_MESSAGE_CHARS: usize = 1600;

    /// Checks a whole setting; errors name the field (`out_of_office.message`).
    /// An enabled setting needs a message.
    pub fn parse(text: &OutOfOfficeText) -> Result<Self, DomainError> {
        let hours = BusinessHours::parse(&text.time_zone, &text.hours, &text.holidays)?;
        let message = if text.enabled || !text.message.trim().is_empty() {
            // Line breaks are welcome in a reply; other control characters are not.
            let message = text.message.replace("\r\n", "\n");
            required_text(
                "out_of_office.message",
                &message.replace('\n', " "),
                Self::MAX_MESSAGE_CHARS,
            )?;
            message.trim().to_string()
        } else {
            String::new()
        };
        let every = text
            .every_hours
            .unwrap_or(i64::from(Self::DEFAULT_EVERY_HOURS));
        let every_hours = u32::try_from(every)
            .ok()
            .filter(|h| (1..=Self::MAX_EVERY_HOURS).contains(h))
            .ok_or_else(|| {
                DomainError::invalid(
                    "out_of_office.every_hours",
                    format!("must be between 1 and {} (a week)", Self::MAX_EVERY_HOURS),
                )
            })?;
        Ok(Self {
            enabled: text.enabled,
            hours,
            message,
            away_now: text.away_now,
            every_hours,
        })
    }

    /// Whether the team counts as away at `at`: switched away, or closed.
    pub fn is_away(&self, at: Timestamp) -> bool {
        self.away_now || !self.hours.is_open(at)
    }

    /// Whether a customer message arriving at `at` gets the automatic reply,
    /// given when the conversation last got one. The contact's opt-out and
    /// automatic inbound messages are the caller's to rule out first.
    pub fn answers(&self, at: Timestamp, last_sent: Option<Timestamp>) -> bool {
        self.enabled && self.is_away(at) && last_sent.is_none_or(|last| at - last >= self.every())
    }

    /// The least time between two automatic replies in one conversation.
    pub fn every(&self) -> Duration {
        Duration::hours(i64::from(self.every_hours))
    }

    /// The setting as people write it (what [`OutOfOffice::parse`] reads).
    pub fn to_text(&self) -> OutOfOfficeText {
        OutOfOfficeText {
            enabled: self.enabled,
            time_zone: self.hours.zone().name().to_string(),
            hours: self.hours.week_text(),
            holidays: self.hours.holidays_text(),
            message: self.message.clone(),
            away_now: self.away_now,
            every_hours: Some(i64::from(self.every_hours)),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn setting() -> OutOfOfficeText {
        OutOfOfficeText {
            enabled: true,
            time_zone: "America/New_York".into(),
            hours: WeekText {
                mon: vec![["09:00".into(), "17:00".into()]],
                ..WeekText::default()
            },
            holidays: Vec::new(),
            message: "We're closed; back Monday at 9.".into(),
            away_now: false,
            every_hours: None,
        }
    }

    fn field_of(text: &OutOfOfficeText) -> &'static str {
        match OutOfOffice::parse(text) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("not refused by field: {other:?}"),
        }
    }

    #[test]
    fn answers_when_closed_at_most_once_per_period() {
        let ooo = OutOfOffice::parse(&setting()).unwrap();
        assert_eq!(ooo.every_hours, 12);
        // Monday 2026-11-02, 08:00 EST (13:00 UTC): closed.
        let early = Utc.with_ymd_and_hms(2026, 11, 2, 13, 0, 0).unwrap();
        assert!(ooo.answers(early, None));
        assert!(!ooo.answers(early, Some(early - Duration::hours(11))));
        assert!(ooo.answers(early, Some(early - Duration::hours(12))));
        // 10:00 EST: open, no answer unless switched away.
        let open = early + Duration::hours(2);
        assert!(!ooo.answers(open, None));
        let away = OutOfOffice::parse(&OutOfOfficeText {
            away_now: true,
            ..setting()
        })
        .unwrap();
        assert!(away.answers(open, None));
        let off = OutOfOffice::parse(&OutOfOfficeText {
            enabled: false,
            ..setting()
        })
        .unwrap();
        assert!(!off.answers(early, None));
    }

    #[test]
    fn refusals_name_the_field() {
        let no_message = OutOfOfficeText {
            message: "  ".into(),
            ..setting()
        };
        assert_eq!(field_of(&no_message), "out_of_office.message");
        for every in [0, 169, -1] {
            let bad = OutOfOfficeText {
                every_hours: Some(every),
                ..setting()
            };
            assert_eq!(field_of(&bad), "out_of_office.every_hours");
        }
        let disabled_without_message = OutOfOfficeText {
            enabled: false,
            message: String::new(),
            ..setting()
        };
        assert!(OutOfOffice::parse(&disabled_without_message).is_ok());
    }

    #[test]
    fn the_setting_reads_back_as_written() {
        let ooo = OutOfOffice::parse(&setting()).unwrap();
        assert_eq!(OutOfOffice::parse(&ooo.to_text()).unwrap(), ooo);
    }
}

//! When a snooze ends, from the Snooze menu: a preset ("in 1 hour",
//! "tomorrow morning", "next week") or a time typed, read in the viewer's
//! zone — their profile's, or the browser's offset until they have one.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use domain::{Timestamp, Zone};

use crate::http::error::ApiError;

/// Where "9:00 tomorrow" and a typed time are read.
#[derive(Debug, Clone, Copy)]
pub struct LocalTime {
    /// The profile's zone, when it has one.
    pub zone: Option<Zone>,
    /// The browser's `getTimezoneOffset()` (minutes behind UTC).
    pub browser_offset_minutes: i64,
}

impl LocalTime {
    fn today(self, now: Timestamp) -> NaiveDate {
        match self.zone {
            Some(zone) => now.with_timezone(&zone.tz()).date_naive(),
            None => (now - self.offset()).date_naive(),
        }
    }

    /// The instant a wall-clock time names; in a zone's DST gap, the
    /// earliest time after it that exists.
    fn instant(self, at: NaiveDateTime) -> Option<Timestamp> {
        match self.zone {
            Some(zone) => zone
                .tz()
                .from_local_datetime(&at)
                .earliest()
                .or_else(|| {
                    zone.tz()
                        .from_local_datetime(&(at + TimeDelta::hours(1)))
                        .earliest()
                })
                .map(|t| t.with_timezone(&Utc)),
            None => Some(Utc.from_utc_datetime(&at) + self.offset()),
        }
    }

    fn offset(self) -> TimeDelta {
        TimeDelta::minutes(self.browser_offset_minutes.clamp(-24 * 60, 24 * 60))
    }
}

/// When a snooze chosen with `preset` (`1h`, `4h`, `tomorrow`, `next_week`,
/// or anything else for the typed `typed`, a `datetime-local` value) ends.
pub fn until(
    preset: &str,
    typed: &str,
    local: LocalTime,
    now: Timestamp,
) -> Result<Timestamp, ApiError> {
    chosen(preset, typed, local, now)
        .ok_or_else(|| ApiError::unprocessable("validation", "choose when the snooze ends"))
}

/// The time a menu of `preset`s names (see [`until`]); the Send later menu
/// shares it. `None` when a typed time does not read.
pub fn chosen(preset: &str, typed: &str, local: LocalTime, now: Timestamp) -> Option<Timestamp> {
    // Local 9:00 on a day `days` from the viewer's today.
    let morning = |days: i64| -> Option<Timestamp> {
        let day = local.today(now) + TimeDelta::days(days);
        local.instant(day.and_hms_opt(9, 0, 0)?)
    };
    match preset {
        "1h" => Some(now + TimeDelta::hours(1)),
        "4h" => Some(now + TimeDelta::hours(4)),
        "tomorrow" => morning(1),
        "next_week" => {
            let weekday = i64::from(local.today(now).weekday().num_days_from_monday());
            morning(7 - weekday)
        }
        _ => NaiveDateTime::parse_from_str(typed, "%Y-%m-%dT%H:%M")
            .ok()
            .and_then(|at| local.instant(at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_snooze_is_read_in_the_browsers_time_zone() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        let browser = LocalTime {
            zone: None,
            browser_offset_minutes: 300, // UTC-5
        };
        let until = until("custom", "2026-03-11T08:30", browser, now).unwrap();
        assert_eq!(until, Utc.with_ymd_and_hms(2026, 3, 11, 13, 30, 0).unwrap());
    }

    #[test]
    fn the_profiles_zone_wins_over_the_browsers() {
        let now = Utc.with_ymd_and_hms(2026, 7, 10, 12, 0, 0).unwrap();
        let lisbon = LocalTime {
            zone: Some(Zone::parse("Europe/Lisbon").unwrap()),
            browser_offset_minutes: 300,
        };
        // Lisbon is UTC+1 in July.
        let typed = until("custom", "2026-07-11T08:30", lisbon, now).unwrap();
        assert_eq!(typed, Utc.with_ymd_and_hms(2026, 7, 11, 7, 30, 0).unwrap());
        let tomorrow = until("tomorrow", "", lisbon, now).unwrap();
        assert_eq!(
            tomorrow,
            Utc.with_ymd_and_hms(2026, 7, 11, 8, 0, 0).unwrap()
        );
    }
}

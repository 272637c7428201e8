//! Business hours: when an inbox's team is at work, in the inbox's own time
//! zone. Per weekday a list of opening intervals (`09:00`–`17:00`), and
//! holidays as local dates on which the inbox stays closed all day.
//!
//! Intervals are wall-clock times: "09:00" is nine in the morning in the
//! zone whatever its offset that day, so a DST change moves the instants
//! and never the opening times people set. Out-of-office asks
//! [`BusinessHours::is_open`]; SLA targets count time with
//! [`BusinessHours::add_business_secs`].

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Weekday};
use serde::{Deserialize, Serialize};

use crate::profile::Zone;
use crate::{DomainError, Timestamp};

/// Minutes in a day: the end of an interval that runs to midnight (`24:00`).
const DAY_MINUTES: u16 = 24 * 60;
/// How far ahead the calendar is searched for an opening: a year and a
/// week covers any holidays a person can list for the year.
const SEARCH_DAYS: i64 = 373;

/// The week as people write it: per day a list of `["HH:MM", "HH:MM"]`
/// pairs. A day left out is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekText {
    /// Monday.
    #[serde(default)]
    pub mon: Vec<[String; 2]>,
    /// Tuesday.
    #[serde(default)]
    pub tue: Vec<[String; 2]>,
    /// Wednesday.
    #[serde(default)]
    pub wed: Vec<[String; 2]>,
    /// Thursday.
    #[serde(default)]
    pub thu: Vec<[String; 2]>,
    /// Friday.
    #[serde(default)]
    pub fri: Vec<[String; 2]>,
    /// Saturday.
    #[serde(default)]
    pub sat: Vec<[String; 2]>,
    /// Sunday.
    #[serde(default)]
    pub sun: Vec<[String; 2]>,
}

impl WeekText {
    /// Each day with its field name, Monday first.
    fn days(&self) -> [(Weekday, &'static str, &[[String; 2]]); 7] {
        [
            (Weekday::Mon, "out_of_office.hours.mon", &self.mon),
            (Weekday::Tue, "out_of_office.hours.tue", &self.tue),
            (Weekday::Wed, "out_of_office.hours.wed", &self.wed),
            (Weekday::Thu, "out_of_office.hours.thu", &self.thu),
            (Weekday::Fri, "out_of_office.hours.fri", &self.fri),
            (Weekday::Sat, "out_of_office.hours.sat", &self.sat),
            (Weekday::Sun, "out_of_office.hours.sun", &self.sun),
        ]
    }

    fn day_mut(&mut self, day: Weekday) -> &mut Vec<[String; 2]> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }
}

/// One opening on a day, in minutes after local midnight: `start < end <= 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    start: u16,
    end: u16,
}

impl Interval {
    /// Whether the wall-clock minute `minute` falls inside.
    fn contains(self, minute: u16) -> bool {
        self.start <= minute && minute < self.end
    }
}

/// When an inbox is open, in its time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    zone: Zone,
    /// Monday first, each day's intervals sorted and disjoint.
    week: [Vec<Interval>; 7],
    holidays: BTreeSet<NaiveDate>,
}

impl BusinessHours {
    /// Checks what a person wrote: an IANA zone, a week of intervals (each
    /// `HH:MM` to `HH:MM`, ending after it starts, none overlapping another
    /// of the same day; `24:00` ends a day) and holidays as `YYYY-MM-DD`.
    /// Each error names the field (`out_of_office.hours.tue`).
    pub fn parse(
        time_zone: &str,
        week: &WeekText,
        holidays: &[String],
    ) -> Result<Self, DomainError> {
        let zone = Zone::parse(time_zone).map_err(|e| match e {
            DomainError::Invalid { message, .. } => {
                DomainError::invalid("out_of_office.time_zone", message)
            }
            other => other,
        })?;
        let mut parsed: [Vec<Interval>; 7] = Default::default();
        for (day, field, pairs) in week.days() {
            parsed[day.num_days_from_monday() as usize] = parse_day(field, pairs)?;
        }
        let mut dates = BTreeSet::new();
        for raw in holidays {
            let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
                DomainError::invalid(
                    "out_of_office.holidays",
                    format!("{:?} is not a date; expected YYYY-MM-DD", cut(raw)),
                )
            })?;
            dates.insert(date);
        }
        if dates.len() > 366 {
            return Err(DomainError::invalid(
                "out_of_office.holidays",
                "at most 366 dates",
            ));
        }
        Ok(Self {
            zone,
            week: parsed,
            holidays: dates,
        })
    }

    /// The zone the hours are in.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The week as people write it (what [`BusinessHours::parse`] reads).
    pub fn week_text(&self) -> WeekText {
        let mut text = WeekText::default();
        for day in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ] {
            *text.day_mut(day) = self.week[day.num_days_from_monday() as usize]
                .iter()
                .map(|i| [hhmm(i.start), hhmm(i.end)])
                .collect();
        }
        text
    }

    /// The holidays as `YYYY-MM-DD`, in date order.
    pub fn holidays_text(&self) -> Vec<String> {
        self.holidays
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect()
    }

    /// Whether the week has any opening at all.
    pub fn has_hours(&self) -> bool {
        self.week.iter().any(|day| !day.is_empty())
    }

    /// Whether the inbox is open at `at`: a working day that is not a
    /// holiday, and a wall-clock time inside one of its intervals.
    pub fn is_open(&self, at: Timestamp) -> bool {
        let local = at.with_timezone(&self.zone.tz()).naive_local();
        if self.holidays.contains(&local.date()) {
            return false;
        }
        let minute = u16::try_from(
            local
                .time()
                .signed_duration_since(chrono::NaiveTime::MIN)
                .num_minutes(),
        )
        .unwrap_or(0);
        self.day(local.date())
            .iter()
            .any(|interval| interval.contains(minute))
    }

    /// The first instant at or after `at` when the inbox is open: `at`
    /// itself when open now. `None` when the week has no hours (or every
    /// working day of the next year is a holiday).
    pub fn next_open(&self, at: Timestamp) -> Option<Timestamp> {
        self.windows_from(at).next().map(|(start, _)| start.max(at))
    }

    /// `t` plus `secs` seconds of opening time: the clock runs only while the
    /// inbox is open. `None` when the week has no hours, so that a caller can
    /// fall back to counting every second.
    pub fn add_business_secs(&self, t: Timestamp, secs: i64) -> Option<Timestamp> {
        let mut left = Duration::seconds(secs.max(0));
        for (start, end) in self.windows_from(t) {
            let from = start.max(t);
            let available = end - from;
            if left <= available {
                return Some(from + left);
            }
            left -= available;
        }
        None
    }

    /// The opening windows (UTC start, UTC end) that end after `at`, in
    /// order, generated lazily day by day; the search gives up after
    /// [`SEARCH_DAYS`] days in a row without an opening (or twenty years).
    fn windows_from(&self, at: Timestamp) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        // From the day before: an instant early in a local day can still be
        // inside the previous day's last interval once a DST shift is applied
        // to its end; windows that ended before `at` are filtered out below.
        let first = at.with_timezone(&self.zone.tz()).date_naive() - Duration::days(1);
        let open_days = self.week.iter().filter(|d| !d.is_empty()).count();
        let limit = if open_days == 0 { 0 } else { 20 * 366 };
        let mut quiet_days = 0_i64;
        (0..limit)
            .map(move |n| first + Duration::days(n))
            .take_while(move |date| {
                // Stop after a year with no opening (all holidays).
                let open = !self.holidays.contains(date) && !self.day(*date).is_empty();
                quiet_days = if open { 0 } else { quiet_days + 1 };
                quiet_days <= SEARCH_DAYS
            })
            .filter(|date| !self.holidays.contains(date))
            .flat_map(move |date| {
                self.day(date).iter().map(move |interval| {
                    (
                        self.instant(date, interval.start, false),
                        self.instant(date, interval.end, true),
                    )
                })
            })
            .filter(move |(start, end)| end > &at && start < end)
    }

    fn day(&self, date: NaiveDate) -> &[Interval] {
        &self.week[date.weekday().num_days_from_monday() as usize]
    }

    /// The UTC instant of a wall-clock minute on `date`. A time that does
    /// not exist (the hour skipped when clocks go forward) is the first
    /// instant after the gap; a time that happens twice (clocks go back) is
    /// the earlier one for a start and the later one for an end, so that
    /// the interval holds every instant the wall clock shows inside it.
    fn instant(&self, date: NaiveDate, minute: u16, late: bool) -> Timestamp {
        let tz = self.zone.tz();
        let mut local: NaiveDateTime =
            date.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(minute));
        for _ in 0..DAY_MINUTES {
            match tz.from_local_datetime(&local) {
                LocalResult::Single(t) => return t.to_utc(),
                LocalResult::Ambiguous(early, later) => {
                    return if late { later } else { early }.to_utc()
                }
                LocalResult::None => local += Duration::minutes(1),
            }
        }
        // No zone skips a whole day of minutes; read the time as UTC if one did.
        local.and_utc()
    }
}

/// Parses one day's intervals, sorted, refusing bad times, inverted and
/// overlapping intervals.
fn parse_day(field: &'static str, pairs: &[[String; 2]]) -> Result<Vec<Interval>, DomainError> {
    if pairs.len() > 12 {
        return Err(DomainError::invalid(field, "at most 12 intervals a day"));
    }
    let mut intervals = Vec::with_capacity(pairs.len());
    for [from, to] in pairs {
        let start = parse_hhmm(field, from, false)?;
        let end = parse_hhmm(field, to, true)?;
        if start >= end {
            return Err(DomainError::invalid(
                field,
                format!("{from}–{to} ends before it starts; write each interval as [start, end] on the same day"),
            ));
        }
        intervals.push(Interval { start, end });
    }
    intervals.sort();
    for pair in intervals.windows(2) {
        if pair[1].start < pair[0].end {
            return Err(DomainError::invalid(
                field,
                format!(
                    "{}–{} overlaps {}–{}",
                    hhmm(pair[0].start),
                    hhmm(pair[0].end),
                    hhmm(pair[1].start),
                    hhmm(pair[1].end)
                ),
            ));
        }
    }
    Ok(intervals)
}

/// `HH:MM` on a 24-hour clock, as minutes after midnight; `24:00` only as an end.
fn parse_hhmm(field: &'static str, raw: &str, end: bool) -> Result<u16, DomainError> {
    let bad = || {
        DomainError::invalid(
            field,
            format!(
                "{:?} is not a time; expected HH:MM on a 24-hour clock",
                cut(raw)
            ),
        )
    };
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 || !h.chars().chain(m.chars()).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let minutes = h * 60 + m;
    if m > 59 || minutes > DAY_MINUTES || (minutes == DAY_MINUTES && !end) {
        return Err(bad());
    }
    Ok(minutes)
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn cut(raw: &str) -> String {
    raw.chars().take(32).collect()
}

#[cfg(test)]
mod tests;

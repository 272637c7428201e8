//! Business hours across New York's DST changes (2026-03-08, clocks go
//! forward at 02:00; 2026-11-01, clocks go back at 02:00), holidays, and the
//! refusals that name the field.

use chrono::{TimeZone, Utc};

use super::*;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<[String; 2]> {
    list.iter()
        .map(|(a, b)| [(*a).to_string(), (*b).to_string()])
        .collect()
}

/// Monday to Friday nine to five in New York, Christmas off, plus the
/// Sundays given.
fn new_york(sun: &[(&str, &str)]) -> BusinessHours {
    let day = pairs(&[("09:00", "17:00")]);
    let week = WeekText {
        mon: day.clone(),
        tue: day.clone(),
        wed: day.clone(),
        thu: day.clone(),
        fri: day,
        sat: Vec::new(),
        sun: pairs(sun),
    };
    BusinessHours::parse("America/New_York", &week, &["2026-12-25".into()]).unwrap()
}

fn field_of(error: DomainError) -> &'static str {
    match error {
        DomainError::Invalid { field, .. } => field,
        other => panic!("not a field error: {other:?}"),
    }
}

#[test]
fn nine_to_five_follows_the_wall_clock_on_both_sides_of_a_dst_change() {
    let hours = new_york(&[]);
    // Friday before the spring change: 09:00 EST is 14:00 UTC.
    assert!(!hours.is_open(utc(2026, 3, 6, 13, 59)));
    assert!(hours.is_open(utc(2026, 3, 6, 14, 0)));
    assert!(hours.is_open(utc(2026, 3, 6, 21, 59)));
    assert!(!hours.is_open(utc(2026, 3, 6, 22, 0)));
    // Monday after it: 09:00 EDT is 13:00 UTC.
    assert!(!hours.is_open(utc(2026, 3, 9, 12, 59)));
    assert!(hours.is_open(utc(2026, 3, 9, 13, 0)));
    assert!(!hours.is_open(utc(2026, 3, 9, 21, 0)));
    // Weekends are closed.
    assert!(!hours.is_open(utc(2026, 3, 7, 15, 0)));
}

#[test]
fn the_hour_clocks_skip_in_spring_is_not_counted() {
    // Sunday 2026-03-08 01:00–04:00 local is two real hours: 06:00–08:00 UTC.
    let hours = new_york(&[("01:00", "04:00")]);
    assert!(!hours.is_open(utc(2026, 3, 8, 5, 59)));
    assert!(hours.is_open(utc(2026, 3, 8, 6, 59)), "01:59 EST");
    assert!(hours.is_open(utc(2026, 3, 8, 7, 0)), "03:00 EDT");
    assert!(!hours.is_open(utc(2026, 3, 8, 8, 0)), "04:00 EDT");
    let start = utc(2026, 3, 8, 6, 0);
    assert_eq!(
        hours.add_business_secs(start, 2 * 3600),
        Some(utc(2026, 3, 8, 8, 0))
    );
    // One more minute runs on to Monday 09:01 EDT.
    assert_eq!(
        hours.add_business_secs(start, 2 * 3600 + 60),
        Some(utc(2026, 3, 9, 13, 1))
    );
}

#[test]
fn an_interval_starting_inside_the_skipped_hour_opens_when_the_clock_shows_three() {
    let hours = new_york(&[("02:30", "05:00")]);
    assert_eq!(
        hours.next_open(utc(2026, 3, 8, 0, 0)),
        Some(utc(2026, 3, 8, 7, 0)),
        "03:00 EDT"
    );
}

#[test]
fn the_hour_clocks_repeat_in_autumn_is_counted_twice() {
    // Sunday 2026-11-01 00:00–03:00 local is four real hours: 04:00–08:00 UTC.
    let hours = new_york(&[("00:00", "03:00")]);
    assert!(!hours.is_open(utc(2026, 11, 1, 3, 59)));
    assert!(hours.is_open(utc(2026, 11, 1, 5, 30)), "01:30 EDT");
    assert!(hours.is_open(utc(2026, 11, 1, 6, 30)), "01:30 EST");
    assert!(hours.is_open(utc(2026, 11, 1, 7, 59)), "02:59 EST");
    assert!(!hours.is_open(utc(2026, 11, 1, 8, 0)), "03:00 EST");
    let start = utc(2026, 11, 1, 4, 0);
    assert_eq!(
        hours.add_business_secs(start, 4 * 3600),
        Some(utc(2026, 11, 1, 8, 0))
    );
}

#[test]
fn counting_business_time_skips_nights_weekends_and_the_offset_change() {
    let hours = new_york(&[]);
    // Friday 16:00 EST plus two working hours: one on Friday, one on Monday
    // from 09:00 EDT (13:00 UTC, no longer 14:00).
    let friday = utc(2026, 3, 6, 21, 0);
    assert_eq!(
        hours.add_business_secs(friday, 7200),
        Some(utc(2026, 3, 9, 14, 0))
    );
    // Counting from a closed time starts at the next opening.
    let saturday = utc(2026, 10, 31, 16, 0);
    assert_eq!(
        hours.next_open(saturday),
        Some(utc(2026, 11, 2, 14, 0)),
        "09:00 EST"
    );
    assert_eq!(
        hours.add_business_secs(saturday, 0),
        Some(utc(2026, 11, 2, 14, 0))
    );
    // A full working week is five days of eight hours.
    let monday = utc(2026, 11, 2, 14, 0);
    assert_eq!(
        hours.add_business_secs(monday, 40 * 3600),
        Some(utc(2026, 11, 6, 22, 0))
    );
    // Open now: next_open is now.
    assert_eq!(hours.next_open(monday), Some(monday));
}

#[test]
fn holidays_stay_closed_all_day() {
    let hours = new_york(&[]);
    // Friday 2026-12-25 at noon EST.
    assert!(!hours.is_open(utc(2026, 12, 25, 17, 0)));
    assert!(hours.is_open(utc(2026, 12, 24, 17, 0)));
    assert_eq!(
        hours.next_open(utc(2026, 12, 24, 23, 0)),
        Some(utc(2026, 12, 28, 14, 0)),
        "Thursday evening opens on Monday"
    );
}

#[test]
fn a_week_without_hours_never_opens_and_counts_nothing() {
    let hours = BusinessHours::parse("UTC", &WeekText::default(), &[]).unwrap();
    assert!(!hours.has_hours());
    assert!(!hours.is_open(utc(2026, 1, 5, 12, 0)));
    assert_eq!(hours.next_open(utc(2026, 1, 5, 12, 0)), None);
    assert_eq!(hours.add_business_secs(utc(2026, 1, 5, 12, 0), 60), None);
}

#[test]
fn a_day_can_run_to_midnight_and_the_next_day_start_at_midnight() {
    let week = WeekText {
        mon: pairs(&[("20:00", "24:00")]),
        tue: pairs(&[("00:00", "02:00")]),
        ..WeekText::default()
    };
    let hours = BusinessHours::parse("UTC", &week, &[]).unwrap();
    assert!(hours.is_open(utc(2026, 1, 5, 23, 59)));
    assert!(hours.is_open(utc(2026, 1, 6, 0, 0)));
    assert_eq!(
        hours.add_business_secs(utc(2026, 1, 5, 20, 0), 6 * 3600),
        Some(utc(2026, 1, 6, 2, 0))
    );
}

#[test]
fn the_week_reads_back_as_it_was_written_in_order() {
    let week = WeekText {
        wed: pairs(&[("13:00", "17:30"), ("08:00", "12:00")]),
        ..WeekText::default()
    };
    let hours = BusinessHours::parse(" Europe/Lisbon ", &week, &["2026-06-10".into()]).unwrap();
    assert_eq!(hours.zone().name(), "Europe/Lisbon");
    assert_eq!(
        hours.week_text().wed,
        pairs(&[("08:00", "12:00"), ("13:00", "17:30")])
    );
    assert_eq!(hours.holidays_text(), ["2026-06-10"]);
}

#[test]
fn bad_hours_are_refused_naming_the_day() {
    let refused = |tue: &[(&str, &str)]| {
        let week = WeekText {
            tue: pairs(tue),
            ..WeekText::default()
        };
        field_of(BusinessHours::parse("UTC", &week, &[]).unwrap_err())
    };
    for bad in [
        &[("9:00", "17:00")][..],
        &[("09:00", "5pm")],
        &[("24:00", "24:00")],
        &[("09:60", "10:00")],
        &[("17:00", "09:00")],
        &[("09:00", "09:00")],
        &[("09:00", "12:00"), ("11:00", "13:00")],
        &[("09:00", "24:01")],
    ] {
        assert_eq!(refused(bad), "out_of_office.hours.tue", "{bad:?}");
    }
    let touching = WeekText {
        tue: pairs(&[("09:00", "12:00"), ("12:00", "13:00")]),
        ..WeekText::default()
    };
    assert!(BusinessHours::parse("UTC", &touching, &[]).is_ok());
}

#[test]
fn unknown_zones_and_bad_dates_are_refused_naming_the_field() {
    let week = WeekText::default();
    let zone = BusinessHours::parse("America/Gotham", &week, &[]).unwrap_err();
    assert_eq!(field_of(zone), "out_of_office.time_zone");
    let date = BusinessHours::parse("UTC", &week, &["25/12/2026".into()]).unwrap_err();
    assert_eq!(field_of(date), "out_of_office.holidays");
}

#[test]
fn week_text_refuses_unknown_days() {
    let parsed: Result<WeekText, _> = serde_json::from_str(r#"{"monday": []}"#);
    assert!(parsed.is_err());
    let parsed: WeekText = serde_json::from_str(r#"{"mon": [["09:00", "17:00"]]}"#).unwrap();
    assert_eq!(parsed.mon, pairs(&[("09:00", "17:00")]));
    assert!(parsed.sun.is_empty());
}

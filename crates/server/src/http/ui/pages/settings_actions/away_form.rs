//! The settings page's "Out of office" card (admins): business hours per
//! weekday, holidays, the automatic reply, "away now". What it shows is
//! [`AwayValues`]; saving is [`save_away`]. A refusal names the field in
//! words ("Tuesday: 09:00–12:00 overlaps 11:30–14:00").

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use domain::{DomainError, OutOfOffice, OutOfOfficeText, WeekText};
use serde::Deserialize;

use super::{inbox_id, save_policy, InboxPath, Posted};
use crate::http::error::ApiError;
use crate::http::ui::pages::settings::Values;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::inboxes::InboxChanges;
use crate::services::state::AppState;

/// The card's fields as text: stored, or as typed before a refusal. Each
/// day is its intervals, `09:00-12:00, 13:00-17:00`; empty is closed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AwayValues {
    /// `1` when automatic replies are on.
    #[serde(default)]
    pub away_enabled: String,
    /// An IANA zone name.
    #[serde(default)]
    pub away_time_zone: String,
    /// Monday's intervals.
    #[serde(default)]
    pub away_mon: String,
    /// Tuesday's.
    #[serde(default)]
    pub away_tue: String,
    /// Wednesday's.
    #[serde(default)]
    pub away_wed: String,
    /// Thursday's.
    #[serde(default)]
    pub away_thu: String,
    /// Friday's.
    #[serde(default)]
    pub away_fri: String,
    /// Saturday's.
    #[serde(default)]
    pub away_sat: String,
    /// Sunday's.
    #[serde(default)]
    pub away_sun: String,
    /// Dates, one a line (or comma-separated), `YYYY-MM-DD`.
    #[serde(default)]
    pub away_holidays: String,
    /// The automatic reply.
    #[serde(default)]
    pub away_message: String,
    /// `1` when away now.
    #[serde(default)]
    pub away_now: String,
    /// Hours between two replies in one conversation.
    #[serde(default)]
    pub away_every_hours: String,
}

impl AwayValues {
    /// The stored setting as the card shows it; weekdays nine to five in UTC
    /// (switched off) when there is none yet.
    pub fn stored(setting: Option<&OutOfOffice>) -> Self {
        let Some(setting) = setting else {
            let day = "09:00-17:00".to_string();
            return Self {
                away_time_zone: "UTC".into(),
                away_mon: day.clone(),
                away_tue: day.clone(),
                away_wed: day.clone(),
                away_thu: day.clone(),
                away_fri: day,
                away_every_hours: OutOfOffice::DEFAULT_EVERY_HOURS.to_string(),
                ..Self::default()
            };
        };
        let text = setting.to_text();
        let day = |pairs: &[[String; 2]]| {
            pairs
                .iter()
                .map(|[a, b]| format!("{a}-{b}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let flag = |on: bool| if on { "1".to_string() } else { String::new() };
        Self {
            away_enabled: flag(text.enabled),
            away_time_zone: text.time_zone,
            away_mon: day(&text.hours.mon),
            away_tue: day(&text.hours.tue),
            away_wed: day(&text.hours.wed),
            away_thu: day(&text.hours.thu),
            away_fri: day(&text.hours.fri),
            away_sat: day(&text.hours.sat),
            away_sun: day(&text.hours.sun),
            away_holidays: text.holidays.join("\n"),
            away_message: text.message,
            away_now: flag(text.away_now),
            away_every_hours: setting.every_hours.to_string(),
        }
    }

    /// The week's text fields, each with its field name and its day's name.
    pub fn days(&self) -> [(&'static str, &'static str, &str); 7] {
        [
            ("away_mon", "Monday", &self.away_mon),
            ("away_tue", "Tuesday", &self.away_tue),
            ("away_wed", "Wednesday", &self.away_wed),
            ("away_thu", "Thursday", &self.away_thu),
            ("away_fri", "Friday", &self.away_fri),
            ("away_sat", "Saturday", &self.away_sat),
            ("away_sun", "Sunday", &self.away_sun),
        ]
    }

    /// Reads the card into a setting; a refusal reads as a sentence.
    fn parse(&self) -> Result<OutOfOffice, ApiError> {
        let every = self.away_every_hours.trim();
        let every_hours = if every.is_empty() {
            None
        } else {
            Some(every.parse::<i64>().map_err(|_| {
                readable(DomainError::invalid(
                    "out_of_office.every_hours",
                    "must be a whole number of hours",
                ))
            })?)
        };
        let text = OutOfOfficeText {
            enabled: !self.away_enabled.is_empty(),
            time_zone: self.away_time_zone.clone(),
            hours: WeekText {
                mon: intervals("out_of_office.hours.mon", &self.away_mon)?,
                tue: intervals("out_of_office.hours.tue", &self.away_tue)?,
                wed: intervals("out_of_office.hours.wed", &self.away_wed)?,
                thu: intervals("out_of_office.hours.thu", &self.away_thu)?,
                fri: intervals("out_of_office.hours.fri", &self.away_fri)?,
                sat: intervals("out_of_office.hours.sat", &self.away_sat)?,
                sun: intervals("out_of_office.hours.sun", &self.away_sun)?,
            },
            holidays: self
                .away_holidays
                .split([',', '\n'])
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect(),
            message: self.away_message.clone(),
            away_now: !self.away_now.is_empty(),
            every_hours,
        };
        OutOfOffice::parse(&text).map_err(readable)
    }
}

/// One day's `09:00-12:00, 13:00-17:00` as pairs.
fn intervals(field: &'static str, raw: &str) -> Result<Vec<[String; 2]>, ApiError> {
    raw.split(',')
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (from, to) = piece.split_once(['-', '–']).ok_or_else(|| {
                readable(DomainError::invalid(
                    field,
                    format!("write {piece:?} as a start and an end, like 09:00-17:00"),
                ))
            })?;
            Ok([from.trim().to_string(), to.trim().to_string()])
        })
        .collect()
}

/// A refusal with the field named as the card labels it.
fn readable(error: DomainError) -> ApiError {
    let text = match &error {
        DomainError::Invalid { field, message } => {
            let label = match *field {
                "out_of_office.hours.mon" => "Monday",
                "out_of_office.hours.tue" => "Tuesday",
                "out_of_office.hours.wed" => "Wednesday",
                "out_of_office.hours.thu" => "Thursday",
                "out_of_office.hours.fri" => "Friday",
                "out_of_office.hours.sat" => "Saturday",
                "out_of_office.hours.sun" => "Sunday",
                "out_of_office.time_zone" => "Time zone",
                "out_of_office.holidays" => "Holidays",
                "out_of_office.message" => "Message",
                "out_of_office.every_hours" => "Reply at most once per",
                other => other,
            };
            format!("{label}: {message}")
        }
        other => other.to_string(),
    };
    ApiError::unprocessable("validation", text)
}

/// `POST …/settings/away` (admins).
pub async fn save_away(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<AwayValues>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let changes = form.parse().map(|setting| InboxChanges {
        out_of_office: Some(setting),
        ..InboxChanges::default()
    });
    let typed = Values {
        away: form,
        ..Values::default()
    };
    let posted = Posted::form("away").typed(typed);
    save_policy(&state, &agent, jar, &id, changes, posted, "Saved.").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_intervals_separated_by_commas() {
        let pairs = intervals("out_of_office.hours.mon", " 09:00-12:00, 13:00 – 17:00 ,").unwrap();
        assert_eq!(pairs, [["09:00", "12:00"], ["13:00", "17:00"]]);
        assert!(intervals("out_of_office.hours.mon", "").unwrap().is_empty());
        assert!(intervals("out_of_office.hours.mon", "nine to five").is_err());
    }

    #[test]
    fn the_stored_setting_reads_back_through_the_card() {
        let mut typed = AwayValues::stored(None);
        typed.away_enabled = "1".into();
        typed.away_message = "Closed.".into();
        typed.away_holidays = "2026-12-25, 2027-01-01".into();
        let setting = typed.parse().unwrap();
        assert_eq!(AwayValues::stored(Some(&setting)).parse().unwrap(), setting);
        assert_eq!(AwayValues::stored(Some(&setting)).away_mon, "09:00-17:00");
    }
}

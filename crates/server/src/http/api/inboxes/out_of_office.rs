//! The `out_of_office` object of `PATCH /inboxes/{id}` and of what the inbox
//! endpoints answer: business hours, holidays and the automatic reply.

use domain::{DomainError, OutOfOffice, OutOfOfficeText, WeekText};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Business hours per weekday: `[["09:00", "17:00"]]` pairs on a 24-hour
/// clock (`24:00` ends a day); a day left out or empty is closed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    /// Monday.
    #[serde(default)]
    #[schema(example = json!([["09:00", "17:00"]]))]
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

impl From<WeekHours> for WeekText {
    fn from(w: WeekHours) -> Self {
        Self {
            mon: w.mon,
            tue: w.tue,
            wed: w.wed,
            thu: w.thu,
            fri: w.fri,
            sat: w.sat,
            sun: w.sun,
        }
    }
}

impl From<WeekText> for WeekHours {
    fn from(w: WeekText) -> Self {
        Self {
            mon: w.mon,
            tue: w.tue,
            wed: w.wed,
            thu: w.thu,
            fri: w.fri,
            sat: w.sat,
            sun: w.sun,
        }
    }
}

/// An inbox's out-of-office setting. Sent whole: it replaces the one before.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutOfOfficeSetting {
    /// Whether customers who write while the team is away get the message.
    pub enabled: bool,
    /// The IANA time zone the hours are in.
    #[schema(example = "America/New_York")]
    pub time_zone: String,
    /// Opening hours per weekday.
    #[serde(default)]
    pub hours: WeekHours,
    /// Dates (`YYYY-MM-DD`, in the inbox's zone) on which it stays closed.
    #[serde(default)]
    #[schema(example = json!(["2026-12-25"]))]
    pub holidays: Vec<String>,
    /// The automatic reply, up to 1,600 characters; required when enabled.
    #[serde(default)]
    pub message: String,
    /// Away now, whatever the hours, until switched off.
    #[serde(default)]
    pub away_now: bool,
    /// At most one automatic reply per conversation in this many hours (1–168; 12 when absent).
    #[schema(minimum = 1, maximum = 168)]
    pub every_hours: Option<i64>,
}

impl OutOfOfficeSetting {
    /// Checks it; errors name the field (`out_of_office.hours.mon`).
    pub fn parse(self) -> Result<OutOfOffice, DomainError> {
        OutOfOffice::parse(&OutOfOfficeText {
            enabled: self.enabled,
            time_zone: self.time_zone,
            hours: self.hours.into(),
            holidays: self.holidays,
            message: self.message,
            away_now: self.away_now,
            every_hours: self.every_hours,
        })
    }
}

impl From<&OutOfOffice> for OutOfOfficeSetting {
    fn from(setting: &OutOfOffice) -> Self {
        let text = setting.to_text();
        Self {
            enabled: text.enabled,
            time_zone: text.time_zone,
            hours: text.hours.into(),
            holidays: text.holidays,
            message: text.message,
            away_now: text.away_now,
            every_hours: text.every_hours,
        }
    }
}

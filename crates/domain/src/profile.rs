//! What each person sets for themselves: the time zone pages show times in,
//! and whether they are available for new work.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::text::Word;
use crate::DomainError;

/// Whether a person is taking new work (`available`) or not (`away`).
/// Only they set it; teammates see it beside their name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// At work.
    #[default]
    Available,
    /// Away: on a break, off shift, on holiday.
    Away,
}

impl Word for Availability {
    const FIELD: &'static str = "availability";
    const ALL: &'static [(Self, &'static str)] =
        &[(Self::Available, "available"), (Self::Away, "away")];
    const EXPECTED: &'static str = "available, away";
}

/// An IANA time zone (`Europe/Lisbon`, `America/New_York`, `UTC`), as the
/// time zone database names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

impl Zone {
    /// Universal time: what pages use until a person's zone is known.
    pub const UTC: Zone = Zone(Tz::UTC);

    /// Parses an IANA name, exactly as the database spells it.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        Tz::from_str(raw).map(Zone).map_err(|_| {
            DomainError::invalid(
                "time_zone",
                format!(
                    "unknown time zone {:?}; expected an IANA name like Europe/Lisbon",
                    raw.chars().take(64).collect::<String>()
                ),
            )
        })
    }

    /// The zone, for converting times.
    pub fn tz(self) -> Tz {
        self.0
    }

    /// Its IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Every zone the database knows, by name: for a picker. Old aliases
    /// (`US/Pacific`, `Etc/GMT+3`) are left out, `UTC` kept.
    pub fn all() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|name| *name == "UTC" || (name.contains('/') && is_canonical_area(name)))
    }
}

/// Whether a name is in one of the database's geographic areas.
fn is_canonical_area(name: &str) -> bool {
    const AREAS: &[&str] = &[
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    ];
    AREAS.iter().any(|area| name.starts_with(area))
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tests::assert_word_table;

    #[test]
    fn availability_words_round_trip() {
        assert_word_table::<Availability>();
        assert_eq!(Availability::default(), Availability::Available);
    }

    #[test]
    fn zones_are_iana_names() {
        assert_eq!(
            Zone::parse("Europe/Lisbon").unwrap().name(),
            "Europe/Lisbon"
        );
        assert_eq!(Zone::parse(" UTC ").unwrap(), Zone::UTC);
        for bad in ["", "Mars/Olympus", "+02:00", "europe/lisbon"] {
            assert!(Zone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_picker_lists_geographic_zones_and_utc() {
        let all: Vec<_> = Zone::all().collect();
        assert!(all.contains(&"America/New_York"));
        assert!(all.contains(&"UTC"));
        assert!(!all.contains(&"US/Pacific"));
        assert!(all.iter().all(|name| Zone::parse(name).is_ok()));
    }
}

//! Contacts (the customers) and the two addresses they are reached at.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{ContactId, DomainError, Timestamp, UserId, WorkspaceId};

mod recent;

/// The customer: who writes in and who replies reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Its id.
    pub id: ContactId,
    /// The workspace it belongs to.
    pub workspace_id: WorkspaceId,
    /// Display name; may be empty for an unknown texter.
    pub name: String,
    /// Mobile number in E.164; unique per workspace.
    pub phone: Option<PhoneNumber>,
    /// Email address; unique per workspace.
    pub email: Option<EmailAddress>,
    /// The user who owns the relationship (drives `contact_owner=me`).
    pub owner_id: Option<UserId>,
    /// Set when the contact texted STOP; sending to them is refused until START.
    pub opted_out_at: Option<Timestamp>,
    /// A phone played by the simulator, not a real customer: reached only
    /// through simulator numbers, and kept apart from the real contact with
    /// the same number (neither's texts or opt-out ever touch the other's).
    #[serde(default)]
    pub simulated: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl Contact {
    /// Whether messages to this contact must be refused.
    pub fn is_opted_out(&self) -> bool {
        self.opted_out_at.is_some()
    }
}

/// A phone number in E.164 form (`+14155550100`), valid per libphonenumber's metadata.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// The longest input worth handing to the parser.
    const MAX_INPUT: usize = 64;

    /// Parses a number typed by a person or sent by a provider.
    ///
    /// Numbers that start with `+` are parsed without a region; others are
    /// read in `default_region` (ISO 3166 alpha-2, for example `US`), which
    /// also gives the international prefix (`011 44 …` from the US).
    /// Numbers that are not valid are refused, so `12345` never becomes a
    /// "+12345" contact. Input that `phonenumber` 0.3.10 is known to misread is
    /// read again safely or refused: a wrong number is worse than none.
    pub fn parse(raw: &str, default_region: &str) -> Result<Self, DomainError> {
        let input = raw.trim();
        let refuse = |reason: &str| DomainError::InvalidPhone {
            input: input.chars().take(Self::MAX_INPUT).collect(),
            reason: reason.to_string(),
        };
        if input.is_empty() {
            return Err(refuse("empty"));
        }
        if input.len() > Self::MAX_INPUT {
            return Err(refuse("too long"));
        }
        if input.chars().any(|c| c.is_control()) {
            return Err(refuse("contains control characters"));
        }
        // RFC 3966 parameters after `;` (`phone-context=+64`, `isub=…`) are
        // not digits of the number, so only the part before them is inspected.
        let number = strip_tel_scheme(input)
            .split(';')
            .next()
            .unwrap_or_default();
        let international_input = number.starts_with('+');
        if international_input {
            if let Some(known) = recent::get(input) {
                return Ok(known);
            }
        }
        let parsed = if international_input {
            phonenumber::parse(None, input).map_err(|e| refuse(in_words(&e)))?
        } else {
            let region = default_region
                .parse::<phonenumber::country::Id>()
                .map_err(|_| refuse("unknown default region"))?;
            parse_in_region(region, input).map_err(|reason| refuse(&reason))?
        };
        let international = matches!(
            parsed.code().source(),
            phonenumber::country::Source::Plus | phonenumber::country::Source::Idd
        );
        match number.chars().filter(char::is_ascii_alphabetic).count() {
            0 => {}
            // 0.3.10 turns every letter into a keypad digit in place, so
            // `+3367a829916` or a typed `O` for `0` would become another valid
            // number. libphonenumber reads letters only in a vanity number (three
            // or more, `1-800-FLOWERS`); fewer are typos, and an international
            // number with letters is more likely a typo than a vanity number.
            1 | 2 => return Err(refuse("letters in a phone number")),
            _ if international => return Err(refuse("letters in an international number")),
            _ => {}
        }
        if !phonenumber::is_valid(&parsed) {
            return Err(refuse("not a valid number"));
        }
        let number = Self(e164(&parsed));
        // E.164 allows 15 digits; `phonenumber`'s metadata accepts some longer
        // German numbers, which no carrier would route.
        if number.0.len() > 16 {
            return Err(refuse("longer than the 15 digits a phone number may have"));
        }
        if international_input {
            recent::remember(input, &number);
        }
        Ok(number)
    }

    /// Wraps a value read back from the database, already in E.164.
    pub fn from_trusted(e164: String) -> Self {
        Self(e164)
    }

    /// The E.164 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why `phonenumber` refused a number, in our own words: its wording
/// ("the number is too short after IDD") is not for the people who typed it.
fn in_words(error: &phonenumber::ParseError) -> &'static str {
    use phonenumber::ParseError as E;
    match error {
        E::NoNumber => "too few digits",
        E::InvalidCountryCode => "no country has that code",
        E::TooShortAfterIdd | E::TooShortNsn => "too short",
        E::TooLong => "too long",
        E::MalformedInteger(_) => "not a valid number",
    }
}

/// `tel:+1…` and `TEL:+1…` are the same number: the scheme is case-insensitive.
fn strip_tel_scheme(input: &str) -> &str {
    match input.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => input[4..].trim_start(),
        _ => input,
    }
}

fn e164(number: &phonenumber::PhoneNumber) -> String {
    number.format().mode(phonenumber::Mode::E164).to_string()
}

/// Parses a number written the way people in `region` write it.
///
/// `phonenumber` 0.3.10 strips the *default region's* national prefix even
/// when the country code came from the input: `011 49 15123456789` from the US
/// loses the `1` of a German mobile and reads as the valid `+495123456789`
/// (whisperfish/rust-phonenumber#30). When the number names a country other
/// than `region`, it is read again without the region, and kept only if the
/// two readings agree (same country, one national number ending the other).
fn parse_in_region(
    region: phonenumber::country::Id,
    input: &str,
) -> Result<phonenumber::PhoneNumber, String> {
    use phonenumber::country::Source;
    const UNREADABLE: &str = "unreadable international number";
    let first = phonenumber::parse(Some(region), input).map_err(|e| in_words(&e).to_string())?;
    let region_meta = phonenumber::metadata::DATABASE.by_id(region.as_ref());
    if region_meta.map(|m| m.country_code()) == Some(first.code().value()) {
        return Ok(first);
    }
    let retry = match first.code().source() {
        // The country came from a `phone-context=+49` parameter or a `+` after
        // punctuation: the input names its own country, no region needed.
        Source::Plus => input.to_string(),
        Source::Idd => international_form(region_meta, input).ok_or(UNREADABLE)?,
        // Only the region's own country code is read from a national number.
        Source::Number | Source::Default => return Ok(first),
    };
    let again = phonenumber::parse(None, retry).map_err(|_| UNREADABLE)?;
    // The first reading used the wrong country's trunk prefix, so it may have
    // lost leading digits or kept a `0` it should have dropped; either way the
    // two readings agree on the country and on the digits they end with.
    let (kept, read) = (first.national().to_string(), again.national().to_string());
    if again.code().value() == first.code().value()
        && (read.ends_with(&kept) || kept.ends_with(&read))
    {
        Ok(again)
    } else {
        Err(UNREADABLE.to_string())
    }
}

/// `011 49 151…` → `+49 151…`: swaps the leading international prefix (a
/// regular expression in the region's metadata) for `+`.
fn international_form(region: Option<&phonenumber::Metadata>, input: &str) -> Option<String> {
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    let prefix = region?
        .international_prefix()?
        .find(&digits)
        .filter(|m| m.start() == 0)?;
    // Byte offset just after the prefix's last digit in the original input.
    let (at, _) = input
        .char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .nth(prefix.end().checked_sub(1)?)?;
    // Punctuation that closed the prefix (`(00) 33…`) is not part of the number.
    let rest = input[at + 1..].trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    Some(format!("+{rest}"))
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}
impl<'de> Deserialize<'de> for PhoneNumber {
    /// Deserialising accepts only international numbers: there is no region
    /// here, and guessing one would read another country's number wrongly.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        if !raw.trim_start().starts_with('+') {
            return Err(serde::de::Error::custom(
                "a phone number must be in international form (+ and the country code)",
            ));
        }
        // No region is used for a `+` number; the argument is never read.
        Self::parse(&raw, "US").map_err(serde::de::Error::custom)
    }
}

/// An email address, checked for shape and stored lower-cased in its domain part.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an address such as `ana@example.com`; the domain is lower-cased,
    /// the local part kept as written (it may be case-sensitive).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let input = raw.trim();
        let refuse = || DomainError::InvalidEmail(input.chars().take(254).collect());
        if input.len() > 254 {
            return Err(refuse());
        }
        // Display names ("Ana <ana@x>") are valid RFC 5322 but not an address.
        let options = email_address::Options::default().without_display_text();
        let parsed = email_address::EmailAddress::parse_with_options(input, options)
            .map_err(|_| refuse())?;
        // A one-label domain (`ana@localhost`) cannot be reached from outside.
        if !parsed.domain().contains('.') {
            return Err(refuse());
        }
        Ok(Self(format!(
            "{}@{}",
            parsed.local_part(),
            parsed.domain().to_ascii_lowercase()
        )))
    }

    /// Wraps a value read back from the database.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl Serialize for EmailAddress {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}
impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tel_scheme_is_stripped_in_any_case() {
        assert_eq!(strip_tel_scheme("tel:+14155550100"), "+14155550100");
        assert_eq!(strip_tel_scheme("TEL: +14155550100"), "+14155550100");
        assert_eq!(strip_tel_scheme("Tel:+1"), "+1");
        assert_eq!(strip_tel_scheme("+14155550100"), "+14155550100");
        assert_eq!(strip_tel_scheme("tele"), "tele");
        // A multi-byte character across byte 4 is not a scheme, and no panic.
        assert_eq!(strip_tel_scheme("te😀:1"), "te😀:1");
    }

    fn region(id: &str) -> Option<&'static phonenumber::Metadata> {
        phonenumber::metadata::DATABASE.by_id(id)
    }

    #[test]
    fn the_regions_international_prefix_becomes_a_plus() {
        assert_eq!(
            international_form(region("US"), "011 49 151 23456789"),
            Some("+49 151 23456789".into())
        );
        assert_eq!(
            international_form(region("DE"), "(00) 33-1-42"),
            Some("+33-1-42".into())
        );
    }

    #[test]
    fn a_number_without_the_regions_international_prefix_is_left_alone() {
        assert_eq!(international_form(region("US"), "415 555 0100"), None);
        assert_eq!(international_form(region("US"), "00 49 151"), None);
        assert_eq!(international_form(None, "011 49 151"), None);
        assert_eq!(international_form(region("US"), ""), None);
    }

    #[test]
    fn a_contact_who_texted_stop_is_opted_out() {
        let now = chrono::Utc::now();
        let mut contact = Contact {
            id: ContactId::generate(),
            workspace_id: WorkspaceId::generate(),
            name: String::new(),
            phone: None,
            email: None,
            owner_id: None,
            opted_out_at: None,
            simulated: false,
            created_at: now,
            updated_at: now,
        };
        assert!(!contact.is_opted_out());
        contact.opted_out_at = Some(now);
        assert!(contact.is_opted_out());
    }
}

//! Words as enums: one place that maps each enum to its stable text and back.

use crate::DomainError;

/// An enum with a fixed set of stable words, as stored in the database and
/// sent over the API.
pub trait Word: Sized + Copy + PartialEq + 'static {
    /// The field name used in errors, for example `status`.
    const FIELD: &'static str;
    /// Every value with its word.
    const ALL: &'static [(Self, &'static str)];
    /// The accepted words, for error messages.
    const EXPECTED: &'static str;

    /// This value's word.
    fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(v, _)| *v == self)
            .map(|(_, w)| *w)
            .unwrap_or("")
    }

    /// Parses a word; an unknown one names the field and the accepted words.
    fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .find(|(_, w)| *w == raw)
            .map(|(v, _)| *v)
            .ok_or_else(|| DomainError::UnknownValue {
                field: Self::FIELD,
                value: raw.chars().take(64).collect(),
                expected: Self::EXPECTED,
            })
    }
}

/// Trims a required short text field and checks its length in characters.
pub fn required_text(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::fmt::Debug;

    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::*;
    use crate::Status;

    /// Every word serde knows for `T`, in declaration order. serde's
    /// unknown-variant error lists them all (`expected one of `a`, `b``), which is
    /// the one place that sees every variant, including one missing from `Word::ALL`.
    fn serde_words<T: DeserializeOwned + Debug>() -> Vec<String> {
        let error = serde_json::from_str::<T>("\"no such word\"")
            .unwrap_err()
            .to_string();
        let (_, expected) = error
            .split_once("expected")
            .expect("serde names the expected variants");
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    /// Checks one [`Word`] enum: its table lists every variant serde knows, in
    /// order, and each value reads and writes the same word through
    /// `as_str`, `parse`, serde_json and `EXPECTED`, so the serde rename and the
    /// table cannot drift apart.
    pub(crate) fn assert_word_table<T>()
    where
        T: Word + Debug + Serialize + DeserializeOwned,
    {
        let words: Vec<&str> = T::ALL.iter().map(|(_, word)| *word).collect();
        assert_eq!(
            serde_words::<T>(),
            words,
            "{}: Word::ALL vs serde",
            T::FIELD
        );
        assert_eq!(T::EXPECTED, words.join(", "), "{}: EXPECTED", T::FIELD);
        for &(value, word) in T::ALL {
            assert_eq!(value.as_str(), word);
            assert_eq!(T::parse(word), Ok(value));
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(json, format!("\"{word}\""), "{}: serde writes", T::FIELD);
            let read: T = serde_json::from_str(&json).unwrap();
            assert_eq!(read, value, "{}: serde reads {word}", T::FIELD);
        }
    }

    #[test]
    fn an_unknown_word_is_refused_naming_the_field_and_the_accepted_words() {
        let error = Status::parse("archived").unwrap_err();
        assert_eq!(
            error,
            DomainError::UnknownValue {
                field: "status",
                value: "archived".into(),
                expected: "new, open, pending, on_hold, snoozed, resolved, closed",
            }
        );
        assert_eq!(
            error.to_string(),
            "unknown status \"archived\"; expected one of: \
             new, open, pending, on_hold, snoozed, resolved, closed"
        );
    }

    #[test]
    fn words_match_exactly_without_case_folding_or_trimming() {
        for near_miss in ["Open", "OPEN", " open", "open ", "on-hold", "onhold", ""] {
            assert!(Status::parse(near_miss).is_err(), "{near_miss:?}");
        }
    }

    #[test]
    fn an_unknown_word_is_echoed_back_cut_to_64_characters() {
        let long = "é".repeat(1000);
        let Err(DomainError::UnknownValue { value, .. }) = Status::parse(&long) else {
            panic!("a 1000-character word is not a status");
        };
        assert_eq!(value.chars().count(), 64);
    }

    #[test]
    fn required_text_is_trimmed() {
        assert_eq!(
            required_text("name", "  Support \n", 80),
            Ok("Support".into())
        );
    }

    #[test]
    fn required_text_refuses_empty_and_blank() {
        for blank in ["", "   ", "\n\t"] {
            assert_eq!(
                required_text("name", blank, 80),
                Err(DomainError::invalid("name", "must not be empty"))
            );
        }
    }

    #[test]
    fn required_text_counts_characters_not_bytes() {
        // Forty two-byte characters fit a 40-character field.
        assert!(required_text("tag", &"é".repeat(40), 40).is_ok());
        assert_eq!(
            required_text("tag", &"é".repeat(41), 40),
            Err(DomainError::invalid("tag", "must be at most 40 characters"))
        );
    }

    #[test]
    fn required_text_refuses_control_characters_inside() {
        for raw in ["a\0b", "a\u{1b}[31mb", "line\nbreak", "a\u{85}b"] {
            assert!(required_text("name", raw, 80).is_err(), "{raw:?}");
        }
    }
}

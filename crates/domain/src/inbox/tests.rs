//! Unit tests for inbox words, names, colours, emoji and API codes.

use proptest::prelude::*;

use super::*;
use crate::text::tests::assert_word_table;

#[test]
fn every_inbox_word_round_trips_through_word_and_serde() {
    assert_word_table::<InboxKind>();
    assert_word_table::<Purpose>();
    assert_word_table::<UnreadMode>();
    assert_word_table::<Registration>();
}

#[test]
fn resolved_conversations_close_after_four_days_by_default() {
    assert_eq!(Inbox::DEFAULT_AUTO_CLOSE_SECS, 345_600);
}

#[test]
fn the_auto_close_wait_is_a_minute_to_a_year() {
    assert_eq!(Inbox::parse_auto_close_secs(60), Ok(60));
    assert_eq!(
        Inbox::parse_auto_close_secs(365 * 24 * 3600),
        Ok(365 * 24 * 3600)
    );
    for bad in [-1, 0, 59, 365 * 24 * 3600 + 1] {
        assert!(Inbox::parse_auto_close_secs(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_inbox_name_is_trimmed_non_empty_and_at_most_80_characters() {
    assert_eq!(Inbox::parse_name("  Support "), Ok("Support".into()));
    assert!(Inbox::parse_name("  ").is_err());
    assert!(Inbox::parse_name(&"n".repeat(80)).is_ok());
    assert!(Inbox::parse_name(&"n".repeat(81)).is_err());
}

#[test]
fn a_colour_is_hash_and_six_hex_digits_stored_lower_case() {
    assert_eq!(Inbox::parse_color("#1a2B3c"), Ok("#1a2b3c".into()));
    assert_eq!(Inbox::parse_color("#FFFFFF"), Ok("#ffffff".into()));
}

#[test]
fn a_colour_in_any_other_form_is_refused() {
    for bad in [
        "",
        "#",
        "1a2b3c",
        "#1a2b3",
        "#1a2b3cd",
        "#gggggg",
        "red",
        "#fff",
        "rgb(0,0,0)",
    ] {
        assert_eq!(
            Inbox::parse_color(bad),
            Err(DomainError::invalid("color", "must be #rrggbb")),
            "{bad:?}"
        );
    }
}

#[test]
fn a_colour_with_multi_byte_characters_is_refused_without_panicking() {
    // Seven bytes but not seven ASCII characters: slicing must not split a character.
    assert!(Inbox::parse_color("#ééé").is_err());
    assert!(Inbox::parse_color("é#12345").is_err());
}

#[test]
fn an_emoji_may_be_a_sequence_of_symbols_and_joiners() {
    for ok in ["😀", "📞", "❤️", "👍🏽", "🇫🇷", "👨‍👩‍👧‍👦", " 🎧 "]
    {
        assert_eq!(Inbox::parse_emoji(ok), Ok(ok.trim().to_string()), "{ok:?}");
    }
}

#[test]
fn an_emoji_refuses_letters_digits_spaces_and_control_characters() {
    let too_long = "😀".repeat(9);
    for bad in [
        "",
        "   ",
        "a",
        ":smile:",
        "1️⃣",
        "é",
        "字",
        "Ж",
        "٣",
        "😀 😀",
        "😀\u{3000}😀",
        "\u{80}",
        "😀\u{9f}",
        too_long.as_str(),
    ] {
        assert_eq!(
            Inbox::parse_emoji(bad),
            Err(DomainError::invalid("emoji", "must be a single emoji")),
            "{bad:?}"
        );
    }
}

#[test]
fn an_api_code_is_lower_case_letters_digits_dash_and_underscore() {
    for ok in ["support", "sales-east", "team_2", "a", &"x".repeat(40)] {
        assert_eq!(ApiCode::parse(ok).unwrap().as_str(), ok);
    }
    assert_eq!(ApiCode::parse("  support ").unwrap().as_str(), "support");
}

#[test]
fn an_api_code_in_any_other_form_is_refused() {
    let too_long = "x".repeat(41);
    for bad in [
        "",
        "  ",
        "Support",
        "sales east",
        "sales/east",
        "ünï",
        "a.b",
        &too_long,
    ] {
        assert_eq!(
            ApiCode::parse(bad),
            Err(DomainError::invalid(
                "api_code",
                "must be 1-40 characters of a-z, 0-9, '-' or '_'"
            )),
            "{bad:?}"
        );
    }
}

#[test]
fn an_api_code_is_checked_when_read_from_json_too() {
    let code: ApiCode = serde_json::from_str("\"sales-east\"").unwrap();
    assert_eq!(code.as_str(), "sales-east");
    assert!(serde_json::from_str::<ApiCode>("\"Sales East\"").is_err());
}

#[test]
fn an_api_code_is_derived_from_an_inbox_name() {
    for (name, code) in [
        ("Sales East", "sales-east"),
        ("  Support!! ", "support"),
        ("Billing & Refunds", "billing-refunds"),
        ("Team 2", "team-2"),
        ("Café Sales", "caf-sales"),
        ("—", "inbox"),
        ("", "inbox"),
    ] {
        assert_eq!(ApiCode::from_name(name).as_str(), code, "{name:?}");
    }
}

#[test]
fn a_derived_api_code_is_cut_to_40_characters_without_a_trailing_dash() {
    // The cut lands right after the dash between the words.
    let name = format!("{} b", "a".repeat(39));
    assert_eq!(ApiCode::from_name(&name).as_str(), "a".repeat(39));
}

proptest! {
    #[test]
    fn every_derived_api_code_is_itself_a_valid_api_code(name in "\\PC{0,80}") {
        let code = ApiCode::from_name(&name);
        prop_assert_eq!(ApiCode::parse(code.as_str()), Ok(code.clone()));
        prop_assert!(!code.as_str().starts_with('-') && !code.as_str().ends_with('-'));
    }
}

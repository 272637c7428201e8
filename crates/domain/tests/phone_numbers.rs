//! Phone numbers: whatever people type or providers send either becomes the
//! right E.164 number or is refused. A wrong number is worse than none: a reply
//! would reach a stranger.

use domain::{DomainError, PhoneNumber};
use proptest::prelude::*;

const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/phone/rust_phonenumber_parse_cases.tsv"
);

fn read(raw: &str, region: &str) -> Result<String, DomainError> {
    PhoneNumber::parse(raw, region).map(|n| n.as_str().to_string())
}

fn assert_reads(raw: &str, region: &str, e164: &str) {
    assert_eq!(
        read(raw, region).as_deref(),
        Ok(e164),
        "{raw:?} in {region}"
    );
}

fn assert_refused(raw: &str, region: &str) {
    assert!(
        read(raw, region).is_err(),
        "{raw:?} in {region} should be refused"
    );
}

/// One row of the upstream test cases: region, input, country code, national number.
struct Case {
    region: String,
    input: String,
    expected: Option<String>,
    note: String,
}

fn upstream_cases(text: &str) -> Vec<Case> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 6, "malformed row {line:?}");
            let region = match fields[0] {
                "(none)" => "US",
                region => region,
            };
            Case {
                region: region.to_string(),
                input: fields[1].to_string(),
                expected: (fields[2] != "ERR").then(|| format!("+{}{}", fields[2], fields[3])),
                note: fields[5].to_string(),
            }
        })
        .collect()
}

#[test]
fn every_upstream_parser_case_is_read_exactly_or_refused_never_misread() {
    let text = std::fs::read_to_string(CASES).expect("the shared test data is checked out");
    let cases = upstream_cases(&text);
    assert!(
        cases.len() >= 25,
        "only {} rows read from {CASES}",
        cases.len()
    );
    let mut wrong = Vec::new();
    for case in &cases {
        let got = std::panic::catch_unwind(|| read(&case.input, &case.region));
        let ok = match (&got, &case.expected) {
            (Err(_), _) => false,
            (Ok(Err(_)), _) => true,
            (Ok(Ok(number)), Some(expected)) => number == expected,
            (Ok(Ok(_)), None) => false,
        };
        if !ok {
            let expected = case.expected.as_deref().unwrap_or("an error");
            let Case {
                input,
                region,
                note,
                ..
            } = case;
            wrong.push(format!(
                "{input:?} in {region}: {got:?}, expected {expected} ({note})"
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_upstream_cases_a_person_would_type_are_read_not_just_refused() {
    // The rule above allows refusing anything; these rows are read.
    assert_reads("033316005", "NZ", "+6433316005");
    assert_reads("03-331 6005", "NZ", "+6433316005");
    assert_reads("tel:03-331-6005;phone-context=+64", "NZ", "+6433316005");
    assert_reads("tel:+64-3-331-6005;isub=12345", "NZ", "+6433316005");
    assert_reads("0064 3 331 6005", "NZ", "+6433316005");
    assert_reads("01164 3 331 6005", "US", "+6433316005");
    assert_reads("+64 3 331 6005", "US", "+6433316005");
    assert_reads("301/23456", "DE", "+4930123456");
    assert_reads("012 3121286979", "BR", "+553121286979");
    assert_reads("1800FLOWERS", "US", "+18003569377");
}

#[test]
fn a_french_number_with_a_plus_is_never_misread_with_a_us_default_region() {
    // phonenumber 0.3.10 reads this as +3342764978 when given region US.
    assert_reads("+33142764978", "US", "+33142764978");
    assert_reads("+33 1 42 76 49 78", "US", "+33142764978");
    assert_reads("tel:+33142764978", "US", "+33142764978");
    assert_reads("TEL:+33142764978", "US", "+33142764978");
}

#[test]
fn a_number_dialled_with_an_international_prefix_keeps_all_its_digits() {
    // The same 0.3.10 bug through the international prefix: it stripped the
    // US trunk `1` from a German mobile and gave the valid +495123456789.
    assert_reads("011 49 15123456789", "US", "+4915123456789");
    assert_reads("011 33 1 42 76 49 78", "US", "+33142764978");
    assert_reads("011 86 131 2345 6789", "US", "+8613123456789");
    assert_reads("00 241 06 03 12 34", "DE", "+24106031234");
    assert_reads("00 44 20 7946 0000", "FR", "+442079460000");
    assert_reads("0049 30 123456", "GB", "+4930123456");
}

#[test]
fn a_national_number_with_another_countrys_phone_context_keeps_all_its_digits() {
    assert_reads(
        "tel:0151-23456789;phone-context=+49",
        "US",
        "+4915123456789",
    );
}

/// Every example number in libphonenumber's metadata, dialled from other
/// countries in the forms people write, must read as itself or be refused.
#[test]
fn every_example_number_dialled_from_abroad_reads_as_itself_or_is_refused() {
    let mut wrong = Vec::new();
    let (mut read_back, mut total) = (0, 0);
    for meta in phonenumber::metadata::DATABASE.iter() {
        let d = meta.descriptors();
        let kinds = [d.fixed_line(), d.mobile(), d.toll_free(), Some(d.general())];
        for example in kinds.into_iter().flatten().filter_map(|k| k.example()) {
            let cc = meta.country_code();
            let truth = format!("+{cc}{example}");
            let forms = [
                (format!("+{cc} {example}"), "US"),
                (format!("+{cc}{example}"), "DE"),
                (format!("011 {cc} {example}"), "US"),
                (format!("00 {cc} {example}"), "DE"),
                (format!("00{cc}{example}"), "GB"),
                (format!("8 10 {cc} {example}"), "RU"),
            ];
            for (input, region) in forms {
                total += 1;
                match read(&input, region) {
                    Ok(number) if number == truth => read_back += 1,
                    Ok(number) => wrong.push(format!("{input} in {region}: {number}, not {truth}")),
                    Err(_) => {}
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} misread:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Refusing everything would pass the check above; most must be read.
    assert!(
        read_back * 10 > total * 9,
        "only {read_back} of {total} read"
    );
}

#[test]
fn a_short_code_is_not_a_phone_number() {
    assert_refused("12345", "US");
    assert_refused("+12345", "US");
}

#[test]
fn an_e164_number_is_accepted_as_it_is() {
    assert_reads("+14155550100", "US", "+14155550100");
    assert_reads("+14155550100", "GB", "+14155550100");
    // A `+` number needs no region.
    assert_reads("+14155550100", "", "+14155550100");
}

#[test]
fn a_national_number_is_read_in_the_default_region() {
    assert_reads("(415) 555-0100", "US", "+14155550100");
    assert_reads("415.555.0100", "US", "+14155550100");
    assert_reads("1 415 555 0100", "US", "+14155550100");
    assert_reads("020 7946 0000", "GB", "+442079460000");
}

#[test]
fn a_national_number_needs_a_known_region() {
    for region in ["", "ZZ", "USA"] {
        let Err(DomainError::InvalidPhone { reason, .. }) =
            PhoneNumber::parse("4155550100", region)
        else {
            panic!("{region:?} is not a region");
        };
        assert_eq!(reason, "unknown default region");
    }
}

#[test]
fn surrounding_whitespace_is_trimmed() {
    assert_reads("  +1 415 555 0100\n", "US", "+14155550100");
    assert_reads("\t(415) 555-0100 ", "US", "+14155550100");
}

#[test]
fn empty_and_control_characters_are_refused() {
    for raw in [
        "",
        "   ",
        "+1415\u{0}5550100",
        "+1 415 555\n0100",
        "+14155550100\u{7f}",
    ] {
        assert_refused(raw, "US");
    }
}

#[test]
fn a_thousand_character_input_is_refused_without_panicking() {
    for raw in [
        "1".repeat(1000),
        "+".repeat(1000),
        "é".repeat(1000),
        "1;".repeat(500),
    ] {
        let Err(DomainError::InvalidPhone { input, reason }) = PhoneNumber::parse(&raw, "US")
        else {
            panic!("a 1000-character input is not a phone number");
        };
        assert_eq!(reason, "too long");
        assert!(input.chars().count() <= 64, "the echo is cut");
    }
}

#[test]
fn letters_are_read_only_in_a_national_vanity_number() {
    assert_reads("1-800-FLOWERS", "US", "+18003569377");
    // One or two letters are typos (O for 0, l for 1) 0.3.10 would read as keypad digits.
    assert_refused("(415) 555-01OO", "US");
    assert_refused("415 555 0l00", "US");
    assert_refused("415-555-0100 x12", "US");
    // International numbers take no letters: 0.3.10 gives +33672829916 for these.
    assert_refused("+3367a829916", "US");
    assert_refused("011 33 67a829916", "US");
    assert_refused("+1 800 FLOWERS", "US");
    assert_refused("+1415555tele", "US");
}

#[test]
fn the_advisory_proof_of_concept_inputs_are_refused_without_panicking() {
    // GHSA-whhr-7f2w-qqj2 and GHSA-mjw4-jj88-v687, and variations on them.
    for raw in [
        ".;phone-context=",
        "+dwPAA;phone-context=AA",
        ";phone-context=",
        "tel:;phone-context=+",
        "+;phone-context=+",
        "1;phone-context=0",
        "+0;phone-context=+0",
        "%;phone-context=%",
        "+1;phone-context=;phone-context=",
        " 2 22#:",
        "\u{FF0B}1",
    ] {
        for region in ["US", "NZ", "DE"] {
            let got = std::panic::catch_unwind(|| PhoneNumber::parse(raw, region));
            assert!(matches!(got, Ok(Err(_))), "{raw:?} in {region}: {got:?}");
        }
    }
}

#[test]
fn a_phone_number_reads_from_json_only_in_international_form() {
    let number: PhoneNumber = serde_json::from_str("\"+14155550100\"").unwrap();
    assert_eq!(number.as_str(), "+14155550100");
    assert_eq!(serde_json::to_string(&number).unwrap(), "\"+14155550100\"");
    // There is no region in JSON, so a national number cannot be read safely.
    assert!(serde_json::from_str::<PhoneNumber>("\"(415) 555-0100\"").is_err());
    assert!(serde_json::from_str::<PhoneNumber>("\"+12345\"").is_err());
}

#[test]
fn a_phone_number_shows_as_its_e164_text() {
    let number = PhoneNumber::parse("(415) 555-0100", "US").unwrap();
    assert_eq!(number.to_string(), "+14155550100");
    assert_eq!(format!("{number:?}"), "+14155550100");
}

/// Found by the property below: `phonenumber` calls this 16-digit German
/// number valid, but E.164 allows 15 digits.
#[test]
fn a_number_longer_than_e164_allows_is_refused() {
    for (raw, region) in [("40000110000000", "DE"), ("+4940000110000000", "US")] {
        assert!(
            PhoneNumber::parse(raw, region).is_err(),
            "{raw} in {region}"
        );
    }
}

fn phone_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("+".to_string()),
        Just("tel:".to_string()),
        Just(";phone-context=".to_string()),
        Just("011".to_string()),
        Just("00".to_string()),
        "[0-9]{1,6}",
        "[ ().*#/=:,+-]{1,2}",
        "[a-zA-Z]{1,4}",
        "\\PC",
    ];
    prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
}

fn any_region() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["US", "GB", "DE", "FR", "NZ", "RU", "BR", "JP", "IN"])
}

proptest! {
    #[test]
    fn parsing_never_panics(raw in prop_oneof![phone_like(), "\\PC{0,80}"], region in any_region()) {
        let _ = PhoneNumber::parse(&raw, region);
    }

    #[test]
    fn an_accepted_number_is_e164_and_reads_back_as_itself(
        raw in phone_like(),
        region in any_region(),
        again_in in any_region(),
    ) {
        if let Ok(number) = PhoneNumber::parse(&raw, region) {
            let text = number.as_str();
            prop_assert!(text.starts_with('+') && text.len() <= 16, "{}", text);
            prop_assert!(text[1..].bytes().all(|b| b.is_ascii_digit()), "{}", text);
            prop_assert_eq!(PhoneNumber::parse(text, again_in), Ok(number.clone()));
        }
    }
}

#[test]
fn a_refused_number_says_why_in_our_words_not_the_parsers() {
    for (raw, why) in [
        ("+999 555 0100", "no country has that code"),
        ("+1 2", "too few digits"),
        ("011 4", "too short"),
    ] {
        let message = read(raw, "US").unwrap_err().to_string();
        assert!(message.contains(why), "{raw:?}: {message}");
        for parser_words in ["IDD", "the number is", "not a number"] {
            assert!(!message.contains(parser_words), "{raw:?}: {message}");
        }
    }
}

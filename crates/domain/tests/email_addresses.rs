//! Email addresses: the other way a contact is reached, and every user's login.

use domain::{DomainError, EmailAddress};

fn read(raw: &str) -> Result<String, DomainError> {
    EmailAddress::parse(raw).map(|a| a.as_str().to_string())
}

#[test]
fn an_ordinary_address_is_accepted_as_written() {
    for address in [
        "ana@example.com",
        "ana.lima+support@mail.example.co.uk",
        "o'brien@example.ie",
        "\"ana lima\"@example.com",
        "ana@例え.jp",
    ] {
        assert_eq!(read(address).as_deref(), Ok(address));
    }
}

#[test]
fn the_domain_is_lower_cased_and_the_local_part_kept() {
    // Domains are case-insensitive; a local part may not be (RFC 5321 §2.4).
    assert_eq!(
        read("Ana.Lima@Example.COM").as_deref(),
        Ok("Ana.Lima@example.com")
    );
    assert_eq!(read("ANA@EXAMPLE.COM").as_deref(), Ok("ANA@example.com"));
}

#[test]
fn surrounding_whitespace_is_trimmed() {
    assert_eq!(
        read("  ana@example.com\n").as_deref(),
        Ok("ana@example.com")
    );
}

#[test]
fn a_malformed_address_is_refused() {
    for bad in [
        "",
        "ana",
        "@example.com",
        "ana@",
        "ana@@example.com",
        "a b@example.com",
        "ana@example..com",
        "ana.@example.com",
        "ana@-example.com",
        "mailto:ana@example.com",
        "ana@example.com, bob@example.com",
    ] {
        assert!(read(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_one_label_domain_is_refused() {
    // `ana@localhost` is valid RFC 5322 but unreachable from outside.
    assert!(read("ana@localhost").is_err());
}

#[test]
fn a_display_name_form_is_refused() {
    // Valid RFC 5322 "name-addr", but a name and an address, not an address.
    for named in [
        "Ana <ana@example.com>",
        "\"Ana Lima\" <ana@example.com>",
        "<ana@example.com>",
    ] {
        assert_eq!(read(named), Err(DomainError::InvalidEmail(named.into())));
    }
}

#[test]
fn an_address_longer_than_254_bytes_is_refused_and_echoed_cut() {
    let long = format!("{}@example.com", "a".repeat(250));
    let Err(DomainError::InvalidEmail(echo)) = EmailAddress::parse(&long) else {
        panic!("a 262-byte address is too long");
    };
    assert_eq!(echo.chars().count(), 254);
}

#[test]
fn an_email_address_is_checked_when_read_from_json_too() {
    let address: EmailAddress = serde_json::from_str("\"Ana@Example.com\"").unwrap();
    assert_eq!(address.as_str(), "Ana@example.com");
    assert_eq!(
        serde_json::to_string(&address).unwrap(),
        "\"Ana@example.com\""
    );
    assert!(serde_json::from_str::<EmailAddress>("\"Ana <ana@example.com>\"").is_err());
}

#[test]
fn an_email_address_shows_as_its_text() {
    let address = EmailAddress::parse("ana@example.com").unwrap();
    assert_eq!(address.to_string(), "ana@example.com");
    assert_eq!(format!("{address:?}"), "ana@example.com");
}

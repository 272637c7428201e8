//! Unit tests for conversation words, tags, subjects and links.

use super::*;
use crate::text::tests::assert_word_table;

#[test]
fn every_conversation_word_round_trips_through_word_and_serde() {
    assert_word_table::<Status>();
    assert_word_table::<View>();
    assert_word_table::<Priority>();
    assert_word_table::<LinkKind>();
}

#[test]
fn each_status_is_listed_under_exactly_the_view_it_names() {
    for &(status, _) in Status::ALL {
        for view in [View::Open, View::Done, View::Snoozed] {
            assert_eq!(
                view.statuses().contains(&status),
                status.view() == view,
                "{status:?} under {view:?}"
            );
        }
        assert!(View::All.statuses().contains(&status), "{status:?} in all");
    }
    assert_eq!(View::All.statuses().len(), Status::ALL.len());
}

#[test]
fn the_views_are_the_ones_design_names() {
    // DESIGN.md §2: Open = new, open, pending, on_hold; Done = resolved, closed; Snoozed = snoozed.
    use Status::*;
    assert_eq!(View::Open.statuses(), &[New, Open, Pending, OnHold]);
    assert_eq!(View::Done.statuses(), &[Resolved, Closed]);
    assert_eq!(View::Snoozed.statuses(), &[Snoozed]);
}

#[test]
fn priority_ranks_are_stable_and_rise_with_urgency() {
    // Stored for `sort=priority`: changing a number reorders existing rows.
    let ranks: Vec<_> = Priority::ALL.iter().map(|(p, _)| (*p, p.rank())).collect();
    assert_eq!(
        ranks,
        [
            (Priority::None, 0),
            (Priority::Low, 1),
            (Priority::Normal, 2),
            (Priority::High, 3),
            (Priority::Urgent, 4),
        ]
    );
}

#[test]
fn a_blank_subject_means_no_subject() {
    assert_eq!(parse_subject(""), Ok(None));
    assert_eq!(parse_subject("   "), Ok(None));
    assert_eq!(
        parse_subject("  Refund for order 42 "),
        Ok(Some("Refund for order 42".into()))
    );
}

#[test]
fn a_subject_is_at_most_200_characters_without_control_characters() {
    assert!(parse_subject(&"a".repeat(200)).is_ok());
    assert!(parse_subject(&"a".repeat(201)).is_err());
    assert!(parse_subject("two\nlines").is_err());
}

#[test]
fn a_tag_is_trimmed_and_lower_cased() {
    assert_eq!(Tag::parse(" Billing ").unwrap().as_str(), "billing");
    assert_eq!(Tag::parse("VIP").unwrap().as_str(), "vip");
}

#[test]
fn a_tag_refuses_empty_commas_control_characters_and_more_than_40_characters() {
    assert!(Tag::parse("").is_err());
    assert!(Tag::parse("  ").is_err());
    assert!(Tag::parse("a,b").is_err());
    assert!(Tag::parse("a\tb").is_err());
    assert!(Tag::parse(&"x".repeat(40)).is_ok());
    assert!(Tag::parse(&"x".repeat(41)).is_err());
}

#[test]
fn a_tag_set_is_sorted_and_without_repeats() {
    let raw: Vec<String> = ["vip", "Billing", "VIP", " billing", "urgent"]
        .map(String::from)
        .into();
    let tags = Tag::parse_set(&raw).unwrap();
    let words: Vec<&str> = tags.iter().map(Tag::as_str).collect();
    assert_eq!(words, ["billing", "urgent", "vip"]);
}

#[test]
fn a_tag_set_holds_at_most_20_distinct_tags() {
    let twenty: Vec<String> = (0..20).map(|i| format!("tag-{i:02}")).collect();
    assert_eq!(Tag::parse_set(&twenty).unwrap().len(), 20);

    let twenty_one: Vec<String> = (0..21).map(|i| format!("tag-{i:02}")).collect();
    assert_eq!(
        Tag::parse_set(&twenty_one),
        Err(DomainError::invalid("tags", "at most 20 tags"))
    );

    // Repeats collapse before counting: 30 entries naming 3 tags are 3 tags.
    let repeats: Vec<String> = (0..30).map(|i| format!("tag-{}", i % 3)).collect();
    assert_eq!(Tag::parse_set(&repeats).unwrap().len(), 3);
}

#[test]
fn one_bad_tag_refuses_the_whole_set() {
    let raw: Vec<String> = ["ok", "not,ok"].map(String::from).into();
    assert!(Tag::parse_set(&raw).is_err());
}

#[test]
fn an_empty_tag_set_is_allowed() {
    assert_eq!(Tag::parse_set(&[]), Ok(vec![]));
}

#[test]
fn tags_are_checked_when_read_from_json_too() {
    let tag: Tag = serde_json::from_str("\"Billing\"").unwrap();
    assert_eq!(tag.as_str(), "billing");
    assert!(serde_json::from_str::<Tag>("\"a,b\"").is_err());
    assert_eq!(serde_json::to_string(&tag).unwrap(), "\"billing\"");
}

#[test]
fn a_link_url_must_be_http_or_https() {
    for ok in [
        "https://crm.example.com/contacts/42",
        "http://tickets.example.com/T-1",
        "HTTPS://CRM.EXAMPLE.COM/x",
        "  https://crm.example.com/trimmed  ",
    ] {
        assert!(Link::parse_url(ok).is_ok(), "{ok:?}");
    }
    assert_eq!(
        Link::parse_url(" https://crm.example.com/a ").unwrap(),
        "https://crm.example.com/a"
    );
}

#[test]
fn a_link_url_refuses_javascript_and_other_schemes() {
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example.com",
        "crm.example.com/contacts/42",
        "",
    ] {
        assert!(Link::parse_url(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_link_url_is_at_most_2000_characters() {
    let path = "a".repeat(2000 - "https://x.io/".len());
    assert!(Link::parse_url(&format!("https://x.io/{path}")).is_ok());
    assert!(Link::parse_url(&format!("https://x.io/{path}a")).is_err());
}

//! Unit tests for message words, bodies and delivery statuses.

use proptest::prelude::*;

use super::*;
use crate::text::tests::assert_word_table;

#[test]
fn every_message_word_round_trips_through_word_and_serde() {
    assert_word_table::<MessageKind>();
    assert_word_table::<DeliveryStatus>();
}

#[test]
fn notes_are_the_only_messages_the_customer_never_sees() {
    assert!(MessageKind::Inbound.is_customer_visible());
    assert!(MessageKind::Outbound.is_customer_visible());
    assert!(!MessageKind::Note.is_customer_visible());
}

#[test]
fn undelivered_and_failed_are_the_failures() {
    use DeliveryStatus::*;
    for (status, failure) in [
        (Queued, false),
        (Sending, false),
        (Sent, false),
        (Delivered, false),
        (Undelivered, true),
        (Failed, true),
        (Read, false),
        (Scheduled, false),
        (Cancelled, false),
    ] {
        assert_eq!(status.is_failure(), failure, "{status:?}");
    }
}

#[test]
fn a_delivery_status_moves_forward_on_a_later_report() {
    use DeliveryStatus::*;
    assert_eq!(Queued.advance(Sending), Some(Sending));
    assert_eq!(Sending.advance(Sent), Some(Sent));
    assert_eq!(Sent.advance(Delivered), Some(Delivered));
    assert_eq!(Delivered.advance(Read), Some(Read));
    assert_eq!(Sent.advance(Undelivered), Some(Undelivered));
    // Twilio sends no callback for some steps: skipping ahead is fine.
    assert_eq!(Queued.advance(Delivered), Some(Delivered));
    // A late success after a failure report is the later truth.
    assert_eq!(Failed.advance(Delivered), Some(Delivered));
}

#[test]
fn a_late_or_repeated_report_changes_nothing() {
    use DeliveryStatus::*;
    // Callbacks arrive out of order: a late `sent` never overwrites `delivered`.
    assert_eq!(Delivered.advance(Sent), None);
    assert_eq!(Delivered.advance(Sending), None);
    assert_eq!(Read.advance(Delivered), None);
    assert_eq!(Delivered.advance(Failed), None);
    assert_eq!(Sent.advance(Sent), None);
    // The two failures are equally final: the first one reported stays.
    assert_eq!(Undelivered.advance(Failed), None);
    assert_eq!(Failed.advance(Undelivered), None);
}

fn any_delivery_status() -> impl Strategy<Value = DeliveryStatus> {
    prop::sample::select(
        DeliveryStatus::ALL
            .iter()
            .map(|(s, _)| *s)
            .collect::<Vec<_>>(),
    )
}

proptest! {
    #[test]
    fn a_delivery_status_never_moves_backwards(
        start in any_delivery_status(),
        reports in prop::collection::vec(any_delivery_status(), 0..20),
    ) {
        let mut status = start;
        for reported in &reports {
            match status.advance(*reported) {
                Some(next) => {
                    prop_assert_eq!(next, *reported);
                    prop_assert!(next.rank() > status.rank(), "{:?} -> {:?}", status, next);
                    status = next;
                }
                None => prop_assert!(reported.rank() <= status.rank()),
            }
        }
        // Whatever the order, the status ends as far along as the furthest report.
        let furthest = reports.iter().map(|s| s.rank()).chain([start.rank()]).max();
        prop_assert_eq!(Some(status.rank()), furthest);
    }
}

#[test]
fn a_body_keeps_its_text_as_written() {
    let body = MessageBody::parse("  Hi Ana,\n\nyour order shipped.  ", false).unwrap();
    assert_eq!(body.as_str(), "  Hi Ana,\n\nyour order shipped.  ");
}

#[test]
fn a_body_is_at_most_64_kib() {
    let max = "a".repeat(MessageBody::MAX_BYTES);
    assert!(MessageBody::parse(&max, false).is_ok());
    assert_eq!(
        MessageBody::parse(&format!("{max}a"), false),
        Err(DomainError::invalid("body", "must be at most 65536 bytes"))
    );
}

#[test]
fn the_body_cap_counts_bytes_not_characters() {
    // 32 Ki four-byte characters fill the cap exactly; one more does not fit.
    let emoji = "😀".repeat(MessageBody::MAX_BYTES / 4);
    assert!(MessageBody::parse(&emoji, false).is_ok());
    assert!(MessageBody::parse(&format!("{emoji}😀"), false).is_err());
}

#[test]
fn a_body_with_a_nul_character_is_refused_even_when_empty_is_allowed() {
    for allow_empty in [false, true] {
        assert_eq!(
            MessageBody::parse("a\0b", allow_empty),
            Err(DomainError::invalid(
                "body",
                "must not contain NUL characters"
            ))
        );
    }
}

#[test]
fn an_empty_body_is_refused_unless_allowed() {
    for blank in ["", " ", "\n\t "] {
        assert_eq!(
            MessageBody::parse(blank, false),
            Err(DomainError::invalid("body", "must not be empty"))
        );
        assert_eq!(MessageBody::parse(blank, true).unwrap().as_str(), blank);
    }
}

#[test]
fn a_body_read_from_api_json_is_checked_and_must_not_be_empty() {
    let body: MessageBody = serde_json::from_str("\"Hello\"").unwrap();
    assert_eq!(body.as_str(), "Hello");
    assert!(serde_json::from_str::<MessageBody>("\"\"").is_err());
    assert!(serde_json::from_str::<MessageBody>("\"a\\u0000b\"").is_err());
}

fn message_with_body(body: &str) -> Message {
    Message {
        id: crate::MessageId::generate(),
        conversation_id: crate::ConversationId::generate(),
        kind: MessageKind::Inbound,
        author_id: None,
        body: MessageBody::parse(body, true).unwrap(),
        attachments: vec![Attachment {
            url: "https://api.twilio.com/media/ME1".into(),
            content_type: "image/jpeg".into(),
        }],
        delivery: None,
        provider_id: Some("SM1".into()),
        error_code: None,
        error_message: None,
        automatic: false,
        send_at: None,
        created_at: chrono::Utc::now(),
    }
}

#[test]
fn an_mms_with_media_and_no_text_reads_back_from_json() {
    let message = message_with_body("");
    let json = serde_json::to_string(&message).unwrap();
    let read: Message = serde_json::from_str(&json).unwrap();
    assert_eq!(read, message);
}

#[test]
fn a_stored_message_body_is_still_checked_for_nul_and_size() {
    let json = serde_json::to_string(&message_with_body("hi")).unwrap();
    let with_nul = json.replace("\"body\":\"hi\"", "\"body\":\"h\\u0000i\"");
    assert_ne!(json, with_nul);
    assert!(serde_json::from_str::<Message>(&with_nul).is_err());
}

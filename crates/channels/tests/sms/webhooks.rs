//! Inbound texts, status callbacks and calls, read from the forms Twilio posts.

use channels::twilio::{
    delivery_status, parse_form, InboundCall, InboundSms, MediaSchemes, StatusCallback,
};
use channels::Error;
use domain::{Attachment, DeliveryStatus};

const HTTPS: MediaSchemes = MediaSchemes::HttpsOnly;

/// A form as Twilio encodes it.
fn encoded(pairs: &[(&str, &str)]) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}

fn inbound(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("ToCountry", "US"),
        ("SmsMessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("NumMedia", "0"),
        ("SmsSid", "SM0123456789abcdef0123456789abcdef"),
        ("SmsStatus", "received"),
        ("Body", "Hi, is my order ready?"),
        ("To", "+14155550100"),
        ("NumSegments", "1"),
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("From", "+14155550123"),
        ("ApiVersion", "2010-04-01"),
    ];
    for (k, v) in extra {
        pairs.retain(|(key, _)| key != k);
        pairs.push((k, v));
    }
    parse_form(&encoded(&pairs))
}

#[test]
fn an_inbound_text_is_read_into_domain_types() {
    let sms = InboundSms::from_params(inbound(&[]), HTTPS).unwrap();
    assert_eq!(sms.message_sid, "SM0123456789abcdef0123456789abcdef");
    assert_eq!(sms.from.as_str(), "+14155550123");
    assert_eq!(sms.to.as_str(), "+14155550100");
    assert_eq!(sms.body, "Hi, is my order ready?");
    assert!(sms.media.is_empty());
    assert_eq!(
        sms.params.len(),
        12,
        "every field is kept for the raw record"
    );
}

#[test]
fn an_mms_with_three_media_items_keeps_all_three_in_order() {
    let sms = InboundSms::from_params(
        inbound(&[
            ("NumMedia", "3"),
            ("Body", ""),
            (
                "MediaUrl0",
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0",
            ),
            ("MediaContentType0", "image/jpeg"),
            (
                "MediaUrl1",
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
            ),
            ("MediaContentType1", "image/png"),
            ("MediaContentType2", "video/mp4"),
            (
                "MediaUrl2",
                "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2",
            ),
        ]),
        HTTPS,
    )
    .unwrap();
    assert_eq!(sms.body, "");
    assert_eq!(
        sms.media,
        vec![
            Attachment {
                url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0".into(),
                content_type: "image/jpeg".into()
            },
            Attachment {
                url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1".into(),
                content_type: "image/png".into()
            },
            Attachment {
                url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2".into(),
                content_type: "video/mp4".into()
            },
        ]
    );
}

#[test]
fn an_mms_missing_one_of_its_media_urls_is_refused_by_name() {
    let err = InboundSms::from_params(
        inbound(&[
            ("NumMedia", "2"),
            ("MediaUrl0", "https://example.com/a.jpg"),
            ("MediaContentType0", "image/jpeg"),
        ]),
        HTTPS,
    )
    .unwrap_err();
    assert_eq!(err, Error::MissingField("MediaUrl1".into()));
}

#[test]
fn a_media_item_without_a_content_type_is_kept_as_octet_stream() {
    let sms = InboundSms::from_params(
        inbound(&[("NumMedia", "1"), ("MediaUrl0", "https://example.com/a")]),
        HTTPS,
    )
    .unwrap();
    assert_eq!(sms.media[0].content_type, "application/octet-stream");
}

#[test]
fn a_media_count_that_is_not_a_number_is_refused() {
    let err = InboundSms::from_params(inbound(&[("NumMedia", "three")]), HTTPS).unwrap_err();
    assert!(matches!(err, Error::InvalidField { ref field, .. } if field == "NumMedia"));
}

#[test]
fn an_international_sender_is_read_without_a_region() {
    // phonenumber 0.3.10 with region US reads this as +3342764978.
    let sms = InboundSms::from_params(inbound(&[("From", "+33142764978")]), HTTPS).unwrap();
    assert_eq!(sms.from.as_str(), "+33142764978");
}

#[test]
fn a_sender_that_is_not_an_international_number_is_refused() {
    for from in [
        "12345",
        "whatsapp:+14155550123",
        "+1234",
        "+1415555012a3",
        "Anonymous",
    ] {
        let err = InboundSms::from_params(inbound(&[("From", from)]), HTTPS).unwrap_err();
        assert!(
            matches!(err, Error::InvalidField { ref field, .. } if field == "From"),
            "{from}: {err:?}"
        );
    }
}

#[test]
fn an_inbound_text_without_a_sid_or_numbers_is_refused_by_name() {
    let without = |keys: &[&str]| {
        let mut params = inbound(&[]);
        params.retain(|(k, _)| !keys.contains(&k.as_str()));
        InboundSms::from_params(params, HTTPS).unwrap_err()
    };
    assert_eq!(
        without(&["MessageSid", "SmsMessageSid", "SmsSid"]),
        Error::MissingField("MessageSid".into())
    );
    assert_eq!(without(&["From"]), Error::MissingField("From".into()));
    assert_eq!(without(&["To"]), Error::MissingField("To".into()));
}

#[test]
fn every_twilio_message_status_maps_to_a_delivery_status() {
    use DeliveryStatus::*;
    let cases = [
        ("accepted", Some(Sending)),
        ("scheduled", Some(Sending)),
        ("queued", Some(Sending)),
        ("sending", Some(Sending)),
        ("sent", Some(Sent)),
        ("delivered", Some(Delivered)),
        ("undelivered", Some(Undelivered)),
        ("partially_delivered", Some(Undelivered)),
        ("failed", Some(Failed)),
        ("canceled", Some(Failed)),
        ("read", Some(Read)),
        ("receiving", None),
        ("received", None),
        ("something_new", None),
    ];
    for (word, expected) in cases {
        assert_eq!(delivery_status(word), expected, "{word}");
    }
    // Every status in Twilio's enum is covered above.
    let extract = crate::helpers::testdata_json("twilio/messages_create_openapi_extract.json");
    for word in extract["enums"]["message_enum_status"].as_array().unwrap() {
        let word = word.as_str().unwrap();
        assert!(
            cases.iter().any(|(w, _)| *w == word),
            "{word} is not tested"
        );
    }
}

#[test]
fn a_status_callback_is_read_with_its_error_code() {
    let params = parse_form(&encoded(&[
        ("SmsSid", "SM0123456789abcdef0123456789abcdef"),
        ("SmsStatus", "undelivered"),
        ("MessageStatus", "undelivered"),
        ("To", "+14155550123"),
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("AccountSid", "AC1"),
        ("From", "+14155550100"),
        ("ApiVersion", "2010-04-01"),
        ("ErrorCode", "30003"),
    ]));
    let callback = StatusCallback::from_params(&params).unwrap();
    assert_eq!(
        callback,
        StatusCallback {
            message_sid: "SM0123456789abcdef0123456789abcdef".into(),
            status: Some(DeliveryStatus::Undelivered),
            twilio_status: "undelivered".into(),
            error_code: Some("30003".into()),
            error_message: None,
        }
    );
}

#[test]
fn a_status_callback_without_a_status_is_refused() {
    let params = parse_form(&encoded(&[(
        "MessageSid",
        "SM0123456789abcdef0123456789abcdef",
    )]));
    assert_eq!(
        StatusCallback::from_params(&params).unwrap_err(),
        Error::MissingField("MessageStatus".into())
    );
}

#[test]
fn a_late_sent_callback_never_moves_a_delivered_message_back() {
    let delivered = DeliveryStatus::Sending
        .advance(delivery_status("delivered").unwrap())
        .unwrap();
    assert_eq!(delivered, DeliveryStatus::Delivered);
    assert_eq!(delivered.advance(delivery_status("sent").unwrap()), None);
}

#[test]
fn a_voice_webhook_is_read_and_a_withheld_caller_is_none() {
    let params = parse_form(&encoded(&[
        ("CallSid", "CA0123456789abcdef0123456789abcdef"),
        ("From", "+14155550123"),
        ("To", "+14155550100"),
        ("CallStatus", "ringing"),
    ]));
    let call = InboundCall::from_params(&params).unwrap();
    assert_eq!(call.call_sid, "CA0123456789abcdef0123456789abcdef");
    assert_eq!(call.from.unwrap().as_str(), "+14155550123");
    assert_eq!(call.to.as_str(), "+14155550100");

    let anonymous = parse_form(&encoded(&[
        ("CallSid", "CA00000000000000000000000000000001"),
        ("From", "Anonymous"),
        ("To", "+14155550100"),
    ]));
    assert_eq!(InboundCall::from_params(&anonymous).unwrap().from, None);
    let no_sid = parse_form(&encoded(&[
        ("From", "+14155550123"),
        ("To", "+14155550100"),
    ]));
    assert_eq!(
        InboundCall::from_params(&no_sid).unwrap_err(),
        Error::MissingField("CallSid".into())
    );
}

#[test]
fn media_urls_that_are_not_https_are_refused_before_anything_is_stored() {
    for url in [
        "javascript:alert(document.cookie)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/a.jpg",
        "http://example.com/a.jpg",
    ] {
        let err = InboundSms::from_params(inbound(&[("NumMedia", "1"), ("MediaUrl0", url)]), HTTPS)
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidField { ref field, .. } if field == "MediaUrl0"),
            "{url}: {err:?}"
        );
    }
    // A local stand-in for Twilio may serve plain http, and nothing stranger.
    let local = inbound(&[("NumMedia", "1"), ("MediaUrl0", "http://127.0.0.1:9/a.jpg")]);
    let sms = InboundSms::from_params(local, MediaSchemes::HttpAllowed).unwrap();
    assert_eq!(sms.media[0].url, "http://127.0.0.1:9/a.jpg");
    let script = inbound(&[("NumMedia", "1"), ("MediaUrl0", "javascript:alert(1)")]);
    assert!(InboundSms::from_params(script, MediaSchemes::HttpAllowed).is_err());
}

#[test]
fn provider_ids_longer_or_stranger_than_twilio_sids_are_refused() {
    let too_long = format!("SM{}", "a".repeat(5000));
    for sid in [
        too_long.as_str(),
        "SM0123456789abcdef0123456789abcdef0",
        "SM0123456789abcdef0123456789abcde",
        "SM0123456789abcdef0123456789abcdeg",
        "XX0123456789abcdef0123456789abcdef",
        "SM0123456789abcdef'; DROP TABLE--",
    ] {
        let err = InboundSms::from_params(inbound(&[("MessageSid", sid)]), HTTPS).unwrap_err();
        assert!(
            matches!(err, Error::InvalidField { ref field, .. } if field == "MessageSid"),
            "{sid}: {err:?}"
        );
        let status = parse_form(&encoded(&[("MessageSid", sid), ("MessageStatus", "sent")]));
        assert!(StatusCallback::from_params(&status).is_err(), "{sid}");
        let call = parse_form(&encoded(&[
            ("CallSid", sid),
            ("From", "+14155550123"),
            ("To", "+14155550100"),
        ]));
        assert!(InboundCall::from_params(&call).is_err(), "{sid}");
    }
    // An MMS's sid starts with MM.
    let mms = InboundSms::from_params(
        inbound(&[("MessageSid", "MM0123456789abcdef0123456789abcdef")]),
        HTTPS,
    )
    .unwrap();
    assert_eq!(mms.message_sid, "MM0123456789abcdef0123456789abcdef");
}

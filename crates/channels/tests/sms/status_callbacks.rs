//! Webhooks the stand-in posts the way Twilio does, received and checked the
//! way the server will: signature over the public URL, then parse.

use std::time::Duration;

use channels::twilio::{InboundSms, MediaSchemes, StatusCallback, TwilioClient};
use channels::{OutboundSms, SmsProvider};
use domain::{DeliveryStatus, PhoneNumber};
use twilio_standin::TwilioStandin;
use url::Url;

use crate::helpers::Receiver;

#[tokio::test]
async fn out_of_order_signed_status_callbacks_never_move_a_status_backwards() {
    let standin = TwilioStandin::start().await.unwrap();
    let receiver = Receiver::start().await;
    let client = TwilioClient::new(standin.client_config(Duration::from_secs(5))).unwrap();
    let status_url = format!("{}/hooks/twilio/ch1/status", receiver.public_url);
    let sent = client
        .send(OutboundSms {
            from: PhoneNumber::parse("+14155550100", "US").unwrap(),
            to: PhoneNumber::parse("+14155550123", "US").unwrap(),
            body: "Your table is ready".into(),
            media_urls: vec![],
            status_callback: Some(Url::parse(&status_url).unwrap()),
        })
        .await
        .unwrap();

    // Twilio may report delivered before sent.
    for status in ["delivered", "sent"] {
        let answered = standin
            .send_status_callback(&sent.provider_id, status, None)
            .await
            .unwrap();
        assert_eq!(answered, 200);
    }

    let mut stored = sent.status;
    let webhooks = receiver.received();
    assert_eq!(webhooks.len(), 2);
    for webhook in &webhooks {
        assert_eq!(webhook.path, "/hooks/twilio/ch1/status");
        assert!(receiver.is_signed(webhook, &standin.auth_token));
        assert!(!receiver.is_signed(webhook, "another-token"));
        let callback = StatusCallback::from_params(&webhook.params).unwrap();
        assert_eq!(callback.message_sid, sent.provider_id);
        if let Some(next) = stored.advance(callback.status.unwrap()) {
            stored = next;
        }
    }
    assert_eq!(stored, DeliveryStatus::Delivered);
}

#[tokio::test]
async fn a_failed_status_callback_carries_its_error_code() {
    let standin = TwilioStandin::start().await.unwrap();
    let receiver = Receiver::start().await;
    let client = TwilioClient::new(standin.client_config(Duration::from_secs(5))).unwrap();
    let mut sms = OutboundSms {
        from: PhoneNumber::parse("+14155550100", "US").unwrap(),
        to: PhoneNumber::parse("+14155550123", "US").unwrap(),
        body: "hello".into(),
        media_urls: vec![],
        status_callback: None,
    };
    sms.status_callback =
        Some(Url::parse(&format!("{}/s?channel=1", receiver.public_url)).unwrap());
    let sent = client.send(sms).await.unwrap();
    standin
        .send_status_callback(&sent.provider_id, "undelivered", Some("30003"))
        .await
        .unwrap();
    let webhook = &receiver.received()[0];
    assert!(
        receiver.is_signed(webhook, &standin.auth_token),
        "the query is signed too"
    );
    let callback = StatusCallback::from_params(&webhook.params).unwrap();
    assert_eq!(callback.status, Some(DeliveryStatus::Undelivered));
    assert_eq!(callback.error_code.as_deref(), Some("30003"));
}

#[tokio::test]
async fn a_signed_inbound_mms_with_three_media_items_is_verified_and_read() {
    let standin = TwilioStandin::start().await.unwrap();
    let receiver = Receiver::start().await;
    let url = format!("{}/hooks/twilio/ch1/sms", receiver.public_url);
    let response = standin
        .send_inbound_sms(
            &url,
            "+14155550123",
            "+14155550100",
            "Here are the photos",
            &[
                ("https://media.example.com/1", "image/jpeg"),
                ("https://media.example.com/2", "image/gif"),
                ("https://media.example.com/3", "audio/amr"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        channels::twilio::twiml::CONTENT_TYPE
    );

    let webhook = &receiver.received()[0];
    assert!(receiver.is_signed(webhook, &standin.auth_token));
    let sms = InboundSms::from_params(webhook.params.clone(), MediaSchemes::HttpsOnly).unwrap();
    assert!(sms.message_sid.starts_with("MM"));
    assert_eq!(sms.body, "Here are the photos");
    let types: Vec<&str> = sms.media.iter().map(|m| m.content_type.as_str()).collect();
    assert_eq!(types, vec!["image/jpeg", "image/gif", "audio/amr"]);
}

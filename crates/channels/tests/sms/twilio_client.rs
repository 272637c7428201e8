//! The Twilio client against the stand-in, which checks every request's wire
//! format against Twilio's OpenAPI extract.

use std::sync::Arc;
use std::time::Duration;

use channels::twilio::{TwilioClient, TwilioConfig};
use channels::{Error, NumberSearch, OutboundSms, PurchaseRequest, SendError, SmsProvider};
use domain::{DeliveryStatus, PhoneNumber};
use twilio_standin::{Failure, TwilioStandin};
use url::Url;

/// Short, so the timeout test is quick; the stand-in answers in microseconds.
const TIMEOUT: Duration = Duration::from_millis(500);

fn phone(raw: &str) -> PhoneNumber {
    PhoneNumber::parse(raw, "US").unwrap()
}

async fn setup() -> (TwilioStandin, TwilioClient) {
    let standin = TwilioStandin::start().await.unwrap();
    let client = TwilioClient::new(standin.client_config(TIMEOUT)).unwrap();
    (standin, client)
}

fn text(body: &str) -> OutboundSms {
    OutboundSms {
        from: phone("+14155550100"),
        to: phone("+14155550123"),
        body: body.into(),
        media_urls: vec![],
        status_callback: Some(
            Url::parse("https://switchboard.example.com/hooks/twilio/ch1/status").unwrap(),
        ),
    }
}

#[tokio::test]
async fn a_sent_text_returns_the_sid_twilio_created_and_the_wire_format_is_exact() {
    let (standin, client) = setup().await;
    let sent = client.send(text("Your order is ready")).await.unwrap();

    assert!(sent.provider_id.starts_with("SM") && sent.provider_id.len() == 34);
    assert_eq!(sent.status, DeliveryStatus::Sending, "Twilio's queued");
    assert!(
        standin.rejections().is_empty(),
        "{:?}",
        standin.rejections()
    );
    let requests = standin.sent_messages();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.sid(), Some(sent.provider_id.as_str()));
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.path,
        format!("/2010-04-01/Accounts/{}/Messages.json", standin.account_sid)
    );
    assert_eq!(
        request.basic_auth,
        Some((standin.account_sid.clone(), standin.auth_token.clone()))
    );
    assert_eq!(
        request.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let params: Vec<(&str, &str)> = request
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        params,
        vec![
            ("To", "+14155550123"),
            ("From", "+14155550100"),
            ("Body", "Your order is ready"),
            (
                "StatusCallback",
                "https://switchboard.example.com/hooks/twilio/ch1/status"
            ),
        ]
    );
}

#[tokio::test]
async fn each_send_gets_a_fresh_sid() {
    let (_standin, client) = setup().await;
    let a = client.send(text("one")).await.unwrap();
    let b = client.send(text("two")).await.unwrap();
    assert_ne!(a.provider_id, b.provider_id);
}

#[tokio::test]
async fn an_mms_sends_every_media_url_and_no_empty_body() {
    let (standin, client) = setup().await;
    let mut mms = text("");
    mms.media_urls = vec![
        Url::parse("https://cdn.example.com/a.jpg").unwrap(),
        Url::parse("https://cdn.example.com/b.png").unwrap(),
    ];
    mms.status_callback = None;
    client.send(mms).await.unwrap();
    let request = &standin.sent_messages()[0];
    assert_eq!(request.param("Body"), None);
    assert_eq!(request.param("StatusCallback"), None);
    assert_eq!(
        request.params_named("MediaUrl"),
        vec![
            "https://cdn.example.com/a.jpg",
            "https://cdn.example.com/b.png"
        ]
    );
    assert_eq!(request.response["num_media"], "2");
}

#[tokio::test]
async fn a_twilio_500_is_transient() {
    let (standin, client) = setup().await;
    standin.fail_next_sends(1, Failure::ServerError);
    let err = client.send(text("hi")).await.unwrap_err();
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
    // The failure is used up: the retry goes through.
    client.send(text("hi")).await.unwrap();
    assert_eq!(standin.sent_messages().len(), 1);
}

#[tokio::test]
async fn a_twilio_429_is_transient() {
    let (standin, client) = setup().await;
    standin.fail_next_sends(2, Failure::RateLimited);
    for _ in 0..2 {
        assert!(client.send(text("hi")).await.unwrap_err().is_transient());
    }
    client.send(text("hi")).await.unwrap();
}

#[tokio::test]
async fn a_twilio_that_does_not_answer_in_time_is_transient() {
    let (standin, client) = setup().await;
    standin.fail_next_sends(1, Failure::Hang(TIMEOUT * 10));
    let started = std::time::Instant::now();
    let err = client.send(text("hi")).await.unwrap_err();
    assert!(
        matches!(err, SendError::Transient(ref m) if m.contains("in time")),
        "{err:?}"
    );
    assert!(
        started.elapsed() < TIMEOUT * 4,
        "gave up after {:?}",
        started.elapsed()
    );
    assert_eq!(standin.requests().len(), 1);
}

#[tokio::test]
async fn an_unreachable_twilio_is_transient() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut config = TwilioConfig::new(twilio_standin::ACCOUNT_SID, "token");
    config.base_url = format!("http://{addr}");
    config.timeout = TIMEOUT;
    let client = TwilioClient::new(config).unwrap();
    assert!(client.send(text("hi")).await.unwrap_err().is_transient());
}

#[tokio::test]
async fn an_invalid_to_number_is_permanent_with_twilios_code_and_message() {
    let (standin, client) = setup().await;
    standin.fail_next_sends(1, Failure::InvalidTo);
    let err = client.send(text("hi")).await.unwrap_err();
    assert_eq!(
        err,
        SendError::Permanent {
            code: Some("21211".into()),
            message: "The 'To' number +14155550123 is not a valid phone number.".into(),
        }
    );
}

#[tokio::test]
async fn an_unsubscribed_recipient_is_permanent_with_code_21610() {
    let (standin, client) = setup().await;
    standin.fail_next_sends(1, Failure::Unsubscribed);
    let err = client.send(text("hi")).await.unwrap_err();
    assert_eq!(err.provider_code(), Some("21610"));
    assert!(err.to_string().contains("unsubscribed recipient"), "{err}");
}

#[tokio::test]
async fn wrong_credentials_are_permanent_and_refused_by_the_standin() {
    let standin = TwilioStandin::start().await.unwrap();
    let mut config = standin.client_config(TIMEOUT);
    config.auth_token = "not-the-token".into();
    let client = TwilioClient::new(config).unwrap();
    let err = client.send(text("hi")).await.unwrap_err();
    assert_eq!(err.provider_code(), Some("20003"));
    assert_eq!(standin.rejections().len(), 1);
}

#[tokio::test]
async fn a_body_over_twilios_limit_is_refused_with_twilios_code() {
    let (_standin, client) = setup().await;
    let err = client.send(text(&"x".repeat(1601))).await.unwrap_err();
    assert_eq!(err.provider_code(), Some("21617"));
}

#[tokio::test]
async fn number_search_sends_the_filters_and_reads_the_live_capability_names() {
    let (standin, client) = setup().await;
    let numbers = client
        .available_numbers(NumberSearch {
            country: "us".into(),
            area_code: Some("415".into()),
            contains: None,
        })
        .await
        .unwrap();
    let found: Vec<&str> = numbers.iter().map(|n| n.phone_number.as_str()).collect();
    assert_eq!(found, vec!["+14155550101", "+14155550102"]);
    let first = &numbers[0];
    assert_eq!(first.friendly_name, "(415) 555-0101");
    assert_eq!(first.locality.as_deref(), Some("San Francisco"));
    assert_eq!(first.region.as_deref(), Some("CA"));
    assert_eq!(first.iso_country, "US");
    assert!(first.sms && first.mms && first.voice);

    let request = standin.requests().pop().unwrap();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        format!(
            "/2010-04-01/Accounts/{}/AvailablePhoneNumbers/US/Local.json",
            standin.account_sid
        )
    );
    assert_eq!(
        request.query,
        vec![
            ("SmsEnabled".to_string(), "true".to_string()),
            ("AreaCode".to_string(), "415".to_string())
        ]
    );
    assert!(standin.rejections().is_empty());

    let contains = client
        .available_numbers(NumberSearch {
            contains: Some("0103".into()),
            ..NumberSearch::in_country("US")
        })
        .await
        .unwrap();
    assert_eq!(contains.len(), 1);
    assert_eq!(contains[0].phone_number.as_str(), "+12125550103");
}

#[tokio::test]
async fn a_country_that_is_not_two_letters_is_refused_before_calling_twilio() {
    let (standin, client) = setup().await;
    let err = client
        .available_numbers(NumberSearch::in_country("U/S"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidField { ref field, .. } if field == "country"));
    assert!(standin.requests().is_empty());
}

#[tokio::test]
async fn buying_a_number_points_its_webhooks_at_switchboard() {
    let (standin, client) = setup().await;
    let request = PurchaseRequest {
        phone_number: phone("+14155550102"),
        sms_url: Url::parse("https://switchboard.example.com/hooks/twilio/ch1/sms").unwrap(),
        voice_url: Some(
            Url::parse("https://switchboard.example.com/hooks/twilio/ch1/voice").unwrap(),
        ),
    };
    let bought = client.purchase_number(request.clone()).await.unwrap();
    assert!(bought.provider_id.starts_with("PN") && bought.provider_id.len() == 34);
    assert_eq!(bought.phone_number.as_str(), "+14155550102");

    let recorded = standin.requests().pop().unwrap();
    assert_eq!(
        recorded.path,
        format!(
            "/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json",
            standin.account_sid
        )
    );
    assert_eq!(recorded.param("PhoneNumber"), Some("+14155550102"));
    assert_eq!(
        recorded.param("SmsUrl"),
        Some("https://switchboard.example.com/hooks/twilio/ch1/sms")
    );
    assert_eq!(recorded.param("SmsMethod"), Some("POST"));
    assert_eq!(
        recorded.param("VoiceUrl"),
        Some("https://switchboard.example.com/hooks/twilio/ch1/voice")
    );
    assert!(standin.rejections().is_empty());

    // The number is gone from the inventory: buying it again fails for good.
    let again = client.purchase_number(request).await.unwrap_err();
    assert_eq!(again.provider_code(), Some("21422"));
    let left = client
        .available_numbers(NumberSearch {
            area_code: Some("415".into()),
            ..NumberSearch::in_country("US")
        })
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
}

#[tokio::test]
async fn the_client_works_behind_a_shared_trait_object() {
    let (standin, client) = setup().await;
    let provider: Arc<dyn SmsProvider> = Arc::new(client);
    let sent = provider.send(text("via dyn")).await.unwrap();
    assert_eq!(
        standin.sent_messages()[0].sid(),
        Some(sent.provider_id.as_str())
    );
}

//! Calls to an inbox's number: forwarded by TwiML, recorded on the caller's
//! conversation.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use super::{story, Story, CUSTOMER};
use crate::helpers::json_of;

/// The fields Twilio posts when a call comes in.
fn call_params(s: &Story, from: &str) -> Vec<(String, String)> {
    [
        ("CallSid", format!("CA{}", uuid::Uuid::now_v7().simple())),
        ("AccountSid", s.standin.account_sid.clone()),
        ("From", from.to_string()),
        ("To", s.channel.address.clone()),
        ("CallStatus", "ringing".to_string()),
        ("Direction", "inbound".to_string()),
        ("ApiVersion", "2010-04-01".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn a_call_is_forwarded_to_the_inboxs_number_and_recorded(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let path = format!("/inboxes/{}", s.seed.inbox_id);
    let response = s
        .app
        .api(
            &s.seed,
            Method::PATCH,
            &path,
            Some(&s.seed.admin),
            Some(json!({ "voice_forward_to": "+14155550142" })),
        )
        .await;
    json_of(response, 200).await;

    let url = s.app.twilio_hook(&s.channel, "voice");
    let response = s
        .standin
        .post_signed(&url, &call_params(&s, CUSTOMER))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/xml");
    let twiml = response.text().await.unwrap();
    assert!(
        twiml.ends_with("<Response><Dial>+14155550142</Dial></Response>"),
        "{twiml}"
    );

    let conversation = s.conversation_of(CUSTOMER).await;
    let calls: Vec<_> = s
        .timeline(&conversation)
        .await
        .into_iter()
        .filter(|item| item["type"] == "call")
        .collect();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["forwarded_to"], "+14155550142");
}

async fn a_call_to_an_inbox_without_forwarding_is_answered_politely(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "I'll call you").await;
    let url = s.app.twilio_hook(&s.channel, "voice");
    let response = s
        .standin
        .post_signed(&url, &call_params(&s, CUSTOMER))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let twiml = response.text().await.unwrap();
    assert!(twiml.contains("<Say>"), "{twiml}");
    assert!(!twiml.contains("<Dial>"), "{twiml}");
    // Recorded on the conversation the customer already has.
    let conversation = s.conversation_of(CUSTOMER).await;
    let timeline = s.timeline(&conversation).await;
    let call = timeline
        .iter()
        .find(|item| item["type"] == "call")
        .expect("a call event");
    assert!(call["forwarded_to"].is_null());
}

async fn an_unsigned_call_is_refused(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let response = s
        .app
        .client
        .post(s.app.twilio_hook(&s.channel, "voice"))
        .form(&call_params(&s, CUSTOMER))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

on_both_backends!(
    a_call_is_forwarded_to_the_inboxs_number_and_recorded,
    a_call_to_an_inbox_without_forwarding_is_answered_politely,
    an_unsigned_call_is_refused,
);

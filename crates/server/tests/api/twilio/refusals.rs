//! What a signed webhook may still not carry: media links that are not web
//! addresses, ids no Twilio SID looks like, a text "from" the number it was
//! sent to. Each is refused before anything is stored.

use store::Backend;

use super::{inbound_params, new_sid, story, CUSTOMER};

on_both_backends!(
    media_urls_that_are_not_web_addresses_are_refused_and_store_nothing,
    a_message_sid_longer_than_a_twilio_sid_is_refused_and_stores_nothing,
    a_text_from_the_channels_own_number_is_refused_and_stores_nothing,
);

async fn media_urls_that_are_not_web_addresses_are_refused_and_store_nothing(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let url = s.app.twilio_hook(&s.channel, "sms");
    for media in [
        "javascript:alert(document.cookie)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ] {
        let sid = new_sid();
        let params = inbound_params(
            &sid,
            CUSTOMER,
            &s.channel.address,
            "See the photo",
            &[(media, "image/jpeg")],
        );
        let response = s.standin.post_signed(&url, &params).await.unwrap();
        assert_eq!(response.status(), 400, "{media}");
        let problem: serde_json::Value = response.json().await.unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("MediaUrl0"),
            "{problem}"
        );
        super::inbound::assert_nothing_stored(&s, &sid).await;
    }
}

async fn a_message_sid_longer_than_a_twilio_sid_is_refused_and_stores_nothing(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let url = s.app.twilio_hook(&s.channel, "sms");
    let sid = format!("{}{}", new_sid(), "0".repeat(4000));
    let params = inbound_params(&sid, CUSTOMER, &s.channel.address, "Hi", &[]);
    let response = s.standin.post_signed(&url, &params).await.unwrap();
    assert_eq!(response.status(), 400);
    let problem: serde_json::Value = response.json().await.unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("MessageSid"), "{detail}");
    assert!(
        detail.len() < 200,
        "the refusal echoes the whole id: {detail}"
    );
    super::inbound::assert_nothing_stored(&s, &sid).await;
}

async fn a_text_from_the_channels_own_number_is_refused_and_stores_nothing(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let url = s.app.twilio_hook(&s.channel, "sms");
    let sid = new_sid();
    let own = s.channel.address.clone();
    let params = inbound_params(&sid, &own, &own, "Reply STOP to opt out", &[]);
    let response = s.standin.post_signed(&url, &params).await.unwrap();
    assert_eq!(response.status(), 422);
    let mut reader = s.app.store.read().await.unwrap();
    let found = store::messages::by_provider_id(&mut reader.conn(), &s.channel.id, &sid)
        .await
        .unwrap();
    assert!(found.is_none());
    let workspace = domain::WorkspaceId::parse(&s.seed.workspace_id).unwrap();
    let number = domain::PhoneNumber::parse(&own, "US").unwrap();
    let contact = store::contacts::by_phone(&mut reader.conn(), &workspace, &number, false)
        .await
        .unwrap();
    assert!(contact.is_none(), "the inbox's own number became a contact");
}

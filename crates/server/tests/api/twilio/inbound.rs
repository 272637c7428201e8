//! Inbound texts: signed, stored once, answered with empty TwiML.

use channels::twilio::signature;
use domain::{MessageBody, PhoneNumber};
use store::Backend;
use switchboard_server::services::inbound::InboundSms;

use super::{inbound_params, new_sid, story, CUSTOMER};

async fn a_signed_inbound_text_is_stored_and_answered_with_empty_twiml(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let response = s
        .standin
        .send_inbound_sms(
            &s.app.twilio_hook(&s.channel, "sms"),
            CUSTOMER,
            &s.channel.address,
            "Is the plumber still coming at 3?",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/xml");
    let body = response.text().await.unwrap();
    assert!(body.ends_with("<Response/>"), "{body}");

    let conversation = s.conversation_of(CUSTOMER).await;
    let messages = s.messages(&conversation).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["kind"], "inbound");
    assert_eq!(messages[0]["body"], "Is the plumber still coming at 3?");
}

async fn an_unsigned_webhook_is_refused_and_stores_nothing(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let sid = new_sid();
    let params = inbound_params(&sid, CUSTOMER, &s.channel.address, "Hello?", &[]);
    let response = s
        .app
        .client
        .post(s.app.twilio_hook(&s.channel, "sms"))
        .form(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_nothing_stored(&s, &sid).await;
}

async fn a_webhook_with_a_changed_parameter_is_refused(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let url = s.app.twilio_hook(&s.channel, "sms");
    let sid = new_sid();
    let params = inbound_params(&sid, CUSTOMER, &s.channel.address, "Refund me $10", &[]);
    let header = signature::sign(&url, &params, &s.standin.auth_token);
    let mut tampered = params.clone();
    for (key, value) in &mut tampered {
        if key == "Body" {
            *value = "Refund me $1000".into();
        }
    }
    // And a parameter the signature never covered.
    let mut added = params.clone();
    added.push(("Extra".into(), "1".into()));
    for form in [tampered, added] {
        let response = s
            .app
            .client
            .post(&url)
            .header(signature::HEADER, &header)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
    }
    // Signed with another account's token.
    let forged = signature::sign(&url, &params, "not-the-token");
    let response = s
        .app
        .client
        .post(&url)
        .header(signature::HEADER, forged)
        .form(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_nothing_stored(&s, &sid).await;
}

async fn a_webhook_for_an_unknown_or_non_twilio_channel_is_not_found(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let params = inbound_params(&new_sid(), CUSTOMER, &s.channel.address, "Hi", &[]);
    for channel in [
        domain::ChannelId::generate().to_string(),
        s.seed.channel.id.to_string(),
    ] {
        let url = format!("{}/hooks/twilio/{channel}/sms", s.app.address);
        let response = s.standin.post_signed(&url, &params).await.unwrap();
        assert_eq!(response.status(), 404, "{channel}");
    }
}

async fn an_mms_with_three_media_items_is_stored_with_all_three_attachments(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let media = [
        (
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
            "image/jpeg",
        ),
        (
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2",
            "image/png",
        ),
        (
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME3",
            "video/mp4",
        ),
    ];
    let response = s
        .standin
        .send_inbound_sms(
            &s.app.twilio_hook(&s.channel, "sms"),
            CUSTOMER,
            &s.channel.address,
            "Photos of the leak",
            &media,
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let conversation = s.conversation_of(CUSTOMER).await;
    let messages = s.messages(&conversation).await;
    let attachments = messages[0]["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 3);
    for (attachment, (url, content_type)) in attachments.iter().zip(media) {
        assert_eq!(attachment["url"], url);
        assert_eq!(attachment["content_type"], content_type);
    }
}

async fn a_retried_webhook_is_stored_once(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let url = s.app.twilio_hook(&s.channel, "sms");
    let params = inbound_params(&new_sid(), CUSTOMER, &s.channel.address, "Hello!", &[]);
    for _ in 0..3 {
        let response = s.standin.post_signed(&url, &params).await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.text().await.unwrap().ends_with("<Response/>"));
    }
    let conversation = s.conversation_of(CUSTOMER).await;
    assert_eq!(s.messages(&conversation).await.len(), 1);
}

async fn texts_from_one_customer_share_one_conversation(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "First").await;
    s.text(CUSTOMER, "Second").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let bodies: Vec<String> = s
        .messages(&conversation)
        .await
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(bodies, ["First", "Second"]);
}

/// A burst from several customers at once is written in batches whose
/// senders are read together: each text still lands in its customer's
/// conversation, a customer whose conversation was closed starts a new one,
/// and a first text makes one contact however many follow it at once.
async fn a_burst_from_many_customers_threads_each_text_to_its_customer(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (open, closed, new) = ("+14155550101", "+14155550102", "+14155550103");
    s.text(open, "Hello").await;
    s.text(closed, "Hello").await;
    let first_open = s.conversation_of(open).await;
    let first_closed = s.conversation_of(closed).await;
    let path = format!("/conversations/{first_closed}/status");
    let answer = s
        .app
        .api(
            &s.seed,
            reqwest::Method::POST,
            &path,
            Some(&s.seed.admin),
            Some(serde_json::json!({ "status": "closed" })),
        )
        .await;
    assert_eq!(answer.status(), 200);

    let texts: Vec<(&str, String)> = (0..10)
        .flat_map(|i| [open, closed, new].map(|from| (from, format!("Text {i}"))))
        .collect();
    futures_util::future::join_all(texts.iter().map(|(from, body)| s.text(from, body))).await;

    assert_eq!(s.conversation_of(open).await, first_open);
    assert_eq!(s.messages(&first_open).await.len(), 11);
    let reopened = s.conversation_of(closed).await;
    assert_ne!(reopened, first_closed, "a closed conversation stays closed");
    assert_eq!(s.messages(&reopened).await.len(), 10);
    assert_eq!(s.messages(&s.conversation_of(new).await).await.len(), 10);
    assert_eq!(s.contact(new).await["phone"], new);
}

/// Texts handed to ingest one after another are stored in that order, each
/// customer's among everyone's, however many writers share the work
/// (PostgreSQL has two, which commit in either order): a customer's texts
/// all go through the same one.
async fn each_customers_texts_are_stored_in_the_order_they_came(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let senders: Vec<String> = (0..5).map(|i| format!("+1415555{:04}", 4000 + i)).collect();
    let bodies: Vec<String> = (1..=6).map(|i| format!("Text {i}")).collect();
    // Every customer's first text, then every second one, and so on.
    let submitted = bodies.iter().flat_map(|body| {
        senders.iter().map(|from| {
            s.app.state.ingest.submit(InboundSms {
                channel: s.channel.clone(),
                from: PhoneNumber::parse(from, "US").unwrap(),
                body: MessageBody::parse(body, false).unwrap(),
                media: Vec::new(),
                provider_id: Some(new_sid()),
            })
        })
    });
    // Polled in order the first time: each is queued before the next.
    for stored in futures_util::future::join_all(submitted).await {
        stored.unwrap();
    }
    for from in &senders {
        let stored: Vec<String> = s
            .messages(&s.conversation_of(from).await)
            .await
            .iter()
            .map(|m| m["body"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(stored, bodies, "{from}");
    }
}

/// First texts from many new customers at once are written together (their
/// contacts, conversations and messages a statement each): every customer
/// gets one contact and one conversation holding all their texts, its
/// `created` event comes before its messages' in the log, and a webhook
/// Twilio retries within the same burst is stored once.
async fn first_texts_from_many_new_customers_at_once_start_one_conversation_each(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let senders: Vec<String> = (0..30)
        .map(|i| format!("+1415555{:04}", 2000 + i))
        .collect();
    let texts: Vec<(&str, String)> = senders
        .iter()
        .flat_map(|from| (1..=3).map(move |i| (from.as_str(), format!("Text {i}"))))
        .collect();
    let url = s.app.twilio_hook(&s.channel, "sms");
    let retried = inbound_params(&new_sid(), "+14155553000", &s.channel.address, "Once", &[]);
    let retries = (0..3).map(|_| async {
        let response = s.standin.post_signed(&url, &retried).await.unwrap();
        assert_eq!(response.status(), 200);
    });
    futures_util::future::join(
        futures_util::future::join_all(texts.iter().map(|(from, body)| s.text(from, body))),
        futures_util::future::join_all(retries),
    )
    .await;

    for from in &senders {
        let conversation = s.conversation_of(from).await;
        let mut bodies: Vec<String> = s
            .messages(&conversation)
            .await
            .iter()
            .map(|m| m["body"].as_str().unwrap().to_string())
            .collect();
        bodies.sort();
        assert_eq!(bodies, ["Text 1", "Text 2", "Text 3"], "{from}");
        let id = domain::ConversationId::parse(&conversation).unwrap();
        let mut reader = s.app.store.read().await.unwrap();
        let kinds: Vec<&str> = store::events::for_conversation(&mut reader.conn(), &id, 0, 10)
            .await
            .unwrap()
            .iter()
            .map(|e| e.kind.name())
            .collect();
        assert_eq!(
            kinds,
            ["created", "message", "message", "message"],
            "{from}"
        );
    }
    let once = s.conversation_of("+14155553000").await;
    assert_eq!(s.messages(&once).await.len(), 1);
}

pub(super) async fn assert_nothing_stored(s: &super::Story, sid: &str) {
    let mut reader = s.app.store.read().await.unwrap();
    let found = store::messages::by_provider_id(&mut reader.conn(), &s.channel.id, sid)
        .await
        .unwrap();
    assert!(found.is_none());
    let workspace = domain::WorkspaceId::parse(&s.seed.workspace_id).unwrap();
    let phone = domain::PhoneNumber::parse(CUSTOMER, "US").unwrap();
    let contact = store::contacts::by_phone(&mut reader.conn(), &workspace, &phone, false)
        .await
        .unwrap();
    assert!(contact.is_none(), "a refused webhook created a contact");
}

on_both_backends!(
    a_signed_inbound_text_is_stored_and_answered_with_empty_twiml,
    an_unsigned_webhook_is_refused_and_stores_nothing,
    a_webhook_with_a_changed_parameter_is_refused,
    a_webhook_for_an_unknown_or_non_twilio_channel_is_not_found,
    an_mms_with_three_media_items_is_stored_with_all_three_attachments,
    a_retried_webhook_is_stored_once,
    texts_from_one_customer_share_one_conversation,
    a_burst_from_many_customers_threads_each_text_to_its_customer,
    first_texts_from_many_new_customers_at_once_start_one_conversation_each,
    each_customers_texts_are_stored_in_the_order_they_came,
);

//! Email out through a real SMTP server on loopback (aiosmtpd): inbound
//! messages forwarded to an inbox's address, and what happens when the mail
//! server refuses, is busy, or was never configured.

use domain::{Attachment, MessageBody, PhoneNumber};
use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;
use switchboard_server::config::Secret;
use switchboard_server::services::inbound::{self, InboundSms};

use crate::helpers::{json_of, spawn_app_with, Seed, TestApp};
use crate::smtp_sink::SmtpSink;

on_both_backends!(an_inbound_text_is_forwarded_to_the_inbox_address);

async fn app_mailing_to(backend: Backend, sink: Option<&SmtpSink>) -> Option<(TestApp, Seed)> {
    let url = sink.map(|s| s.url.clone());
    let app = spawn_app_with(backend, |settings| {
        settings.smtp_url = url.map(Secret::new);
        settings.mail_from = "Acme Support <support@acme.test>".into();
        settings.public_url = "https://inbox.acme.test".into();
    })
    .await?;
    let seed = app.seed().await;
    Some((app, seed))
}

async fn forward_to(app: &TestApp, seed: &Seed, address: &str) {
    let path = format!("/inboxes/{}", seed.inbox_id);
    let body = json!({ "forward_to_email": address });
    let response = app
        .api(seed, Method::PATCH, &path, Some(&seed.admin), Some(body))
        .await;
    json_of(response, 200).await;
}

async fn text_with_photo(app: &TestApp, seed: &Seed, body: &str) {
    inbound::ingest_sms(
        &app.state,
        InboundSms {
            channel: seed.channel.clone(),
            from: PhoneNumber::parse("+14155550177", "US").unwrap(),
            body: MessageBody::parse(body, false).unwrap(),
            media: vec![Attachment {
                url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1".into(),
                content_type: "image/jpeg".into(),
            }],
            provider_id: None,
        },
    )
    .await
    .unwrap();
}

async fn jobs(app: &TestApp, seed: &Seed, state: &str) -> Vec<Value> {
    let path = format!("/jobs?state={state}");
    let response = app
        .api(seed, Method::GET, &path, Some(&seed.owner), None)
        .await;
    let list = json_of(response, 200).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["kind"] == "forward_message")
        .cloned()
        .collect()
}

async fn an_inbound_text_is_forwarded_to_the_inbox_address(backend: Backend) {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let Some((app, seed)) = app_mailing_to(backend, Some(&sink)).await else {
        return;
    };
    forward_to(&app, &seed, "team@acme.test").await;

    text_with_photo(&app, &seed, "Is the <b>boiler</b> fixed?\nIt is cold here.").await;
    app.run_due_jobs().await;

    let received = sink.wait_for(1).await;
    assert_eq!(received.len(), 1, "one email per inbound message");
    let email = &received[0];
    assert_eq!(email.rcpt_to, "team@acme.test");
    assert!(email.from.contains("support@acme.test"), "{}", email.from);
    // Subject: the contact and the inbox.
    assert!(email.subject.contains("+14155550177"), "{}", email.subject);
    assert!(email.subject.contains("Support"), "{}", email.subject);
    // Body: the text, links to the media and to the message in the app.
    assert!(
        email.text.contains("> Is the <b>boiler</b> fixed?"),
        "{}",
        email.text
    );
    assert!(email.text.contains("> It is cold here."), "{}", email.text);
    assert!(email.text.contains("/Media/ME1"), "{}", email.text);
    let permalink = format!("https://inbox.acme.test/w/{}/m/", seed.workspace_id);
    assert!(email.text.contains(&permalink), "{}", email.text);
    // The customer's words are escaped in the HTML part, never markup.
    let escaped = ["&lt;b&gt;boiler", "&#60;b&#62;boiler"];
    assert!(
        escaped.iter().any(|e| email.html.contains(e)),
        "{}",
        email.html
    );
    assert!(!email.html.contains("<b>boiler"), "{}", email.html);
    assert!(email.html.contains(&permalink), "{}", email.html);
    // Marked automatic, so other systems' auto-replies leave it alone.
    assert!(
        email.raw.contains("Auto-Submitted: auto-generated"),
        "{}",
        email.raw
    );

    // A note or a reply is not forwarded; turning forwarding off stops it.
    let path = format!("/inboxes/{}", seed.inbox_id);
    let off = json!({ "forward_to_email": null });
    json_of(
        app.api(&seed, Method::PATCH, &path, Some(&seed.admin), Some(off))
            .await,
        200,
    )
    .await;
    text_with_photo(&app, &seed, "Still cold.").await;
    app.run_due_jobs().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.received().len(), 1, "nothing after forwarding is off");
    assert_eq!(jobs(&app, &seed, "failed").await.len(), 0);
}

#[tokio::test]
async fn a_refused_address_fails_the_job_with_the_servers_reason() {
    let Some(sink) = SmtpSink::start_with(&["--refuse-recipient", "gone@acme.test"]).await else {
        return;
    };
    let Some((app, seed)) = app_mailing_to(Backend::Sqlite, Some(&sink)).await else {
        return;
    };
    forward_to(&app, &seed, "gone@acme.test").await;
    text_with_photo(&app, &seed, "Hello?").await;
    app.run_due_jobs().await;

    let failed = jobs(&app, &seed, "failed").await;
    assert_eq!(failed.len(), 1, "a 550 is final: no retry");
    let reason = failed[0]["last_error"].as_str().unwrap();
    assert!(reason.contains("No such user"), "{reason}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_busy_mail_server_is_tried_again_later() {
    let Some(sink) = SmtpSink::start_with(&["--fail-data", "1"]).await else {
        return;
    };
    let Some((app, seed)) = app_mailing_to(Backend::Sqlite, Some(&sink)).await else {
        return;
    };
    forward_to(&app, &seed, "team@acme.test").await;
    text_with_photo(&app, &seed, "Anyone there?").await;
    app.run_due_jobs().await;
    assert!(sink.received().is_empty(), "the first try was answered 451");
    let waiting = jobs(&app, &seed, "pending").await;
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0]["last_error"].as_str().unwrap().contains("451"));

    app.state.clock.advance(chrono::Duration::minutes(1));
    app.run_due_jobs().await;
    assert_eq!(sink.wait_for(1).await.len(), 1, "the retry went through");
}

#[tokio::test]
async fn without_a_mail_server_the_job_says_email_is_not_configured() {
    let Some((app, seed)) = app_mailing_to(Backend::Sqlite, None).await else {
        return;
    };
    forward_to(&app, &seed, "team@acme.test").await;
    text_with_photo(&app, &seed, "Hello").await;
    app.run_due_jobs().await;
    let failed = jobs(&app, &seed, "failed").await;
    assert_eq!(failed.len(), 1);
    let reason = failed[0]["last_error"].as_str().unwrap();
    assert!(reason.contains("email is not configured"), "{reason}");
}

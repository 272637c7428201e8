//! Replies sent through Twilio, retries, refusals and delivery reports.

use channels::twilio::signature;
use store::Backend;
use twilio_standin::Failure;

use super::{story, Story, CUSTOMER};

/// A customer texts in and Ana replies; returns (conversation, message id).
async fn replied(s: &Story, body: &str) -> (String, String) {
    s.text(CUSTOMER, "My sink is leaking").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let message = s.replied(&conversation, body).await;
    (conversation, message)
}

async fn a_reply_is_sent_through_twilio_in_its_wire_format_and_its_sid_kept(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (_, message) = replied(&s, "A plumber is on the way & will call first.").await;
    assert_eq!(s.app.run_due_jobs().await, 1);

    assert!(
        s.standin.rejections().is_empty(),
        "{:?}",
        s.standin.rejections()
    );
    let sent = s.standin.sent_messages();
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(
        request.path,
        format!(
            "/2010-04-01/Accounts/{}/Messages.json",
            s.standin.account_sid
        )
    );
    assert_eq!(
        request.basic_auth,
        Some((s.standin.account_sid.clone(), s.standin.auth_token.clone()))
    );
    assert_eq!(request.param("To"), Some(CUSTOMER));
    assert_eq!(request.param("From"), Some(s.channel.address.as_str()));
    assert_eq!(
        request.param("Body"),
        Some("A plumber is on the way & will call first.")
    );
    assert_eq!(
        request.param("StatusCallback"),
        Some(s.app.twilio_hook(&s.channel, "status").as_str())
    );

    let stored = s.message(&message).await;
    assert_eq!(stored["delivery_status"], "sending");
    assert_eq!(s.provider_id(&message).await.as_deref(), request.sid());
    // Sent once: the job is done.
    assert_eq!(s.app.run_due_jobs().await, 0);
    assert_eq!(s.standin.sent_messages().len(), 1);
}

async fn a_reply_that_twilio_fails_with_a_500_is_sent_after_the_backoff(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (_, message) = replied(&s, "On our way").await;
    s.standin.fail_next_sends(1, Failure::ServerError);
    assert_eq!(s.app.run_due_jobs().await, 1);
    assert!(s.standin.sent_messages().is_empty());
    assert_eq!(s.message(&message).await["delivery_status"], "queued");
    // Not due again before the backoff has passed.
    assert_eq!(s.app.run_due_jobs().await, 0);

    s.app.state.clock.advance(chrono::Duration::seconds(6));
    assert_eq!(s.app.run_due_jobs().await, 1);
    assert_eq!(s.standin.sent_messages().len(), 1);
    let stored = s.message(&message).await;
    assert_eq!(stored["delivery_status"], "sending");
    assert!(stored["error_code"].is_null());
    assert!(s.provider_id(&message).await.is_some());
}

/// A send still waiting on Twilio when its job's lease runs out: the job,
/// run again by another worker meanwhile, does not text the customer a
/// second time; it waits for the first run, which holds the message's
/// send claim.
async fn a_delivery_job_run_again_while_its_first_run_still_sends_texts_once(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (_, message) = replied(&s, "On our way").await;
    let posted = || {
        s.standin
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/Messages.json"))
            .count()
    };
    // Twilio answers the first send only after a while (then with a 500).
    s.standin
        .fail_next_sends(1, Failure::Hang(std::time::Duration::from_secs(4)));
    let second_run = async {
        while posted() == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        // The first run's lease (120 s) runs out while it waits on Twilio.
        s.app.state.clock.advance(chrono::Duration::seconds(121));
        let ran = s.app.run_due_jobs().await;
        (ran, posted())
    };
    let (_, (ran_again, posted_meanwhile)) = tokio::join!(s.app.run_due_jobs(), second_run);
    assert_eq!(ran_again, 1, "the job was run a second time");
    assert_eq!(posted_meanwhile, 1, "the second run did not call Twilio");

    // The first send failed: the message goes after the backoff, once.
    assert_eq!(s.message(&message).await["delivery_status"], "queued");
    s.app.state.clock.advance(chrono::Duration::seconds(6));
    assert_eq!(s.app.run_due_jobs().await, 1);
    assert_eq!(s.standin.sent_messages().len(), 1);
    assert_eq!(s.message(&message).await["delivery_status"], "sending");
    s.app.state.clock.advance(chrono::Duration::seconds(600));
    s.app.run_due_jobs().await;
    assert_eq!(s.standin.sent_messages().len(), 1, "one text in all");
}

async fn a_reply_to_a_number_twilio_refuses_fails_with_its_code_and_reason(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (conversation, message) = replied(&s, "Hello").await;
    s.standin.fail_next_sends(1, Failure::InvalidTo);
    assert_eq!(s.app.run_due_jobs().await, 1);

    let stored = s.message(&message).await;
    assert_eq!(stored["delivery_status"], "failed");
    assert_eq!(stored["error_code"], "21211");
    let reason = stored["error_message"].as_str().unwrap();
    assert!(reason.contains("is not a valid phone number"), "{reason}");
    // The agent sees it in the timeline too.
    let in_timeline = s
        .messages(&conversation)
        .await
        .into_iter()
        .find(|m| m["id"] == message.as_str())
        .unwrap();
    assert_eq!(in_timeline["error_code"], "21211");
    // Not retried: Twilio would refuse it the same way.
    s.app.state.clock.advance(chrono::Duration::hours(2));
    assert_eq!(s.app.run_due_jobs().await, 0);
    assert!(s.standin.sent_messages().is_empty());
}

async fn delivery_reports_move_forward_only_so_delivered_then_sent_ends_delivered(
    backend: Backend,
) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (conversation, message) = replied(&s, "Fixed?").await;
    s.app.run_due_jobs().await;
    let sid = s.provider_id(&message).await.unwrap();
    for status in ["delivered", "sent"] {
        let answered = s
            .standin
            .send_status_callback(&sid, status, None)
            .await
            .unwrap();
        assert_eq!(answered, 200);
    }
    assert_eq!(s.message(&message).await["delivery_status"], "delivered");
    let deliveries: Vec<String> = s
        .timeline(&conversation)
        .await
        .iter()
        .filter(|item| item["type"] == "delivery")
        .map(|item| item["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(deliveries, ["sending", "delivered"]);
}

async fn an_undelivered_report_keeps_twilios_error_code(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (_, message) = replied(&s, "Are you there?").await;
    s.app.run_due_jobs().await;
    let sid = s.provider_id(&message).await.unwrap();
    let answered = s
        .standin
        .send_status_callback(&sid, "undelivered", Some("30003"))
        .await
        .unwrap();
    assert_eq!(answered, 200);
    let stored = s.message(&message).await;
    assert_eq!(stored["delivery_status"], "undelivered");
    assert_eq!(stored["error_code"], "30003");
    assert!(stored["error_message"]
        .as_str()
        .unwrap()
        .contains("Unreachable"));
}

async fn a_delivery_report_without_a_valid_signature_changes_nothing(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (_, message) = replied(&s, "Hello").await;
    s.app.run_due_jobs().await;
    let sid = s.provider_id(&message).await.unwrap();
    let url = s.app.twilio_hook(&s.channel, "status");
    let params: Vec<(String, String)> =
        [("MessageSid", sid.as_str()), ("MessageStatus", "delivered")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    let response = s
        .app
        .client
        .post(&url)
        .header(signature::HEADER, signature::sign(&url, &params, "wrong"))
        .form(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(s.message(&message).await["delivery_status"], "sending");
}

on_both_backends!(
    a_reply_is_sent_through_twilio_in_its_wire_format_and_its_sid_kept,
    a_reply_that_twilio_fails_with_a_500_is_sent_after_the_backoff,
    a_delivery_job_run_again_while_its_first_run_still_sends_texts_once,
    a_reply_to_a_number_twilio_refuses_fails_with_its_code_and_reason,
    delivery_reports_move_forward_only_so_delivered_then_sent_ends_delivered,
    an_undelivered_report_keeps_twilios_error_code,
    a_delivery_report_without_a_valid_signature_changes_nothing,
);

//! STOP, START and HELP by text, and who may not be sent to.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use super::{story, CUSTOMER};
use crate::helpers::{assert_problem, json_of};

async fn a_customer_who_texts_stop_is_opted_out_and_replies_are_refused(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Where is my invoice?").await;
    s.text(CUSTOMER, "Stop").await;
    let contact = s.contact(CUSTOMER).await;
    assert_eq!(contact["opted_out"], true);
    // The STOP itself is in the conversation for the team to see.
    let conversation = s.conversation_of(CUSTOMER).await;
    let messages = s.messages(&conversation).await;
    assert_eq!(messages.last().unwrap()["body"], "Stop");

    assert_problem(
        s.reply(&conversation, "Sorry to see you go").await,
        422,
        "opted_out",
    )
    .await;
    s.app.run_due_jobs().await;
    assert!(s.standin.sent_messages().is_empty());
}

async fn texting_start_opts_the_customer_back_in(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "STOP").await;
    s.text(CUSTOMER, "start").await;
    assert_eq!(s.contact(CUSTOMER).await["opted_out"], false);
    let conversation = s.conversation_of(CUSTOMER).await;
    s.replied(&conversation, "Welcome back").await;
    s.app.run_due_jobs().await;
    assert_eq!(s.standin.sent_messages().len(), 1);
}

async fn help_is_stored_and_changes_nothing_and_a_sentence_is_not_a_keyword(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "HELP").await;
    s.text(CUSTOMER, "please stop the water, it is flooding")
        .await;
    assert_eq!(s.contact(CUSTOMER).await["opted_out"], false);
    let conversation = s.conversation_of(CUSTOMER).await;
    assert_eq!(s.messages(&conversation).await.len(), 2);
}

async fn a_reply_queued_before_the_customer_texted_stop_is_not_sent(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Can you come tomorrow?").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let message = s.replied(&conversation, "Yes, at 9").await;
    s.text(CUSTOMER, "STOP").await;
    assert_eq!(s.app.run_due_jobs().await, 1);

    assert!(s.standin.sent_messages().is_empty());
    let stored = s.message(&message).await;
    assert_eq!(stored["delivery_status"], "failed");
    assert_eq!(stored["error_code"], "opted_out");
    assert!(stored["error_message"].as_str().unwrap().contains("STOP"));
}

async fn an_inbox_whose_registration_is_not_approved_refuses_replies(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Hello").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let path = format!("/inboxes/{}/registration", s.seed.inbox_id);
    let response = s
        .app
        .api(
            &s.seed,
            Method::PUT,
            &path,
            Some(&s.seed.admin),
            Some(json!({ "state": "pending" })),
        )
        .await;
    json_of(response, 200).await;
    // An inbox that may not send is shown to admins only (DESIGN.md §4).
    let path = format!("/conversations/{conversation}/messages");
    let reply = json!({ "kind": "reply", "body": "Hi!" });
    let response = s
        .app
        .api(
            &s.seed,
            Method::POST,
            &path,
            Some(&s.seed.admin),
            Some(reply),
        )
        .await;
    assert_problem(response, 409, "inbox_unregistered").await;
    s.app.run_due_jobs().await;
    assert!(s.standin.sent_messages().is_empty());
}

on_both_backends!(
    a_customer_who_texts_stop_is_opted_out_and_replies_are_refused,
    texting_start_opts_the_customer_back_in,
    help_is_stored_and_changes_nothing_and_a_sentence_is_not_a_keyword,
    a_reply_queued_before_the_customer_texted_stop_is_not_sent,
    an_inbox_whose_registration_is_not_approved_refuses_replies,
);

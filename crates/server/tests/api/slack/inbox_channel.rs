//! A shared inbox created while Slack is connected gets its own channel as
//! its notification target; before Slack, or when an admin chose, it does not.

use reqwest::Method;
use serde_json::{json, Value};
use slack_standin::Failure;
use store::Backend;

use super::{connect, unconnected};
use crate::helpers::{json_of, Seed, TestApp};
use crate::inboxes::create_inbox;

on_both_backends!(
    a_new_inbox_gets_its_own_slack_channel_and_its_texts_go_there,
    a_taken_name_an_admins_choice_and_a_missing_scope_are_respected,
);

async fn notify_settings(app: &TestApp, seed: &Seed, inbox: &str) -> Value {
    let path = format!("/inboxes/{inbox}/notify");
    json_of(
        app.api(seed, Method::GET, &path, Some(&seed.admin), None)
            .await,
        200,
    )
    .await
}

async fn a_new_inbox_gets_its_own_slack_channel_and_its_texts_go_there(backend: Backend) {
    let Some((app, seed, slack)) = unconnected(backend).await else {
        return;
    };
    let before_slack = create_inbox(&app, &seed, "Before Slack").await;
    connect(&app, &seed).await;
    let billing = create_inbox(&app, &seed, "Billing & Refunds").await;
    app.run_due_jobs().await;

    // Only the inbox created with Slack connected asked for a channel.
    let creates = slack.calls_to("conversations.create");
    assert_eq!(creates.len(), 1, "{creates:?}");
    assert_eq!(creates[0].args["name"], "inbox-billing-refunds");
    let (channel_id, name) = slack.channels().remove(0);
    assert_eq!(name, "inbox-billing-refunds");
    let settings = notify_settings(&app, &seed, &billing).await;
    assert_eq!(
        settings["targets"],
        json!([{"type": "slack_channel", "channel_id": channel_id, "name": name}]),
        "{settings}"
    );
    let untouched = notify_settings(&app, &seed, &before_slack).await;
    assert_eq!(untouched["custom"], false, "{untouched}");
    assert_eq!(untouched["targets"][0]["type"], "member", "{untouched}");

    // A customer texts the new inbox's number: the notice lands in its channel.
    let path = format!("/inboxes/{billing}/channels");
    let number = json!({"kind": "sms", "provider": "simulator", "phone_number": "+14155550166"});
    let created = json_of(
        app.api(&seed, Method::POST, &path, Some(&seed.admin), Some(number))
            .await,
        201,
    )
    .await;
    let id = domain::ChannelId::parse(created["id"].as_str().unwrap()).unwrap();
    let mut reader = app.store.read().await.unwrap();
    let number = store::channels::get(&mut reader.conn(), &id)
        .await
        .unwrap()
        .unwrap();
    drop(reader);
    app.text_channel(&number, "+14155550123", "Was I charged twice?")
        .await;
    app.run_due_jobs().await;
    let posted = slack.messages();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0].channel, channel_id);
    assert!(
        posted[0].text.contains("charged twice"),
        "{}",
        posted[0].text
    );
}

async fn a_taken_name_an_admins_choice_and_a_missing_scope_are_respected(backend: Backend) {
    let Some((app, seed, slack)) = unconnected(backend).await else {
        return;
    };
    connect(&app, &seed).await;
    slack.add_channel("inbox-sales");
    let sales = create_inbox(&app, &seed, "Sales").await;

    // An admin saves a list before the job runs: it stays, no channel is made.
    let returns = create_inbox(&app, &seed, "Returns").await;
    let chosen = json!({"notify_throttle_secs": 60,
                        "targets": [{"type": "email", "address": "returns@example.com"}]});
    let path = format!("/inboxes/{returns}/notify");
    json_of(
        app.api(&seed, Method::PUT, &path, Some(&seed.admin), Some(chosen))
            .await,
        200,
    )
    .await;
    app.run_due_jobs().await;

    let settings = notify_settings(&app, &seed, &sales).await;
    assert_eq!(
        settings["targets"][0]["name"], "inbox-sales-2",
        "{settings}"
    );
    let names: Vec<String> = slack.channels().into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["inbox-sales", "inbox-sales-2"]);
    let settings = notify_settings(&app, &seed, &returns).await;
    assert_eq!(
        settings["targets"],
        json!([{"type": "email", "address": "returns@example.com"}])
    );

    // An app made from the old manifest cannot create channels: the admins
    // are told what to change, and the inbox keeps notifying its members.
    slack.fail_next("conversations.create", Failure::Error("missing_scope"));
    let legacy = create_inbox(&app, &seed, "Legacy").await;
    app.run_due_jobs().await;
    let failed = json_of(
        app.api(
            &seed,
            Method::GET,
            "/jobs?state=failed",
            Some(&seed.admin),
            None,
        )
        .await,
        200,
    )
    .await;
    let job = &failed["items"][0];
    assert_eq!(job["kind"], "create_inbox_channel", "{failed}");
    assert!(
        job["last_error"]
            .as_str()
            .unwrap()
            .contains("channels:manage"),
        "{failed}"
    );
    let settings = notify_settings(&app, &seed, &legacy).await;
    assert_eq!(settings["custom"], false, "{settings}");
}

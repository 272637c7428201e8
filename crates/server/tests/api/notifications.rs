//! Notifications end to end: a customer texts, the right people find it in
//! their in-app centre (once per throttle window), mute and preferences
//! silence them, assignments and @mentions reach the person concerned, and
//! a new notification arrives on the live feed.

mod settings;

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{json_of, spawn_app, Seed, TestApp, TestUser};

on_both_backends!(
    an_inbound_text_reaches_each_member_in_app_and_can_be_marked_read,
    muted_members_and_members_who_turned_inbound_off_hear_nothing,
    the_throttle_folds_texts_within_the_window_and_notifies_after_it,
    fifty_concurrent_texts_notify_each_target_once,
    assignment_tells_the_assignee_unless_they_took_it,
    a_mention_in_a_note_tells_the_mentioned_member_only,
    a_new_notification_arrives_on_the_live_feed,
    a_completed_registration_tells_the_admins_by_their_choice,
    a_notification_reaches_a_feed_served_by_another_node,
);

/// `user`'s centre.
async fn centre(app: &TestApp, seed: &Seed, user: &TestUser) -> Value {
    let listed = app
        .api(seed, Method::GET, "/me/notifications", Some(user), None)
        .await;
    json_of(listed, 200).await
}

/// The triggers of `user`'s notifications, newest first.
async fn triggers(app: &TestApp, seed: &Seed, user: &TestUser) -> Vec<String> {
    centre(app, seed, user).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["trigger"].as_str().unwrap().to_string())
        .collect()
}

async fn an_inbound_text_reaches_each_member_in_app_and_can_be_marked_read(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let conversation = app
        .new_conversation(
            &seed,
            "+14155550123",
            "My boiler is leaking\nsince this morning",
        )
        .await;
    app.run_due_jobs().await;
    let ana = centre(&app, &seed, &seed.ana).await;
    assert_eq!(ana["unread"], 1, "{ana}");
    let first = &ana["items"][0];
    assert_eq!(first["trigger"], "inbound");
    assert_eq!(first["conversation_id"], conversation.as_str());
    let text = first["text"].as_str().unwrap();
    assert!(text.ends_with("My boiler is leaking"), "{text}");
    assert!(
        text.contains("+14155550123") || text.contains(':'),
        "{text}"
    );
    assert_eq!(centre(&app, &seed, &seed.ben).await["unread"], 1);
    // Not in the inbox: nothing.
    assert_eq!(centre(&app, &seed, &seed.outsider).await["unread"], 0);

    let id = first["id"].as_str().unwrap();
    let read = app
        .api(
            &seed,
            Method::POST,
            &format!("/me/notifications/{id}/read"),
            Some(&seed.ana),
            None,
        )
        .await;
    assert_eq!(read.status(), 204);
    let ana = centre(&app, &seed, &seed.ana).await;
    assert_eq!(ana["unread"], 0);
    assert!(ana["items"][0]["read_at"].is_string(), "{ana}");
    // Someone else's notification is not Ben's to read.
    let theirs = app
        .api(
            &seed,
            Method::POST,
            &format!("/me/notifications/{id}/read"),
            Some(&seed.ben),
            None,
        )
        .await;
    assert_eq!(theirs.status(), 404);
    let all = app
        .api(
            &seed,
            Method::POST,
            "/me/notifications/read-all",
            Some(&seed.ben),
            None,
        )
        .await;
    assert_eq!(all.status(), 204);
    assert_eq!(centre(&app, &seed, &seed.ben).await["unread"], 0);
    // The job ran once; running again tells nobody twice.
    app.run_due_jobs().await;
    assert_eq!(
        centre(&app, &seed, &seed.ana).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn muted_members_and_members_who_turned_inbound_off_hear_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let muted = app
        .api(
            &seed,
            Method::PUT,
            &format!("/inboxes/{}/mute", seed.inbox_id),
            Some(&seed.ana),
            Some(json!({ "muted": true })),
        )
        .await;
    assert_eq!(muted.status(), 204);
    let off = app
        .api(
            &seed,
            Method::PUT,
            "/me/notification-preferences",
            Some(&seed.ben),
            Some(json!({ "inbound": "off" })),
        )
        .await;
    let off = json_of(off, 200).await;
    assert_eq!(off["inbound"], "off");
    assert_eq!(off["assigned"], "in_app", "the others keep their default");
    app.new_conversation(&seed, "+14155550124", "Hello?").await;
    app.run_due_jobs().await;
    assert!(triggers(&app, &seed, &seed.ana).await.is_empty());
    assert!(triggers(&app, &seed, &seed.ben).await.is_empty());

    let bad = app
        .api(
            &seed,
            Method::PUT,
            "/me/notification-preferences",
            Some(&seed.ben),
            Some(json!({ "mentioned": "pigeon" })),
        )
        .await;
    let bad = json_of(bad, 422).await;
    assert!(
        bad["detail"].as_str().unwrap().contains("mentioned"),
        "{bad}"
    );
}

async fn the_throttle_folds_texts_within_the_window_and_notifies_after_it(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let from = "+14155550125";
    app.text_from_customer(&seed, from, "first").await;
    app.run_due_jobs().await;
    app.state.clock.advance(chrono::Duration::seconds(100));
    app.text_from_customer(&seed, from, "second, within three minutes")
        .await;
    app.run_due_jobs().await;
    assert_eq!(triggers(&app, &seed, &seed.ana).await.len(), 1);
    app.state.clock.advance(chrono::Duration::seconds(81));
    app.text_from_customer(&seed, from, "third, after the window")
        .await;
    app.run_due_jobs().await;
    let ana = centre(&app, &seed, &seed.ana).await;
    assert_eq!(ana["items"].as_array().unwrap().len(), 2, "{ana}");
    assert!(ana["items"][0]["text"]
        .as_str()
        .unwrap()
        .ends_with("third, after the window"));

    // A window of 0 tells every message.
    let set = app
        .api(
            &seed,
            Method::PUT,
            &format!("/inboxes/{}/notify", seed.inbox_id),
            Some(&seed.admin),
            Some(json!({ "notify_throttle_secs": 0,
                "targets": [{ "type": "member", "user_id": seed.ben.id }] })),
        )
        .await;
    json_of(set, 200).await;
    app.text_from_customer(&seed, from, "fourth").await;
    app.text_from_customer(&seed, from, "fifth").await;
    app.run_due_jobs().await;
    // Ana is no longer a target; Ben hears of both.
    assert_eq!(triggers(&app, &seed, &seed.ana).await.len(), 2);
    assert_eq!(triggers(&app, &seed, &seed.ben).await.len(), 4);
}

async fn fifty_concurrent_texts_notify_each_target_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    // The conversation exists first, so that all fifty are replies to it.
    app.text_from_customer(&seed, "+14155550126", "hello").await;
    app.run_due_jobs().await;
    app.state.clock.advance(chrono::Duration::seconds(600));
    let texts = (0..50).map(|i| {
        let (app, seed) = (&app, &seed);
        async move {
            app.text_from_customer(seed, "+14155550126", &format!("text {i}"))
                .await
        }
    });
    futures_util::future::join_all(texts).await;
    // Several workers at once, as several nodes would run them.
    let runs = (0..4).map(|_| app.run_due_jobs());
    futures_util::future::join_all(runs).await;
    while app.run_due_jobs().await > 0 {}
    for user in [&seed.ana, &seed.ben] {
        assert_eq!(
            triggers(&app, &seed, user).await,
            vec!["inbound", "inbound"],
            "{}: the first text, then one for the fifty",
            user.name
        );
    }
}

async fn assignment_tells_the_assignee_unless_they_took_it(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let conversation = app.new_conversation(&seed, "+14155550127", "Hi").await;
    app.run_due_jobs().await;
    let taken = app
        .api(
            &seed,
            Method::POST,
            &format!("/conversations/{conversation}/assign-to-me"),
            Some(&seed.ana),
            None,
        )
        .await;
    assert_eq!(taken.status(), 200);
    let given = app
        .api(
            &seed,
            Method::POST,
            &format!("/conversations/{conversation}/transfer"),
            Some(&seed.ana),
            Some(json!({ "user_id": seed.ben.id })),
        )
        .await;
    assert_eq!(given.status(), 200);
    app.run_due_jobs().await;
    assert_eq!(triggers(&app, &seed, &seed.ana).await, vec!["inbound"]);
    let ben = centre(&app, &seed, &seed.ben).await;
    assert_eq!(ben["items"][0]["trigger"], "assigned", "{ben}");
    assert!(ben["items"][0]["text"]
        .as_str()
        .unwrap()
        .ends_with("assigned to you"));
}

async fn a_mention_in_a_note_tells_the_mentioned_member_only(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let conversation = app.new_conversation(&seed, "+14155550128", "Hi").await;
    let note = format!(
        "@[Ben Okafor]({}) can you call them? @[Oscar]({})",
        seed.ben.id, seed.outsider.id
    );
    let posted = app
        .api(
            &seed,
            Method::POST,
            &format!("/conversations/{conversation}/messages"),
            Some(&seed.ana),
            Some(json!({ "kind": "note", "body": note })),
        )
        .await;
    assert_eq!(posted.status(), 201);
    app.settle_jobs().await;
    let ben = centre(&app, &seed, &seed.ben).await;
    assert_eq!(ben["items"][0]["trigger"], "mentioned", "{ben}");
    let text = ben["items"][0]["text"].as_str().unwrap();
    assert!(
        text.ends_with("mentioned you: @Ben Okafor can you call them? @Oscar"),
        "{text}"
    );
    assert_eq!(triggers(&app, &seed, &seed.ana).await, vec!["inbound"]);
    // Oscar is not in the inbox: the mention stays text.
    assert!(triggers(&app, &seed, &seed.outsider).await.is_empty());
}

async fn a_new_notification_arrives_on_the_live_feed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let feed = app.events(&seed, &seed.ana, None).await;
    expect_notification(&app, &seed, feed).await;
}

async fn a_notification_reaches_a_feed_served_by_another_node(backend: Backend) {
    // SQLite is one process: there is no other node.
    if backend == Backend::Sqlite {
        return;
    }
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let other = app.second_node().await;
    let feed = other.events(&seed, &seed.ana, None).await;
    expect_notification(&app, &seed, feed).await;
}

/// A customer texts; once `app` runs the jobs, `feed` carries Ana's notification.
async fn expect_notification(app: &TestApp, seed: &Seed, mut feed: crate::helpers::SseClient) {
    let conversation = app
        .new_conversation(seed, "+14155550129", "Are you open?")
        .await;
    app.run_due_jobs().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let message = feed
            .next_within(left)
            .await
            .expect("a notification message");
        if message.event.as_deref() == Some("notification") {
            let data = message.json();
            assert_eq!(data["conversation_id"], conversation.as_str());
            assert_eq!(data["trigger"], "inbound");
            break;
        }
    }
}

async fn a_completed_registration_tells_the_admins_by_their_choice(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let chose = app
        .api(
            &seed,
            Method::PUT,
            "/me/notification-preferences",
            Some(&seed.admin),
            Some(json!({ "registration_completed": "in_app" })),
        )
        .await;
    assert_eq!(chose.status(), 200);
    let path = format!("/inboxes/{}/registration", seed.inbox_id);
    for state in ["pending", "approved", "approved"] {
        let set = app
            .api(
                &seed,
                Method::PUT,
                &path,
                Some(&seed.admin),
                Some(json!({ "state": state })),
            )
            .await;
        assert_eq!(set.status(), 200, "{state}");
    }
    app.run_due_jobs().await;
    // Approved once (the second "approved" changed nothing): one notice.
    assert_eq!(
        triggers(&app, &seed, &seed.admin).await,
        vec!["registration_completed"]
    );
    let admin = centre(&app, &seed, &seed.admin).await;
    assert_eq!(
        admin["items"][0]["text"],
        "Support: carrier registration completed"
    );
    assert!(
        triggers(&app, &seed, &seed.ana).await.is_empty(),
        "agents are not told"
    );
    // The owner kept the default, email; on this branch email is not set up,
    // and the job says so where admins look.
    let failed = app
        .api(
            &seed,
            Method::GET,
            "/jobs?state=failed",
            Some(&seed.admin),
            None,
        )
        .await;
    let failed = json_of(failed, 200).await;
    assert!(
        failed.to_string().contains("email is not configured"),
        "{failed}"
    );
}

//! Collisions (DESIGN.md §3 and §5): the reply lock, presence, and replies
//! written against an older state of the conversation.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app, Seed, TestApp, TestUser};

on_both_backends!(
    a_reply_is_refused_while_someone_else_holds_the_lock_and_accepted_after_release,
    a_lock_whose_lease_ran_out_no_longer_blocks_anyone,
    a_reply_written_before_the_customers_latest_message_is_refused_as_stale,
    a_reply_written_before_a_teammates_reply_is_refused_as_stale,
    a_conversation_shows_who_is_viewing_it,
    the_lock_of_a_conversation_outside_ones_inboxes_is_not_found,
);

async fn reply(
    app: &TestApp,
    seed: &Seed,
    user: &TestUser,
    id: &str,
    body: &str,
    expected_version: Option<i64>,
) -> reqwest::Response {
    let mut json = json!({ "kind": "reply", "body": body });
    if let Some(version) = expected_version {
        json["expected_version"] = version.into();
    }
    app.api(
        seed,
        Method::POST,
        &format!("/conversations/{id}/messages"),
        Some(user),
        Some(json),
    )
    .await
}

async fn lock(app: &TestApp, seed: &Seed, user: &TestUser, id: &str) -> reqwest::Response {
    app.api(
        seed,
        Method::POST,
        &format!("/conversations/{id}/lock"),
        Some(user),
        None,
    )
    .await
}

async fn a_reply_is_refused_while_someone_else_holds_the_lock_and_accepted_after_release(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;

    let held = json_of(lock(&app, &seed, &seed.ana, &id).await, 200).await;
    assert_eq!(held["holder"]["id"], seed.ana.id.as_str());
    assert_eq!(held["holder"]["name"], "Ana Lima");
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(held["expires_at"].clone()).unwrap();
    let lease = expires - app.state.clock.now();
    assert!(
        lease > chrono::Duration::seconds(80) && lease <= chrono::Duration::seconds(90),
        "{lease}"
    );

    // Ben is told who is replying, by name, and cannot take the lock either.
    let refused = reply(&app, &seed, &seed.ben, &id, "On it", None).await;
    let problem = assert_problem(refused, 409, "conflict_locked").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("Ana Lima"),
        "{problem}"
    );
    assert_problem(
        lock(&app, &seed, &seed.ben, &id).await,
        409,
        "conflict_locked",
    )
    .await;
    // A note is no reply: it is never locked out.
    let note = app
        .api(
            &seed,
            Method::POST,
            &format!("/conversations/{id}/messages"),
            Some(&seed.ben),
            Some(json!({ "kind": "note", "body": "Ana has this one" })),
        )
        .await;
    json_of(note, 201).await;

    // The conversation shows the holder to everyone.
    let seen = json_of(
        app.api(
            &seed,
            Method::GET,
            &format!("/conversations/{id}"),
            Some(&seed.ben),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["lock"]["holder"]["name"], "Ana Lima");

    // Renewing is fine; the holder's own reply goes through.
    json_of(lock(&app, &seed, &seed.ana, &id).await, 200).await;
    let sent = json_of(
        reply(&app, &seed, &seed.ana, &id, "Sending a plumber", None).await,
        201,
    )
    .await;
    assert_eq!(sent["message"]["kind"], "outbound");
    assert_eq!(sent["message"]["delivery_status"], "queued");

    // Released: Ben may reply, and nobody is shown as replying.
    let released = app
        .api(
            &seed,
            Method::DELETE,
            &format!("/conversations/{id}/lock"),
            Some(&seed.ana),
            None,
        )
        .await;
    assert_eq!(released.status(), 204);
    json_of(
        reply(&app, &seed, &seed.ben, &id, "Plumber is on the way", None).await,
        201,
    )
    .await;
    let seen = json_of(
        app.api(
            &seed,
            Method::GET,
            &format!("/conversations/{id}"),
            Some(&seed.ben),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["lock"], Value::Null);

    // The timeline records the lock being taken and released.
    let timeline = json_of(
        app.api(
            &seed,
            Method::GET,
            &format!("/conversations/{id}/timeline"),
            Some(&seed.ana),
            None,
        )
        .await,
        200,
    )
    .await;
    let types: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    let locked = types
        .iter()
        .position(|t| *t == "locked")
        .expect("a locked event");
    let unlocked = types
        .iter()
        .position(|t| *t == "unlocked")
        .expect("an unlocked event");
    assert!(locked < unlocked, "{types:?}");
}

async fn a_lock_whose_lease_ran_out_no_longer_blocks_anyone(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    json_of(lock(&app, &seed, &seed.ana, &id).await, 200).await;
    assert_problem(
        reply(&app, &seed, &seed.ben, &id, "Hello", None).await,
        409,
        "conflict_locked",
    )
    .await;

    app.state.clock.advance(chrono::Duration::seconds(91));
    json_of(reply(&app, &seed, &seed.ben, &id, "Hello", None).await, 201).await;
    let taken = json_of(lock(&app, &seed, &seed.ben, &id).await, 200).await;
    assert_eq!(taken["holder"]["name"], "Ben Okafor");
    assert_problem(
        reply(&app, &seed, &seed.ana, &id, "Me too", None).await,
        409,
        "conflict_locked",
    )
    .await;
}

async fn a_reply_written_before_a_teammates_reply_is_refused_as_stale(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app
        .new_conversation(&seed, "+14155550123", "Do you fix boilers?")
        .await;
    let path = format!("/conversations/{id}");
    let seen = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ben), None)
            .await,
        200,
    )
    .await;
    let bens = seen["version"].as_i64().unwrap();

    // A note is not customer-visible: it does not make Ben's view stale.
    let note = json!({ "kind": "note", "body": "I know this one" });
    let note = app
        .api(
            &seed,
            Method::POST,
            &format!("/conversations/{id}/messages"),
            Some(&seed.ana),
            Some(note),
        )
        .await;
    json_of(note, 201).await;

    // Ana answers the customer while Ben is still typing his answer.
    json_of(
        reply(&app, &seed, &seed.ana, &id, "Yes, all makes", None).await,
        201,
    )
    .await;
    let stale = reply(&app, &seed, &seed.ben, &id, "We do!", Some(bens)).await;
    let problem = assert_problem(stale, 409, "stale_conversation").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("teammate"),
        "{problem}"
    );
}

async fn a_reply_written_before_the_customers_latest_message_is_refused_as_stale(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app
        .new_conversation(&seed, "+14155550123", "Is it open today?")
        .await;
    let path = format!("/conversations/{id}");
    let seen = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    let version = seen["version"].as_i64().unwrap();

    // Replying on what she saw is fine.
    let sent = json_of(
        reply(&app, &seed, &seed.ana, &id, "Yes, until 6", Some(version)).await,
        201,
    )
    .await;
    let after_reply = sent["conversation"]["version"].as_i64().unwrap();
    assert!(after_reply > version);

    // The customer writes while Ana types her next reply.
    app.text_from_customer(&seed, "+14155550123", "Actually, cancel")
        .await;
    let stale = reply(
        &app,
        &seed,
        &seed.ana,
        &id,
        "See you then!",
        Some(after_reply),
    )
    .await;
    assert_problem(stale, 409, "stale_conversation").await;
    // A note is for the team: an old version does not make it stale.
    let note = json!({ "kind": "note", "body": "she may cancel", "expected_version": after_reply });
    let note = app
        .api(
            &seed,
            Method::POST,
            &format!("/conversations/{id}/messages"),
            Some(&seed.ana),
            Some(note),
        )
        .await;
    json_of(note, 201).await;

    // Having read the new message, she replies on the new version.
    let seen = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    let fresh = seen["version"].as_i64().unwrap();
    assert!(fresh > after_reply);
    json_of(
        reply(&app, &seed, &seed.ana, &id, "Cancelled.", Some(fresh)).await,
        201,
    )
    .await;
    // Without a version, a reply is never stale.
    json_of(
        reply(&app, &seed, &seed.ana, &id, "Anything else?", None).await,
        201,
    )
    .await;
}

async fn a_conversation_shows_who_is_viewing_it(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    let path = format!("/conversations/{id}");
    json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    let seen = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ben), None)
            .await,
        200,
    )
    .await;
    let mut names: Vec<&str> = seen["viewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Ana Lima", "Ben Okafor"]);

    // A minute later Ana's presence has run out; Ben's is renewed by reading again.
    app.state.clock.advance(chrono::Duration::seconds(61));
    let seen = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ben), None)
            .await,
        200,
    )
    .await;
    let names: Vec<&str> = seen["viewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ben Okafor"]);
}

async fn the_lock_of_a_conversation_outside_ones_inboxes_is_not_found(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    assert_problem(
        lock(&app, &seed, &seed.outsider, &id).await,
        404,
        "not_found",
    )
    .await;
    let release = app
        .api(
            &seed,
            Method::DELETE,
            &format!("/conversations/{id}/lock"),
            Some(&seed.outsider),
            None,
        )
        .await;
    assert_problem(release, 404, "not_found").await;
}

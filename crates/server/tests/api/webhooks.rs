//! Outgoing webhooks, end to end: an admin registers an endpoint, the team
//! works, and the endpoint receives each event it asked for, signed as the
//! Standard Webhooks specification says, retried until it answers 2xx and
//! turned off after a day of failures, with the reason shown.

mod crash;
mod receiver;

use reqwest::Method;
use serde_json::json;
use store::Backend;

use self::receiver::Receiver;
use crate::helpers::{assert_problem, json_of, spawn_app_with, Seed, TestApp};

on_both_backends!(
    deliveries_are_signed_retried_and_logged,
    an_endpoint_failing_for_a_day_is_turned_off_with_the_reason,
    an_sla_breach_reaches_the_endpoints_that_asked_for_it,
);

/// An app whose webhooks may reach loopback, seeded, with an endpoint for
/// `types` registered by the admin at a fresh receiver.
async fn with_endpoint(
    backend: Backend,
    types: &[&str],
) -> Option<(TestApp, Seed, Receiver, String)> {
    let app = spawn_app_with(backend, |s| s.webhook_allow_private = true).await?;
    let seed = app.seed().await;
    let receiver = Receiver::start().await;
    let created = app
        .api(
            &seed,
            Method::POST,
            "/webhooks",
            Some(&seed.admin),
            Some(json!({ "url": receiver.url, "description": "CRM", "event_types": types })),
        )
        .await;
    let created = json_of(created, 201).await;
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{created}");
    receiver.expect_secret(&secret);
    let id = created["id"].as_str().unwrap().to_string();
    Some((app, seed, receiver, id))
}

/// The endpoint's delivery log, as the admin reads it.
async fn deliveries(app: &TestApp, seed: &Seed, endpoint: &str) -> serde_json::Value {
    let log = app
        .api(
            seed,
            Method::GET,
            &format!("/webhooks/{endpoint}/deliveries"),
            Some(&seed.admin),
            None,
        )
        .await;
    json_of(log, 200).await
}

async fn deliveries_are_signed_retried_and_logged(backend: Backend) {
    let Some((app, seed, receiver, endpoint)) =
        with_endpoint(backend, &["message", "assigned"]).await
    else {
        return;
    };
    receiver.answer(&[500]);
    let conversation = app
        .new_conversation(&seed, "+14155550123", "My boiler is leaking")
        .await;
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

    app.run_due_jobs().await;
    let first = receiver.received();
    assert_eq!(first.len(), 2, "one delivery per wanted event: {first:?}");
    assert!(
        first.iter().all(|r| r.verified),
        "every delivery is signed: {first:?}"
    );
    let types: Vec<&str> = first
        .iter()
        .map(|r| r.body["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["message", "assigned"], "created is not wanted");
    assert_eq!(first[0].body["data"]["conversation_id"], conversation);
    assert_eq!(first[0].body["data"]["message_kind"], "inbound");
    assert!(first[0].body["timestamp"].is_string());

    let log = deliveries(&app, &seed, &endpoint).await;
    let failed = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event_type"] == "message")
        .unwrap()
        .clone();
    assert_eq!(failed["status"], "pending", "{log}");
    assert_eq!(failed["response_status"], 500);
    assert_eq!(failed["attempts"], 1);

    // Nothing is retried before its time; after five seconds it is.
    app.run_due_jobs().await;
    assert_eq!(receiver.received().len(), 2);
    app.state.clock.advance(chrono::Duration::seconds(6));
    app.run_due_jobs().await;
    let all = receiver.received();
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all[2].id, first[0].id, "a retry keeps its webhook-id");
    assert!(all[2].verified);

    let log = deliveries(&app, &seed, &endpoint).await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        2,
        "one row per event, whatever the attempts: {log}"
    );
    assert!(items.iter().all(|d| d["status"] == "delivered"), "{log}");

    // Running everything again sends nothing twice.
    app.state.clock.advance(chrono::Duration::hours(30));
    app.run_due_jobs().await;
    assert_eq!(receiver.received().len(), 3);

    // Agents neither see nor change webhooks; nobody learns the secret again.
    let listed = app
        .api(&seed, Method::GET, "/webhooks", Some(&seed.ana), None)
        .await;
    assert_problem(listed, 403, "forbidden").await;
    let listed = json_of(
        app.api(&seed, Method::GET, "/webhooks", Some(&seed.admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["url"], receiver.url);
    assert!(listed["items"][0].get("secret").is_none(), "{listed}");
}

async fn an_endpoint_failing_for_a_day_is_turned_off_with_the_reason(backend: Backend) {
    let Some((app, seed, receiver, endpoint)) = with_endpoint(backend, &["created"]).await else {
        return;
    };
    receiver.answer(&[503; 20]);
    app.new_conversation(&seed, "+14155550124", "Hello?").await;
    for _ in 0..8 {
        app.run_due_jobs().await;
        app.state.clock.advance(chrono::Duration::hours(11));
    }
    app.run_due_jobs().await;
    assert_eq!(
        receiver.received().len(),
        8,
        "eight attempts over about a day"
    );

    let listed = json_of(
        app.api(&seed, Method::GET, "/webhooks", Some(&seed.admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["enabled"], false, "{listed}");
    let reason = listed["items"][0]["disabled_reason"].as_str().unwrap();
    assert!(reason.contains("503"), "{reason}");

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
    assert_eq!(job["kind"], "deliver_webhook", "{failed}");
    assert_eq!(job["attempts"], 8);
    assert!(
        job["last_error"].as_str().unwrap().contains("503"),
        "{failed}"
    );

    // A turned-off endpoint gets nothing more.
    app.new_conversation(&seed, "+14155550125", "Anyone?").await;
    app.run_due_jobs().await;
    assert_eq!(receiver.received().len(), 8);
    let log = deliveries(&app, &seed, &endpoint).await;
    assert_eq!(log["items"][0]["status"], "failed", "{log}");
}

#[tokio::test]
async fn redirects_are_not_followed_and_private_addresses_are_refused_by_default() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |_| {}).await else {
        return;
    };
    let seed = app.seed().await;
    let receiver = Receiver::start().await;
    let created = app
        .api(
            &seed,
            Method::POST,
            "/webhooks",
            Some(&seed.admin),
            Some(json!({ "url": receiver.url })),
        )
        .await;
    let endpoint = json_of(created, 201).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.new_conversation(&seed, "+14155550126", "Hi").await;
    app.run_due_jobs().await;
    assert!(
        receiver.received().is_empty(),
        "loopback is the server's own network"
    );
    let log = deliveries(&app, &seed, &endpoint).await;
    let error = log["items"][0]["last_error"].as_str().unwrap();
    assert!(error.contains("private address"), "{log}");
}

#[tokio::test]
async fn a_redirect_is_a_failed_attempt() {
    let Some((app, seed, receiver, endpoint)) = with_endpoint(Backend::Sqlite, &["created"]).await
    else {
        return;
    };
    receiver.answer(&[302]);
    app.new_conversation(&seed, "+14155550127", "Hi").await;
    app.run_due_jobs().await;
    let log = deliveries(&app, &seed, &endpoint).await;
    assert_eq!(log["items"][0]["response_status"], 302, "{log}");
    assert!(log["items"][0]["last_error"]
        .as_str()
        .unwrap()
        .contains("redirects are not followed"));
}

#[tokio::test]
async fn endpoints_must_be_http_urls_and_name_known_event_types() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |_| {}).await else {
        return;
    };
    let seed = app.seed().await;
    for (body, says) in [
        (json!({ "url": "ftp://crm.example/in" }), "url"),
        (json!({ "url": "javascript:alert(1)" }), "url"),
        (
            json!({ "url": "https://crm.example/in", "event_types": ["mesage"] }),
            "event_types",
        ),
    ] {
        let refused = app
            .api(
                &seed,
                Method::POST,
                "/webhooks",
                Some(&seed.admin),
                Some(body),
            )
            .await;
        let problem = assert_problem(refused, 422, "validation").await;
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{problem}"
        );
    }
    let unknown = app
        .api(
            &seed,
            Method::DELETE,
            "/webhooks/nope",
            Some(&seed.admin),
            None,
        )
        .await;
    assert_problem(unknown, 404, "not_found").await;
}

async fn an_sla_breach_reaches_the_endpoints_that_asked_for_it(backend: Backend) {
    let Some((app, seed, receiver, _)) = with_endpoint(backend, &["sla_breached"]).await else {
        return;
    };
    let sla = json!({ "sla": { "normal": { "first_response_mins": 60 } } });
    json_of(app.patch_support_inbox(&seed, sla).await, 200).await;
    let conversation = app
        .new_conversation(&seed, "+14155550125", "Is anyone there?")
        .await;
    app.settle_jobs().await;
    assert!(receiver.received().is_empty(), "nothing missed yet");

    app.state.clock.advance(chrono::Duration::minutes(61));
    app.settle_jobs().await;
    let got = receiver.received();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].verified);
    assert_eq!(got[0].body["type"], "sla_breached");
    assert_eq!(got[0].body["data"]["conversation_id"], conversation);
    assert!(
        got[0].body["data"]["due_at"].is_string(),
        "{:?}",
        got[0].body
    );
}

//! What SLA due times do for the team: the "breaching soon" filter of the
//! list (and its counts), and a breach telling the conversation's assignee,
//! or while nobody has it, the inbox's notification targets.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app, Seed, TestApp, TestUser};

on_both_backends!(
    the_breaching_soon_filter_lists_due_soon_and_overdue_conversations_with_other_filters,
    a_breach_tells_the_assignee_or_the_inboxs_targets_by_their_choice,
);

fn utc(hour: u32, minute: u32) -> DateTime<Utc> {
    // Monday 1 March 2027: the inbox has no business hours, so wall clock.
    Utc.with_ymd_and_hms(2027, 3, 1, hour, minute, 0).unwrap()
}

/// A first reply within an hour, for conversations of any priority.
async fn one_hour_to_answer(app: &TestApp, seed: &Seed) {
    let sla = json!({ "sla": { "normal": { "first_response_mins": 60 } } });
    json_of(app.patch_support_inbox(seed, sla).await, 200).await;
}

/// A customer's first text at `at`; returns the conversation.
async fn texts_at(app: &TestApp, seed: &Seed, at: DateTime<Utc>, from: &str) -> String {
    app.travel_to(at);
    app.text_from_customer(seed, from, "Hello?")
        .await
        .conversation_id()
        .unwrap()
        .to_string()
}

/// The ids `user` gets for `GET /conversations?{query}`.
async fn listed(app: &TestApp, seed: &Seed, user: &TestUser, query: &str) -> Vec<String> {
    let page = json_of(
        app.api(
            seed,
            Method::GET,
            &format!("/conversations?{query}"),
            Some(user),
            None,
        )
        .await,
        200,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

async fn act(app: &TestApp, seed: &Seed, user: &TestUser, id: &str, action: &str) {
    let path = format!("/conversations/{id}/{action}");
    json_of(
        app.api(seed, Method::POST, &path, Some(user), None).await,
        200,
    )
    .await;
}

async fn the_breaching_soon_filter_lists_due_soon_and_overdue_conversations_with_other_filters(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    one_hour_to_answer(&app, &seed).await;
    let maria = texts_at(&app, &seed, utc(10, 0), "+14155550131").await;
    let omar = texts_at(&app, &seed, utc(10, 40), "+14155550132").await;
    let lena = texts_at(&app, &seed, utc(10, 50), "+14155550133").await;
    app.settle_jobs().await;

    // At 11:15 Maria is 15 minutes overdue, Omar due in 25 minutes (under
    // half an hour: soon), Lena in 35 (fine).
    app.travel_to(utc(11, 15));
    app.settle_jobs().await;
    let ana = &seed.ana;
    assert_eq!(
        listed(&app, &seed, ana, "sla=at_risk&sort=due").await,
        [maria.clone(), omar.clone()]
    );
    assert_eq!(
        listed(&app, &seed, ana, "sla=soon").await,
        vec![omar.clone()]
    );
    assert_eq!(
        listed(&app, &seed, ana, "sla=breached").await,
        vec![maria.clone()]
    );
    let all = listed(&app, &seed, ana, "sort=due").await;
    assert_eq!(all, [maria.clone(), omar.clone(), lena.clone()]);

    // With the other filters: Ana takes Omar.
    act(&app, &seed, ana, &omar, "assign-to-me").await;
    assert_eq!(
        listed(&app, &seed, ana, "sla=at_risk&assignee=me").await,
        vec![omar.clone()]
    );
    assert_eq!(
        listed(&app, &seed, ana, "sla=at_risk&assignee=none&sort=due").await,
        vec![maria.clone()]
    );
    let inbox = format!("sla=at_risk&sort=due&inbox={}&limit=1", seed.inbox_id);
    let first = json_of(
        app.api(
            &seed,
            Method::GET,
            &format!("/conversations?{inbox}"),
            Some(ana),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(first["items"][0]["id"], maria.as_str());
    assert_eq!(first["items"][0]["sla_state"], "breached");
    let cursor = first["next_cursor"].as_str().unwrap();
    assert_eq!(
        listed(&app, &seed, ana, &format!("{inbox}&cursor={cursor}")).await,
        vec![omar.clone()]
    );

    // The counts narrow the same way.
    let counts = json_of(
        app.api(
            &seed,
            Method::GET,
            "/conversations/counts?sla=at_risk",
            Some(ana),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(counts["open"], 2, "{counts}");
    assert_eq!(counts["mine"], 1, "{counts}");
    assert_eq!(counts["unassigned"], 1, "{counts}");

    // Ten minutes on, Lena is due soon too; a done conversation never is.
    app.travel_to(utc(11, 25));
    act(&app, &seed, &seed.admin, &maria, "done").await;
    app.settle_jobs().await;
    assert_eq!(
        listed(&app, &seed, ana, "sla=at_risk&sort=due").await,
        [omar.clone(), lena.clone()]
    );

    // A word that is not a standing is refused, naming the parameter.
    let bad = app
        .api(
            &seed,
            Method::GET,
            "/conversations?sla=late",
            Some(ana),
            None,
        )
        .await;
    let problem = assert_problem(bad, 422, "validation").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("sla") && detail.contains("at_risk"),
        "{detail}"
    );
}

/// `user`'s notifications of `trigger`, newest first.
async fn told(app: &TestApp, seed: &Seed, user: &TestUser, trigger: &str) -> Vec<Value> {
    let centre = json_of(
        app.api(seed, Method::GET, "/me/notifications", Some(user), None)
            .await,
        200,
    )
    .await;
    centre["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["trigger"] == trigger)
        .cloned()
        .collect()
}

async fn preferences(app: &TestApp, seed: &Seed, user: &TestUser, body: Option<Value>) -> Value {
    let method = if body.is_some() {
        Method::PUT
    } else {
        Method::GET
    };
    let path = "/me/notification-preferences";
    json_of(app.api(seed, method, path, Some(user), body).await, 200).await
}

async fn a_breach_tells_the_assignee_or_the_inboxs_targets_by_their_choice(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    one_hour_to_answer(&app, &seed).await;
    assert_eq!(
        preferences(&app, &seed, &seed.ana, None).await["sla_breached"],
        "in_app",
        "in-app until chosen"
    );
    let off = json!({ "sla_breached": "off" });
    assert_eq!(
        preferences(&app, &seed, &seed.ben, Some(off)).await["sla_breached"],
        "off"
    );

    // Ben has Maria's conversation; Omar's is nobody's.
    let maria = texts_at(&app, &seed, utc(10, 0), "+14155550141").await;
    act(&app, &seed, &seed.ben, &maria, "assign-to-me").await;
    let omar = texts_at(&app, &seed, utc(10, 5), "+14155550142").await;
    app.settle_jobs().await;
    assert!(told(&app, &seed, &seed.ana, "sla_breached")
        .await
        .is_empty());

    // Both miss their hour.
    app.travel_to(utc(11, 10));
    app.settle_jobs().await;
    // Ben turned breaches off: his own overdue conversation tells him nothing.
    assert!(told(&app, &seed, &seed.ben, "sla_breached")
        .await
        .is_empty());
    // Ana is among the inbox's targets: she hears of the unassigned one only.
    let anas = told(&app, &seed, &seed.ana, "sla_breached").await;
    assert_eq!(anas.len(), 1, "{anas:?}");
    assert_eq!(anas[0]["conversation_id"], omar.as_str());
    let text = anas[0]["text"].as_str().unwrap();
    assert!(text.contains("overdue"), "{text}");

    // Ben turns them back on and takes Lena's new conversation: missed,
    // it tells him, and Ana hears nothing more (it is not unassigned).
    let on = json!({ "sla_breached": "in_app" });
    preferences(&app, &seed, &seed.ben, Some(on)).await;
    let lena = texts_at(&app, &seed, utc(12, 0), "+14155550143").await;
    act(&app, &seed, &seed.ben, &lena, "assign-to-me").await;
    app.settle_jobs().await;
    app.travel_to(utc(13, 1));
    app.settle_jobs().await;
    let bens = told(&app, &seed, &seed.ben, "sla_breached").await;
    assert_eq!(bens.len(), 1, "{bens:?}");
    assert_eq!(bens[0]["conversation_id"], lena.as_str());
    assert_eq!(told(&app, &seed, &seed.ana, "sla_breached").await.len(), 1);
    // Maria's breach was recorded while Ben listened to nothing: it stays untold.
    assert!(bens.iter().all(|n| n["conversation_id"] != maria.as_str()));
}

//! SLA targets: admins set response and resolution targets per priority;
//! a customer's text makes the conversation due (in business hours when the
//! inbox has them), a reply clears it, and passing the due time records one
//! `sla_breached` event.

use chrono::{DateTime, DurationRound, TimeZone, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app, Seed, TestApp};

on_both_backends!(
    admins_set_sla_targets_and_members_read_them,
    bad_sla_targets_are_refused_naming_the_field_and_nothing_is_saved,
    a_text_is_due_a_reply_in_business_hours_and_a_missed_one_is_one_breach,
);

fn targets() -> Value {
    json!({
        "normal": { "first_response_mins": 60, "next_response_mins": 240, "resolution_mins": 2880 },
        "urgent": { "first_response_mins": 15 },
    })
}

async fn set_sla(app: &TestApp, seed: &Seed, sla: Value) -> reqwest::Response {
    app.patch_support_inbox(seed, json!({ "sla": sla })).await
}

async fn admins_set_sla_targets_and_members_read_them(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}", seed.inbox_id);
    let before = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    assert_eq!(before["sla"], Value::Null, "none until an admin sets them");

    let saved = json_of(set_sla(&app, &seed, targets()).await, 200).await;
    assert_eq!(saved["sla"]["normal"]["first_response_mins"], 60);
    assert_eq!(saved["sla"]["normal"]["resolution_mins"], 2880);
    assert_eq!(saved["sla"]["urgent"]["first_response_mins"], 15);
    assert_eq!(saved["sla"]["urgent"]["resolution_mins"], Value::Null);
    assert_eq!(saved["sla"]["low"]["first_response_mins"], Value::Null);

    let read = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    assert_eq!(read["sla"], saved["sla"]);
    let refused = app
        .api(
            &seed,
            Method::PATCH,
            &path,
            Some(&seed.ana),
            Some(json!({ "sla": targets() })),
        )
        .await;
    let problem = assert_problem(refused, 403, "forbidden").await;
    assert!(problem["detail"].as_str().unwrap().contains("sla"));
}

async fn bad_sla_targets_are_refused_naming_the_field_and_nothing_is_saved(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}", seed.inbox_id);
    let cases = [
        (
            json!({ "normal": { "first_response_mins": 0 } }),
            "sla.normal.first_response_mins",
        ),
        (
            json!({ "high": { "next_response_mins": -30 } }),
            "sla.high.next_response_mins",
        ),
        (
            json!({ "urgent": { "resolution_mins": 10_000_000 } }),
            "sla.urgent.resolution_mins",
        ),
    ];
    for (sla, field) in cases {
        let body = json!({ "name": "Renamed", "sla": sla });
        let response = app
            .api(&seed, Method::PATCH, &path, Some(&seed.admin), Some(body))
            .await;
        let problem = assert_problem(response, 422, "validation").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with(field), "{field}: {detail}");
    }
    // Unknown priorities and fields are refused too.
    let response = set_sla(&app, &seed, json!({ "critical": {} })).await;
    assert!(response.status().is_client_error());
    let inbox = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(inbox["name"], "Support");
    assert_eq!(inbox["sla"], Value::Null);
}

fn utc(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, month, day, hour, minute, 0)
        .unwrap()
}

async fn detail(app: &TestApp, seed: &Seed, conversation: &str) -> Value {
    let path = format!("/conversations/{conversation}");
    json_of(
        app.api(seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await
}

async fn breaches(app: &TestApp, seed: &Seed, conversation: &str) -> Vec<Value> {
    app.timeline_items(seed, &seed.ana, conversation, "sla_breached")
        .await
}

/// A time from the API, to the nearest minute (the test clock lands a
/// few milliseconds either side of where it travels to).
fn time(value: &Value) -> DateTime<Utc> {
    let at: DateTime<Utc> = value.as_str().unwrap().parse().unwrap();
    at.duration_round(chrono::Duration::minutes(1)).unwrap()
}

async fn a_text_is_due_a_reply_in_business_hours_and_a_missed_one_is_one_breach(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    json_of(set_sla(&app, &seed, targets()).await, 200).await;

    // Wall clock while the inbox has no hours: Monday 2027-03-01 10:00 UTC
    // is due a first reply at 11:00.
    app.travel_to(utc(3, 1, 10, 0));
    let maria = app
        .text_from_customer(&seed, "+14155550121", "Where is my parcel?")
        .await
        .conversation_id()
        .unwrap()
        .to_string();
    app.settle_jobs().await;
    let open = detail(&app, &seed, &maria).await;
    assert_eq!(time(&open["sla_due_at"]), utc(3, 1, 11, 0));
    assert_eq!(open["sla_state"], "ok");

    // With 29 minutes left (under half an hour) it is due soon.
    app.travel_to(utc(3, 1, 10, 31));
    let soon = detail(&app, &seed, &maria).await;
    assert_eq!(soon["sla_state"], "soon");

    // A reply clears the response clock; the resolution clock (two days) remains.
    let reply = json!({ "kind": "reply", "body": "On its way!" });
    let path = format!("/conversations/{maria}/messages");
    json_of(
        app.api(&seed, Method::POST, &path, Some(&seed.ana), Some(reply))
            .await,
        201,
    )
    .await;
    app.settle_jobs().await;
    let answered = detail(&app, &seed, &maria).await;
    assert_eq!(time(&answered["sla_due_at"]), utc(3, 3, 10, 0));
    assert_eq!(answered["sla_state"], "ok");

    // She writes again: the next reply is due within four hours.
    app.travel_to(utc(3, 1, 12, 0));
    app.text_from_customer(&seed, "+14155550121", "Thanks, and the invoice?")
        .await;
    app.settle_jobs().await;
    let again = detail(&app, &seed, &maria).await;
    assert_eq!(time(&again["sla_due_at"]), utc(3, 1, 16, 0));

    // Nobody answers: past due, one breach, however often the jobs run.
    app.travel_to(utc(3, 1, 16, 1));
    app.settle_jobs().await;
    app.settle_jobs().await;
    let breached = breaches(&app, &seed, &maria).await;
    assert_eq!(breached.len(), 1, "{breached:?}");
    assert_eq!(time(&breached[0]["due_at"]), utc(3, 1, 16, 0));
    let late = detail(&app, &seed, &maria).await;
    assert_eq!(late["sla_state"], "breached");

    // Done: nothing is due any more.
    let done = format!("/conversations/{maria}/done");
    app.api(&seed, Method::POST, &done, Some(&seed.ana), None)
        .await;
    app.settle_jobs().await;
    let resolved = detail(&app, &seed, &maria).await;
    assert_eq!(resolved["sla_due_at"], Value::Null);
    assert_eq!(resolved["sla_state"], Value::Null);

    // With business hours the clock stops overnight: nine to five in New
    // York (EST, UTC-5). A text at 16:30 on Tuesday is due at 09:30 on
    // Wednesday (14:30 UTC), not at 17:30.
    let day = json!([["09:00", "17:00"]]);
    let hours = json!({
        "enabled": false,
        "time_zone": "America/New_York",
        "hours": { "mon": day, "tue": day, "wed": day, "thu": day, "fri": day },
    });
    let path = format!("/inboxes/{}", seed.inbox_id);
    json_of(
        app.api(
            &seed,
            Method::PATCH,
            &path,
            Some(&seed.admin),
            Some(json!({ "out_of_office": hours })),
        )
        .await,
        200,
    )
    .await;
    app.travel_to(utc(3, 2, 21, 30));
    let omar = app
        .text_from_customer(&seed, "+14155550122", "Hello")
        .await
        .conversation_id()
        .unwrap()
        .to_string();
    app.settle_jobs().await;
    let overnight = detail(&app, &seed, &omar).await;
    assert_eq!(time(&overnight["sla_due_at"]), utc(3, 3, 14, 30));
    // The night passes without a breach: the clock is stopped.
    app.travel_to(utc(3, 3, 13, 0));
    app.settle_jobs().await;
    assert!(breaches(&app, &seed, &omar).await.is_empty());
    assert_eq!(detail(&app, &seed, &omar).await["sla_state"], "ok");

    // The list sorted by due time: Omar (due) before Maria (done, nothing due).
    let listed = json_of(
        app.api(
            &seed,
            Method::GET,
            "/conversations?view=all&sort=due",
            Some(&seed.ana),
            None,
        )
        .await,
        200,
    )
    .await;
    let items = listed["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [omar.as_str(), maria.as_str()]);
    assert_eq!(items[0]["sla_state"], "ok");
    assert_eq!(items[1]["sla_due_at"], Value::Null);
}

//! Compose: writing first to a customer.

use serde_json::{json, Value};
use store::Backend;

use super::{get, ids, post};
use crate::helpers::{assert_problem, json_of, spawn_app};

on_both_backends!(
    composing_creates_a_conversation_waiting_in_done_until_the_customer_answers,
    composing_to_a_contact_with_an_open_conversation_continues_it,
);

async fn composing_creates_a_conversation_waiting_in_done_until_the_customer_answers(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let body = json!({ "inbox_api_code": "support", "to": "(415) 555-0177", "body": "Your part has arrived" });
    let composed = json_of(
        post(&app, &seed, &seed.ana, "/conversations", Some(body)).await,
        201,
    )
    .await;
    let id = composed["id"].as_str().unwrap().to_string();
    assert_eq!(composed["status"], "resolved");
    assert_eq!(composed["assignee_id"], seed.ana.id.as_str());
    assert_eq!(composed["channel_id"], seed.channel.id.as_str());
    assert_eq!(composed["message"]["kind"], "outbound");
    assert_eq!(composed["message"]["delivery_status"], "queued");
    assert_eq!(
        ids(&get(&app, &seed, &seed.ana, "/conversations?view=done").await),
        [id.as_str()]
    );

    // The simulator delivers it.
    assert!(app.run_due_jobs().await >= 1);
    let timeline = get(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/timeline"),
    )
    .await;
    let types: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["created", "assigned", "message", "delivery"]);
    let detail = get(&app, &seed, &seed.ana, &format!("/conversations/{id}")).await;
    assert_eq!(detail["contact"]["phone"], "+14155550177");

    // The customer answers: the same conversation opens in Ana's queue.
    let answer = app
        .text_from_customer(&seed, "+14155550177", "Great, thanks")
        .await;
    assert_eq!(answer.conversation_id().unwrap().as_str(), id);
    assert_eq!(
        ids(&get(&app, &seed, &seed.ana, "/conversations?assignee=me").await),
        [id]
    );

    // Someone outside the inbox cannot write from it, and a bad number is named.
    let outsider = post(
        &app,
        &seed,
        &seed.outsider,
        "/conversations",
        Some(json!({ "inbox_id": seed.inbox_id, "to": "+14155550178", "body": "Hi" })),
    )
    .await;
    assert_problem(outsider, 404, "not_found").await;
    let bad = post(
        &app,
        &seed,
        &seed.ana,
        "/conversations",
        Some(json!({ "inbox_id": seed.inbox_id, "to": "12345", "body": "Hi" })),
    )
    .await;
    let problem = assert_problem(bad, 422, "validation").await;
    assert!(
        problem["detail"].as_str().unwrap().starts_with("to:"),
        "{problem}"
    );
    let neither = post(
        &app,
        &seed,
        &seed.ana,
        "/conversations",
        Some(json!({ "to": "+14155550178", "body": "Hi" })),
    )
    .await;
    assert_problem(neither, 422, "validation").await;
}

async fn composing_to_a_contact_with_an_open_conversation_continues_it(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hello?").await;
    let body =
        json!({ "inbox_id": seed.inbox_id, "to": "+14155550123", "body": "Hi, following up" });
    let composed = json_of(
        post(&app, &seed, &seed.ben, "/conversations", Some(body.clone())).await,
        200,
    )
    .await;
    assert_eq!(composed["id"], id.as_str());
    assert_eq!(composed["status"], "open", "a reply moves new to open");
    assert_eq!(
        composed["assignee_id"],
        Value::Null,
        "continuing takes nobody's conversation"
    );

    // Ana's reply lock holds for compose too.
    json_of(
        post(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{id}/lock"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_problem(
        post(&app, &seed, &seed.ben, "/conversations", Some(body)).await,
        409,
        "conflict_locked",
    )
    .await;
}

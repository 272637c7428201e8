//! The conversations API: the queue's filters, pages and counts, compose,
//! the buttons' edges, links, read cursors, permalinks, and what is refused.
//! The tests are grouped by concept in the submodules; the helpers they
//! share are here.

mod access;
mod changes;
mod closed;
mod compose;
mod counters;
mod queue;
mod reading;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{json_of, Seed, TestApp, TestUser};

async fn get(app: &TestApp, seed: &Seed, user: &TestUser, path: &str) -> Value {
    json_of(
        app.api(seed, Method::GET, path, Some(user), None).await,
        200,
    )
    .await
}

async fn post(
    app: &TestApp,
    seed: &Seed,
    user: &TestUser,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    app.api(seed, Method::POST, path, Some(user), body).await
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

/// Three conversations: one Ana's (high priority, tagged billing), one
/// Ben's, one unassigned.
async fn three_conversations(app: &TestApp, seed: &Seed) -> (String, String, String) {
    let anas = app
        .new_conversation(seed, "+14155550101", "My invoice is wrong")
        .await;
    let bens = app
        .new_conversation(seed, "+14155550102", "The tap drips")
        .await;
    let nobodys = app
        .new_conversation(seed, "+14155550103", "Do you work weekends?")
        .await;
    json_of(
        post(
            app,
            seed,
            &seed.ana,
            &format!("/conversations/{anas}/assign-to-me"),
            None,
        )
        .await,
        200,
    )
    .await;
    json_of(
        post(
            app,
            seed,
            &seed.ben,
            &format!("/conversations/{bens}/assign-to-me"),
            None,
        )
        .await,
        200,
    )
    .await;
    let patch = app
        .api(
            seed,
            Method::PATCH,
            &format!("/conversations/{anas}"),
            Some(&seed.ana),
            Some(json!({ "priority": "high" })),
        )
        .await;
    json_of(patch, 200).await;
    let tags = app
        .api(
            seed,
            Method::PUT,
            &format!("/conversations/{anas}/tags"),
            Some(&seed.ana),
            Some(json!({ "tags": ["Billing"] })),
        )
        .await;
    json_of(tags, 200).await;
    (anas, bens, nobodys)
}

/// Every row of API.md's Conversations table, and the live events, are in
/// the OpenAPI document the code generates.
#[test]
fn every_conversation_route_is_described_in_the_openapi_document() {
    let document = serde_json::to_value(switchboard_server::http::api::document()).unwrap();
    let ws = "/api/v1/workspaces/{ws}";
    let routes = [
        ("get", "/conversations"),
        ("post", "/conversations"),
        ("get", "/conversations/counts"),
        ("get", "/conversations/{id}"),
        ("patch", "/conversations/{id}"),
        ("get", "/conversations/{id}/timeline"),
        ("post", "/conversations/{id}/messages"),
        ("post", "/conversations/{id}/assign-to-me"),
        ("post", "/conversations/{id}/transfer"),
        ("post", "/conversations/{id}/return-to-inbox"),
        ("post", "/conversations/{id}/assign"),
        ("post", "/conversations/{id}/done"),
        ("post", "/conversations/{id}/reopen"),
        ("post", "/conversations/{id}/snooze"),
        ("post", "/conversations/{id}/status"),
        ("put", "/conversations/{id}/tags"),
        ("post", "/conversations/{id}/links"),
        ("delete", "/conversations/{id}/links/{link}"),
        ("post", "/conversations/{id}/lock"),
        ("delete", "/conversations/{id}/lock"),
        ("post", "/conversations/{id}/read"),
        ("get", "/messages/{id}"),
        ("get", "/events"),
    ];
    for (method, path) in routes {
        let operation = &document["paths"][format!("{ws}{path}")][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        let tag = if path == "/events" {
            "events"
        } else {
            "conversations"
        };
        assert_eq!(operation["tags"][0], tag, "{method} {path}");
    }
}

//! Canned replies: personal and shared, found by shortcut prefix, filled in
//! for a conversation, and the refusals that keep them tidy.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app, Seed, TestApp, TestUser};

on_both_backends!(agents_keep_their_own_replies_and_share_the_workspaces);

async fn save(app: &TestApp, seed: &Seed, who: &TestUser, body: Value) -> reqwest::Response {
    app.api(seed, Method::POST, "/canned-replies", Some(who), Some(body))
        .await
}

async fn shortcuts(app: &TestApp, seed: &Seed, who: &TestUser, query: &str) -> Vec<Value> {
    let path = format!("/canned-replies{query}");
    let list = json_of(
        app.api(seed, Method::GET, &path, Some(who), None).await,
        200,
    )
    .await;
    list["items"].as_array().unwrap().clone()
}

async fn agents_keep_their_own_replies_and_share_the_workspaces(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let mine = json!({ "shortcut": "/Thanks", "body": "Thanks {{contact.first_name}}! — {{agent.first_name}}" });
    let thanks = json_of(save(&app, &seed, &seed.ana, mine).await, 201).await;
    assert_eq!(
        thanks["shortcut"], "thanks",
        "stored without the slash, in lower case"
    );
    assert_eq!(thanks["shared"], false);
    let shared = json!({
        "shortcut": "refund", "shared": true,
        "body": "Hi {{ contact.first_name }}, {{inbox.name}} has sent your refund.",
    });
    let refund = json_of(save(&app, &seed, &seed.admin, shared).await, 201).await;

    // Ana sees both; Ben only the shared one.
    let names = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|i| i["shortcut"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(&shortcuts(&app, &seed, &seed.ana, "").await),
        ["refund", "thanks"]
    );
    assert_eq!(
        names(&shortcuts(&app, &seed, &seed.ben, "").await),
        ["refund"]
    );
    assert_eq!(
        names(&shortcuts(&app, &seed, &seed.ana, "?q=th").await),
        ["thanks"]
    );

    // Filled in for a conversation: the contact has no name yet.
    let conversation = app
        .new_conversation(&seed, "+14155550123", "Where is my money?")
        .await;
    let query = format!("?q=&conversation_id={conversation}");
    let filled = shortcuts(&app, &seed, &seed.ana, &query).await;
    assert_eq!(
        filled[0]["rendered"],
        "Hi there, Support has sent your refund."
    );
    assert_eq!(filled[1]["rendered"], "Thanks there! — Ana");

    // Ana cannot change the shared one; Ben cannot even see Ana's.
    let path = format!("/canned-replies/{}", refund["id"].as_str().unwrap());
    let change = json!({ "body": "Refunded." });
    let refused = app
        .api(
            &seed,
            Method::PATCH,
            &path,
            Some(&seed.ana),
            Some(change.clone()),
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
    let changed = app
        .api(&seed, Method::PATCH, &path, Some(&seed.admin), Some(change))
        .await;
    assert_eq!(json_of(changed, 200).await["body"], "Refunded.");
    let path = format!("/canned-replies/{}", thanks["id"].as_str().unwrap());
    let hidden = app
        .api(&seed, Method::DELETE, &path, Some(&seed.ben), None)
        .await;
    assert_problem(hidden, 404, "not_found").await;
    let gone = app
        .api(&seed, Method::DELETE, &path, Some(&seed.ana), None)
        .await;
    assert_eq!(gone.status(), 204);
    assert_eq!(
        names(&shortcuts(&app, &seed, &seed.ana, "").await),
        ["refund"]
    );
}

#[tokio::test]
async fn bad_replies_are_refused_naming_the_field() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let seed = app.seed().await;
    let unknown = json!({ "shortcut": "hi", "body": "Hi {{contact.nickname}}" });
    let body = assert_problem(
        save(&app, &seed, &seed.ana, unknown).await,
        422,
        "validation",
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("contact.nickname"),
        "{body}"
    );
    let spaced = json!({ "shortcut": "two words", "body": "Hi" });
    let body = assert_problem(
        save(&app, &seed, &seed.ana, spaced).await,
        422,
        "validation",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("shortcut"),
        "{body}"
    );
    let empty = json!({ "shortcut": "hi", "body": "  " });
    assert_problem(save(&app, &seed, &seed.ana, empty).await, 422, "validation").await;
    // An agent cannot share with the workspace.
    let shared = json!({ "shortcut": "hi", "body": "Hi", "shared": true });
    assert_problem(save(&app, &seed, &seed.ana, shared).await, 403, "forbidden").await;
    // One shortcut once per owner; the same word shared and personal may both exist.
    let hi = json!({ "shortcut": "hi", "body": "Hi" });
    json_of(save(&app, &seed, &seed.ana, hi.clone()).await, 201).await;
    let again = save(&app, &seed, &seed.ana, hi).await;
    let body = assert_problem(again, 409, "shortcut_taken").await;
    assert!(body["detail"].as_str().unwrap().contains("/hi"), "{body}");
    let shared = json!({ "shortcut": "hi", "body": "Hello", "shared": true });
    json_of(save(&app, &seed, &seed.admin, shared).await, 201).await;
}

//! Personal API tokens: shown once, listed without their secret, revoked
//! only by their owner.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, spawn_app};

on_both_backends!(
    tokens_are_shown_once_listed_without_their_secret_and_work_as_bearer,
    a_token_can_be_revoked_only_by_its_owner,
    a_token_records_its_use_at_most_once_a_minute,
);

async fn a_token_records_its_use_at_most_once_a_minute(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let url = app.url("/api/v1/tokens");
    let made = app
        .request(
            Method::POST,
            &url,
            Some(&seed.ana),
            Some(json!({ "name": "CRM" })),
        )
        .await;
    let made: Value = made.json().await.unwrap();
    let secret = made["token"].as_str().unwrap().to_string();
    let last_used = || async {
        let listed = app.request(Method::GET, &url, Some(&seed.ana), None).await;
        let listed: Value = listed.json().await.unwrap();
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "CRM")
            .unwrap()["last_used_at"]
            .clone()
    };
    let use_token = || async {
        let me = app
            .client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
    };
    assert_eq!(last_used().await, Value::Null, "never used yet");
    use_token().await;
    let first = last_used().await;
    assert!(first.is_string(), "{first}");
    app.state.clock.advance(chrono::Duration::seconds(30));
    use_token().await;
    assert_eq!(
        last_used().await,
        first,
        "not written again within a minute"
    );
    app.state.clock.advance(chrono::Duration::seconds(31));
    use_token().await;
    let later = last_used().await;
    assert_ne!(later, first, "written again after a minute");
}

async fn tokens_are_shown_once_listed_without_their_secret_and_work_as_bearer(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let url = app.url("/api/v1/tokens");
    let made = app
        .request(
            Method::POST,
            &url,
            Some(&seed.ana),
            Some(json!({ "name": " Zapier " })),
        )
        .await;
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    assert_eq!(made["name"], "Zapier");
    let secret = made["token"].as_str().unwrap().to_string();
    assert!(made["created_at"].is_string());

    let listed = app.request(Method::GET, &url, Some(&seed.ana), None).await;
    assert_eq!(listed.status(), 200);
    let text = listed.text().await.unwrap();
    assert!(
        !text.contains(&secret),
        "the secret is never listed: {text}"
    );
    let listed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(listed["next_cursor"], Value::Null);
    let names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tests", "Zapier"]);
    assert!(listed["items"][1].get("token").is_none());

    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], seed.ana.id);

    let blank = app
        .request(
            Method::POST,
            &url,
            Some(&seed.ana),
            Some(json!({ "name": "" })),
        )
        .await;
    assert_problem(blank, 422, "validation").await;
    let extra = app
        .request(
            Method::POST,
            &url,
            Some(&seed.ana),
            Some(json!({ "name": "x", "scope": "all" })),
        )
        .await;
    assert_eq!(extra.status(), 422);
}

async fn a_token_can_be_revoked_only_by_its_owner(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let made: Value = app
        .request(
            Method::POST,
            &app.url("/api/v1/tokens"),
            Some(&seed.ana),
            Some(json!({ "name": "script" })),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = made["token"].as_str().unwrap();
    let one = app.url(&format!("/api/v1/tokens/{}", made["id"].as_str().unwrap()));

    for other in [&seed.ben, &seed.owner, &seed.stranger] {
        let response = app.request(Method::DELETE, &one, Some(other), None).await;
        assert_problem(response, 404, "not_found").await;
    }
    let gone = app
        .request(Method::DELETE, &one, Some(&seed.ana), None)
        .await;
    assert_eq!(gone.status(), 204);
    let again = app
        .request(Method::DELETE, &one, Some(&seed.ana), None)
        .await;
    assert_problem(again, 404, "not_found").await;

    let revoked = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    assert_problem(revoked, 401, "unauthenticated").await;
}

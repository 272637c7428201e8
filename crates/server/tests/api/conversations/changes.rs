//! Links, tags, subject and priority.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::{get, post};
use crate::helpers::{assert_problem, json_of, spawn_app};

on_both_backends!(
    links_tags_subject_and_priority_are_kept_and_shown,
    a_link_must_be_an_http_url,
);

async fn links_tags_subject_and_priority_are_kept_and_shown(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    let link = json!({ "kind": "ticket", "external_id": "T-42", "url": "https://tickets.example.com/42", "title": "Leak" });
    let added = json_of(
        post(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{id}/links"),
            Some(link),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(added["kind"], "ticket");
    let patched = app
        .api(
            &seed,
            Method::PATCH,
            &format!("/conversations/{id}"),
            Some(&seed.ana),
            Some(json!({ "subject": "Kitchen leak", "priority": "urgent" })),
        )
        .await;
    let patched = json_of(patched, 200).await;
    assert_eq!(
        (patched["subject"].as_str(), patched["priority"].as_str()),
        (Some("Kitchen leak"), Some("urgent"))
    );
    assert_eq!(patched["status"], "open", "editing is agent activity");
    let tagged = app
        .api(
            &seed,
            Method::PUT,
            &format!("/conversations/{id}/tags"),
            Some(&seed.ana),
            Some(json!({ "tags": ["VIP", "leak", "vip"] })),
        )
        .await;
    assert_eq!(json_of(tagged, 200).await["tags"], json!(["leak", "vip"]));

    let detail = get(&app, &seed, &seed.ben, &format!("/conversations/{id}")).await;
    assert_eq!(detail["links"][0]["url"], "https://tickets.example.com/42");
    assert_eq!(detail["links"][0]["title"], "Leak");
    assert_eq!(detail["subject"], "Kitchen leak");
    assert_eq!(detail["inbox"]["api_code"], "support");
    assert_eq!(detail["contact"]["phone"], "+14155550123");

    // Clearing the subject; removing the link (twice: the second is not found).
    let cleared = app
        .api(
            &seed,
            Method::PATCH,
            &format!("/conversations/{id}"),
            Some(&seed.ana),
            Some(json!({ "subject": null })),
        )
        .await;
    assert_eq!(json_of(cleared, 200).await["subject"], Value::Null);
    let path = format!(
        "/conversations/{id}/links/{}",
        added["id"].as_str().unwrap()
    );
    assert_eq!(
        app.api(&seed, Method::DELETE, &path, Some(&seed.ana), None)
            .await
            .status(),
        204
    );
    assert_problem(
        app.api(&seed, Method::DELETE, &path, Some(&seed.ana), None)
            .await,
        404,
        "not_found",
    )
    .await;
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
    assert_eq!(
        types,
        [
            "created",
            "message",
            "linked",
            "subject_changed",
            "priority_changed",
            "status_changed",
            "tags_changed",
            "subject_changed",
            "unlinked"
        ]
    );
}

async fn a_link_must_be_an_http_url(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    let link = json!({ "kind": "other", "external_id": "x", "url": "javascript:alert(1)" });
    let problem = assert_problem(
        post(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{id}/links"),
            Some(link),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("url"),
        "{problem}"
    );
    let link = json!({ "kind": "crm", "external_id": "x", "url": "https://x.example" });
    assert_problem(
        post(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{id}/links"),
            Some(link),
        )
        .await,
        422,
        "validation",
    )
    .await;
}

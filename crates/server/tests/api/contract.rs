//! The API answers as its contract says: query parameters are checked like
//! JSON fields, an empty value is no value, and every refusal, a webhook's
//! included, is problem+json with one code for one mistake.

use reqwest::Method;
use store::Backend;

use crate::helpers::{assert_problem, spawn_app, spawn_twilio_app};

mod document;

on_both_backends!(
    an_unknown_query_parameter_is_refused_naming_it,
    an_empty_cursor_reads_the_first_page,
    malformed_json_and_a_bad_query_share_the_validation_code,
    a_body_that_is_not_json_is_a_415_problem,
    a_webhook_body_over_the_limit_is_a_413_problem,
);

async fn an_unknown_query_parameter_is_refused_naming_it(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    // `owner` is not a filter of contacts: listing everyone would mislead.
    for (path, name) in [
        ("/contacts?owner=me", "owner"),
        ("/conversations?asignee=me", "asignee"),
        ("/conversations/counts?colour=red", "colour"),
    ] {
        let response = app
            .api(&seed, Method::GET, path, Some(&seed.ana), None)
            .await;
        let problem = assert_problem(response, 400, "validation").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("`{name}`")), "{path}: {detail}");
    }
}

async fn an_empty_cursor_reads_the_first_page(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    for path in [
        "/contacts?cursor=",
        "/conversations?cursor=&limit=",
        "/contacts?q=&cursor=",
    ] {
        let response = app
            .api(&seed, Method::GET, path, Some(&seed.ana), None)
            .await;
        assert_eq!(response.status(), 200, "{path}");
        let page: serde_json::Value = response.json().await.unwrap();
        assert!(page["items"].is_array(), "{path}: {page}");
    }
}

async fn malformed_json_and_a_bad_query_share_the_validation_code(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let response = app
        .client
        .post(format!(
            "{}/api/v1/workspaces/{}/contacts",
            app.address, seed.workspace_id
        ))
        .bearer_auth(&seed.ana.token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_problem(response, 400, "validation").await;
    let response = app
        .api(
            &seed,
            Method::GET,
            "/contacts?limit=many",
            Some(&seed.ana),
            None,
        )
        .await;
    assert_problem(response, 400, "validation").await;
}

async fn a_body_that_is_not_json_is_a_415_problem(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = app
            .client
            .post(format!(
                "{}/api/v1/workspaces/{}/contacts",
                app.address, seed.workspace_id
            ))
            .bearer_auth(&seed.ana.token)
            .body("{\"name\": \"Jane\"}");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        assert_problem(response, 415, "unsupported_media_type").await;
    }
}

async fn a_webhook_body_over_the_limit_is_a_413_problem(backend: Backend) {
    let Some((app, standin)) = spawn_twilio_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let channel = app.twilio_channel(&seed, &standin).await;
    let response = app
        .client
        .post(app.twilio_hook(&channel, "sms"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'x'; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_problem(response, 413, "payload_too_large").await;
}

//! `/healthz` and `/readyz`.

use store::Backend;

use crate::helpers::{assert_problem, spawn_app};

on_both_backends!(
    healthz_answers_ok,
    readyz_answers_ok_while_the_database_answers,
    readyz_answers_503_problem_json_once_the_database_is_gone,
);

async fn healthz_answers_ok(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

async fn readyz_answers_ok_while_the_database_answers(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));
}

async fn readyz_answers_503_problem_json_once_the_database_is_gone(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.store.close().await;
    let body = assert_problem(app.get("/readyz").await, 503, "unavailable").await;
    assert_eq!(body["detail"], "The database is not reachable.");
}

//! Every error answer is `application/problem+json`, wherever it comes from.

use store::Backend;

use crate::helpers::{assert_problem, spawn_app};

on_both_backends!(
    an_unknown_route_is_a_404_problem,
    a_wrong_method_is_a_405_problem_that_keeps_the_allow_header,
    a_body_over_the_limit_is_a_413_problem,
);

async fn an_unknown_route_is_a_404_problem(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let body = assert_problem(app.get("/no/such/thing").await, 404, "not_found").await;
    assert_eq!(body["title"], "Not Found");
    assert_eq!(body["detail"], "No resource at /no/such/thing.");
}

async fn a_wrong_method_is_a_405_problem_that_keeps_the_allow_header(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let response = app
        .client
        .delete(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    let allow = response.headers().get("allow").cloned();
    assert_problem(response, 405, "method_not_allowed").await;
    let allow = allow.expect("an Allow header");
    assert!(allow.to_str().unwrap().contains("GET"), "{allow:?}");
}

async fn a_body_over_the_limit_is_a_413_problem(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let too_big = vec![b'x'; 1024 * 1024 + 1];
    let response = app
        .client
        .post(format!("{}/healthz", app.address))
        .body(too_big)
        .send()
        .await
        .unwrap();
    assert_problem(response, 413, "payload_too_large").await;
}

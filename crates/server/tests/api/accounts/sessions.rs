//! Logging in and out: the cookie, CSRF, one answer for bad credentials,
//! renewal, and `me` (throttling is in `throttling`).

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::{session_set_cookie, PASSWORD};
use crate::helpers::{assert_problem, email_of, spawn_app};

on_both_backends!(
    logging_in_sets_an_http_only_same_site_lax_cookie_that_me_accepts,
    a_cookie_write_without_the_csrf_header_is_refused_and_with_it_succeeds,
    a_wrong_password_and_an_unknown_address_get_the_same_401,
    logging_out_ends_the_session,
    a_session_is_renewed_on_use_at_most_once_an_hour_and_expires_unused,
    me_with_a_token_has_no_csrf_token_and_lists_the_workspaces,
);

async fn logging_in_sets_an_http_only_same_site_lax_cookie_that_me_accepts(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    assert_problem(app.me().await, 401, "unauthenticated").await;

    // Any case of the address logs in.
    let response = app.post_session("ANA@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookie = session_set_cookie(&response).expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    // The test app's public URL is http: a Secure cookie would never come back.
    assert!(!cookie.contains("Secure"), "{cookie}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["id"], seed.ana.id);
    assert_eq!(body["user"]["name"], "Ana Lima");

    let me = app.me().await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], seed.ana.id);
    assert_eq!(me["email"], "ana@example.com");
    assert_eq!(me["csrf_token"], body["csrf_token"]);
    assert_eq!(
        me["workspaces"],
        json!([{ "id": seed.workspace_id, "name": "Acme Plumbing", "role": "agent" }])
    );
}

async fn a_cookie_write_without_the_csrf_header_is_refused_and_with_it_succeeds(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    let csrf = app.login(&email_of(&seed.ana), PASSWORD).await;

    let without = app
        .client
        .post(app.url("/api/v1/tokens"))
        .json(&json!({ "name": "script" }))
        .send()
        .await
        .unwrap();
    assert_problem(without, 403, "csrf").await;
    let wrong = app
        .client
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", "csrf_not-the-one")
        .json(&json!({ "name": "script" }))
        .send()
        .await
        .unwrap();
    assert_problem(wrong, 403, "csrf").await;

    let with = app
        .client
        .post(app.url("/api/v1/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "name": "script" }))
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 201);
}

async fn a_wrong_password_and_an_unknown_address_get_the_same_401(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;

    let wrong = app
        .post_session("ana@example.com", "not the password")
        .await;
    assert!(session_set_cookie(&wrong).is_none());
    let wrong = assert_problem(wrong, 401, "unauthenticated").await;
    let unknown = app.post_session("nobody@example.com", PASSWORD).await;
    let unknown = assert_problem(unknown, 401, "unauthenticated").await;
    // Ben has no password yet: no password matches.
    let no_password = app.post_session("ben@example.com", "").await;
    let no_password = assert_problem(no_password, 401, "unauthenticated").await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, no_password);
}

async fn logging_out_ends_the_session(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    let csrf = app.login("ana@example.com", PASSWORD).await;
    let cookie = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(cookie.status(), 200);

    let without_csrf = app
        .client
        .delete(app.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_problem(without_csrf, 403, "csrf").await;

    let out = app
        .client
        .delete(app.url("/api/v1/session"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let cleared = session_set_cookie(&out).expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_problem(app.me().await, 401, "unauthenticated").await;
}

async fn a_session_is_renewed_on_use_at_most_once_an_hour_and_expires_unused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    app.login("ana@example.com", PASSWORD).await;

    app.state.clock.advance(chrono::Duration::minutes(30));
    let soon = app.me().await;
    assert_eq!(soon.status(), 200);
    assert!(
        session_set_cookie(&soon).is_none(),
        "not renewed within the hour"
    );

    // Thirteen days on, in use: renewed for another fourteen.
    app.state.clock.advance(chrono::Duration::days(13));
    let renewed = app.me().await;
    assert_eq!(renewed.status(), 200);
    let cookie = session_set_cookie(&renewed).expect("the cookie is renewed");
    assert!(cookie.contains("Max-Age=1209600"), "{cookie}");
    app.state.clock.advance(chrono::Duration::days(13));
    assert_eq!(app.me().await.status(), 200);

    // Unused for longer than fourteen days: gone.
    app.state.clock.advance(chrono::Duration::days(15));
    assert_problem(app.me().await, 401, "unauthenticated").await;
}

/// The web app never calls `/me`: using its pages keeps the session alive.
#[tokio::test]
async fn working_in_the_web_app_every_day_keeps_one_signed_in() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    app.login("ana@example.com", PASSWORD).await;
    let page = app.url(&format!("/w/{}/contacts", seed.workspace_id));
    for _ in 0..3 {
        app.state.clock.advance(chrono::Duration::days(10));
        let response = app.client.get(&page).send().await.unwrap();
        assert_eq!(response.status(), 200, "still signed in");
        let cookie = session_set_cookie(&response).expect("the cookie is renewed");
        assert!(cookie.contains("Max-Age=1209600"), "{cookie}");
    }
    // Thirty days after signing in, the API still knows her.
    assert_eq!(app.me().await.status(), 200);
}

async fn me_with_a_token_has_no_csrf_token_and_lists_the_workspaces(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let me = app
        .request(Method::GET, &app.url("/api/v1/me"), Some(&seed.admin), None)
        .await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], seed.admin.id);
    assert_eq!(me["name"], "Adam Admin");
    assert_eq!(me["csrf_token"], Value::Null);
    assert_eq!(me["workspaces"][0]["role"], "admin");
}

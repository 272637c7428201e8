//! Login throttling slows guessing down without locking anyone out: a
//! guesser elsewhere never stops the owner, and an office behind one proxy
//! that spent its address's budget still lets in a known device.
//! `X-Forwarded-For` names the client only when the peer is a trusted proxy.

use serde_json::json;
use store::Backend;

use super::PASSWORD;
use crate::helpers::{assert_problem, spawn_app_with, TestApp};

on_both_backends!(
    guessing_one_account_from_one_address_slows_down_but_never_locks_out_its_owner,
    an_address_that_spent_its_budget_still_lets_in_a_known_device_with_the_right_password,
    forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy,
);

/// A browser: keeps its cookies (the device cookie among them).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// `POST /api/v1/session` from `client`, through the proxy, as the client at `from`.
async fn log_in(
    app: &TestApp,
    client: &reqwest::Client,
    from: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(format!("{}/api/v1/session", app.address))
        .header("x-forwarded-for", from)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn behind_a_proxy(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |settings| {
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn guessing_one_account_from_one_address_slows_down_but_never_locks_out_its_owner(
    backend: Backend,
) {
    let Some(app) = behind_a_proxy(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    let attacker = browser();
    let guesser = "203.0.113.9";

    for attempt in 1..=3 {
        let response = log_in(&app, &attacker, guesser, "ana@example.com", "guess").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let fourth = log_in(&app, &attacker, guesser, "ana@example.com", "guess").await;
    assert_eq!(retry_after(&fourth), 1);
    assert_problem(fourth, 429, "rate_limited").await;
    // The guesser does not learn that a right password was right.
    let right = log_in(&app, &attacker, guesser, "ana@example.com", PASSWORD).await;
    assert_problem(right, 429, "rate_limited").await;

    // Ana, at home, is not held up at all.
    let ana = browser();
    let response = log_in(&app, &ana, "198.51.100.7", "Ana@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);

    // Each further guess waits twice as long.
    app.state.clock.advance(chrono::Duration::seconds(1));
    let response = log_in(&app, &attacker, guesser, "ana@example.com", "guess").await;
    assert_eq!(response.status(), 401);
    let next = log_in(&app, &attacker, guesser, "ana@example.com", "guess").await;
    assert_eq!(retry_after(&next), 2);
    assert_problem(next, 429, "rate_limited").await;
}

async fn an_address_that_spent_its_budget_still_lets_in_a_known_device_with_the_right_password(
    backend: Backend,
) {
    let Some(app) = behind_a_proxy(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    let office = "198.51.100.20";
    let ana = browser();
    let response = log_in(&app, &ana, office, "ana@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);

    // Someone in the same office tries addresses until the office's budget is spent.
    let someone = browser();
    for i in 0..30 {
        let email = format!("guess{i}@example.com");
        let response = log_in(&app, &someone, office, &email, "guess").await;
        assert_eq!(response.status(), 401, "attempt {i}");
    }
    let spent = log_in(&app, &someone, office, "guess99@example.com", "guess").await;
    assert_problem(spent, 429, "rate_limited").await;
    // A browser Ana never used waits too…
    let fresh = log_in(&app, &browser(), office, "ana@example.com", PASSWORD).await;
    assert_problem(fresh, 429, "rate_limited").await;
    // …but her own, known from her last login, gets in.
    let response = log_in(&app, &ana, office, "ana@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);
}

async fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(backend: Backend) {
    // No trusted proxies: every request counts as the peer's, whatever it claims.
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    let attacker = browser();
    for i in 1..=3 {
        let claimed = format!("192.0.2.{i}");
        let response = log_in(&app, &attacker, &claimed, "ana@example.com", "guess").await;
        assert_eq!(response.status(), 401);
    }
    let response = log_in(&app, &attacker, "192.0.2.99", "ana@example.com", "guess").await;
    assert_problem(response, 429, "rate_limited").await;
}

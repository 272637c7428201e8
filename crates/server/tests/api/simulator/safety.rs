//! The simulator is safe to leave on: anonymous callers learn no business
//! names and no inbox that is shown to admins only, and a flood of texts is
//! refused with 429 and `Retry-After`, while a person or a script texting a
//! few dozen times a minute never notices.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app, spawn_app_with, TestApp};

on_both_backends!(
    the_numbers_show_no_business_names_nor_inboxes_awaiting_registration,
    texting_faster_than_a_person_or_a_script_would_is_refused_with_retry_after,
);

async fn the_numbers_show_no_business_names_nor_inboxes_awaiting_registration(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let pending = app.extra_inbox(&seed, "Emergencies", &[]).await;
    let path = format!("/inboxes/{}/registration", pending.inbox_id);
    let response = app
        .api(
            &seed,
            Method::PUT,
            &path,
            Some(&seed.owner),
            Some(json!({ "state": "pending" })),
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());

    let listed = json_of(app.get("/simulator/api/numbers").await, 200).await;
    let numbers = listed["numbers"].as_array().unwrap();
    assert_eq!(numbers.len(), 1, "{listed}");
    assert_eq!(numbers[0]["number"], seed.channel.address.as_str());
    assert_eq!(numbers[0]["inbox_name"], "Support");
    let text = listed.to_string();
    assert!(!text.contains("Acme Plumbing"), "{text}");
    assert!(!text.contains("workspace"), "{text}");

    let page = app.get("/simulator").await.text().await.unwrap();
    assert!(page.contains(&seed.channel.address));
    assert!(!page.contains("Acme Plumbing"));
    assert!(!page.contains(&pending.address));
}

/// A text from `from`, as the client at `client` (through a trusted proxy).
async fn text_from(app: &TestApp, client: &str, from: &str, to: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/simulator/api/messages", app.address))
        .header("x-forwarded-for", client)
        .json(&json!({ "from": from, "to": to, "body": "Are you open?" }))
        .send()
        .await
        .unwrap()
}

async fn texting_faster_than_a_person_or_a_script_would_is_refused_with_retry_after(
    backend: Backend,
) {
    let Some(app) = spawn_app_with(backend, |settings| {
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await
    else {
        return;
    };
    let seed = app.seed().await;
    let to = seed.channel.address.as_str();

    // A script texting from one phone: a minute's worth goes through at
    // once (and the bucket refills as it goes), then it must slow down.
    let mut accepted = 0;
    let refused = loop {
        let response = text_from(&app, "198.51.100.1", "+14155550123", to).await;
        if response.status() != 201 {
            break response;
        }
        accepted += 1;
        assert!(accepted < 120, "never limited");
    };
    assert!(accepted >= 60, "{accepted}");
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_problem(refused, 429, "rate_limited").await;
    // The phone is limited from any address (it refills one text a second,
    // so of a quick few, one at most gets through).
    let mut limited = 0;
    for _ in 0..4 {
        let response = text_from(&app, "198.51.100.2", "+14155550123", to).await;
        limited += usize::from(response.status() == 429);
    }
    assert!(limited >= 3, "{limited}");
    // Other phones are not.
    json_of(
        text_from(&app, "198.51.100.1", "+14155550124", to).await,
        201,
    )
    .await;

    // One address playing many phones gets two minutes' worth of one phone.
    let mut accepted = 0;
    let refused = loop {
        let from = format!("+1415555{:04}", 2000 + accepted);
        let response = text_from(&app, "203.0.113.7", &from, to).await;
        if response.status() != 201 {
            break response;
        }
        accepted += 1;
        assert!(accepted < 240, "never limited");
    };
    assert!(accepted >= 120, "{accepted}");
    assert_problem(refused, 429, "rate_limited").await;
    // Whatever the proxy's own address has done.
    json_of(text_from(&app, "192.0.2.1", "+14155553001", to).await, 201).await;
}

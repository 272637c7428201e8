//! The numbers that feed an inbox, and the numbers the simulator offers.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::create_inbox;
use crate::helpers::{assert_problem, spawn_app, TestUser};

on_both_backends!(
    channels_are_connected_listed_and_disconnected_without_showing_secrets,
    the_simulator_offers_fictional_numbers_matching_the_filters,
);

async fn channels_are_connected_listed_and_disconnected_without_showing_secrets(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let channels = format!("/inboxes/{}/channels", seed.inbox_id);
    let connect = |user: &TestUser, body: Value| {
        let (app, seed, path, user) = (&app, &seed, channels.clone(), user.clone());
        async move {
            app.api(seed, Method::POST, &path, Some(&user), Some(body))
                .await
        }
    };

    let simulator = json!({"kind": "sms", "provider": "simulator", "phone_number": "+14155550177"});
    let response = connect(&seed.admin, simulator.clone()).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["address"], "+14155550177");
    assert_eq!(created["provider"], "simulator");
    assert_problem(
        connect(&seed.admin, simulator.clone()).await,
        409,
        "number_taken",
    )
    .await;
    assert_problem(connect(&seed.ana, simulator).await, 403, "forbidden").await;

    let secret = "tw-secret-auth-token";
    let twilio = json!({
        "kind": "sms", "provider": "twilio", "phone_number": "(415) 555-0178",
        "account_sid": format!("AC{}", "ab".repeat(16)), "auth_token": secret,
    });
    let response = connect(&seed.admin, twilio).await;
    assert_eq!(response.status(), 201);
    let text = response.text().await.unwrap();
    assert!(
        !text.contains(secret) && !text.contains("auth_token"),
        "{text}"
    );
    let twilio: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(twilio["address"], "+14155550178");
    // Stored for sending, never shown.
    let id = domain::ChannelId::parse(twilio["id"].as_str().unwrap()).unwrap();
    let mut reader = app.store.read().await.unwrap();
    let stored = store::channels::get(&mut reader.conn(), &id)
        .await
        .unwrap()
        .unwrap();
    drop(reader);
    assert!(stored.settings.contains(secret));
    // The workspace's first Twilio number puts the inbox's carrier
    // registration in `pending`; agents see it once it is approved.
    let registration = format!("/inboxes/{}/registration", seed.inbox_id);
    let approved = app
        .api(
            &seed,
            Method::PUT,
            &registration,
            Some(&seed.admin),
            Some(json!({ "state": "approved" })),
        )
        .await;
    assert!(approved.status().is_success(), "{approved:?}");

    let response = app
        .api(&seed, Method::GET, &channels, Some(&seed.ana), None)
        .await;
    let text = response.text().await.unwrap();
    assert!(!text.contains(secret), "{text}");
    let listed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
    let response = app
        .api(&seed, Method::GET, &channels, Some(&seed.outsider), None)
        .await;
    assert_problem(response, 404, "not_found").await;

    let bad_number = json!({"kind": "sms", "provider": "simulator", "phone_number": "555"});
    let body = assert_problem(connect(&seed.admin, bad_number).await, 422, "validation").await;
    assert!(
        body["detail"].as_str().unwrap().starts_with("phone_number"),
        "{body}"
    );
    let no_sid = json!({"kind": "sms", "provider": "twilio", "phone_number": "+14155550179", "auth_token": "x"});
    let body = assert_problem(connect(&seed.admin, no_sid).await, 422, "validation").await;
    assert!(
        body["detail"].as_str().unwrap().starts_with("account_sid"),
        "{body}"
    );

    let one = format!("{channels}/{}", created["id"].as_str().unwrap());
    let response = app
        .api(&seed, Method::DELETE, &one, Some(&seed.admin), None)
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .api(&seed, Method::DELETE, &one, Some(&seed.admin), None)
        .await;
    assert_problem(response, 404, "not_found").await;
    // A channel of another inbox is not found through this one.
    let sales = create_inbox(&app, &seed, "Sales").await;
    let elsewhere = format!("/inboxes/{sales}/channels/{}", seed.channel.id);
    let response = app
        .api(&seed, Method::DELETE, &elsewhere, Some(&seed.admin), None)
        .await;
    assert_problem(response, 404, "not_found").await;
}

async fn the_simulator_offers_fictional_numbers_matching_the_filters(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let numbers = format!("/inboxes/{}/available-numbers", seed.inbox_id);
    let search = |user: &TestUser, query: &str| {
        let (app, seed, user) = (&app, &seed, user.clone());
        let path = format!("{numbers}{query}");
        async move { app.api(seed, Method::GET, &path, Some(&user), None).await }
    };
    let offered = |body: Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["phone_number"].as_str().unwrap().to_string())
            .collect()
    };

    let response = search(&seed.admin, "?area_code=212&contains=0142").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(offered(body.clone()), ["+12125550142"]);
    assert_eq!(body["items"][0]["provider"], "simulator");

    let first = offered(search(&seed.admin, "").await.json().await.unwrap());
    assert_eq!(first.len(), 5);
    assert!(
        first.iter().all(|n| n.starts_with("+141555501")),
        "{first:?}"
    );
    // A number once connected is no longer offered.
    let channel = json!({"kind": "sms", "provider": "simulator", "phone_number": first[0]});
    let path = format!("/inboxes/{}/channels", seed.inbox_id);
    let response = app
        .api(&seed, Method::POST, &path, Some(&seed.admin), Some(channel))
        .await;
    assert_eq!(response.status(), 201);
    let again = offered(search(&seed.admin, "").await.json().await.unwrap());
    assert!(!again.contains(&first[0]), "{again:?}");

    assert_problem(
        search(&seed.admin, "?area_code=12").await,
        422,
        "validation",
    )
    .await;
    assert_problem(search(&seed.ana, "").await, 403, "forbidden").await;
}

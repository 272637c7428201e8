//! Finding and buying a Twilio number for an inbox, with the server's own
//! Twilio account.

use reqwest::Method;
use serde_json::json;
use store::Backend;
use twilio_standin::InventoryNumber;

use crate::helpers::{assert_problem, json_of, spawn_app_with, spawn_twilio_operator_app};

on_both_backends!(
    an_admin_finds_a_twilio_number_and_buys_it_for_the_inbox,
    without_a_twilio_account_the_search_says_what_to_configure,
);

async fn an_admin_finds_a_twilio_number_and_buys_it_for_the_inbox(backend: Backend) {
    let Some((app, standin)) = spawn_twilio_operator_app(backend).await else {
        return;
    };
    standin.add_available_number(InventoryNumber {
        phone_number: "+16285550142".into(),
        iso_country: "US".into(),
        locality: "San Francisco".into(),
        region: "CA".into(),
    });
    let seed = app.seed().await;
    let inbox = format!("/inboxes/{}", seed.inbox_id);

    let found = app
        .api(
            &seed,
            Method::GET,
            &format!("{inbox}/available-numbers?provider=twilio&area_code=628"),
            Some(&seed.admin),
            None,
        )
        .await;
    let found = json_of(found, 200).await;
    assert_eq!(found["items"][0]["phone_number"], "+16285550142");
    assert_eq!(found["items"][0]["provider"], "twilio");

    let bought = app
        .api(
            &seed,
            Method::POST,
            &format!("{inbox}/channels"),
            Some(&seed.admin),
            Some(json!({"kind": "sms", "provider": "twilio", "phone_number": "+16285550142", "purchase": true})),
        )
        .await;
    let channel = json_of(bought, 201).await;
    assert_eq!(channel["address"], "+16285550142");
    assert_eq!(channel["provider"], "twilio");
    assert!(channel.get("settings").is_none());

    // Twilio was told to send the number's texts and calls to this channel's hooks.
    let purchase = standin
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/IncomingPhoneNumbers.json"))
        .expect("a purchase request");
    let channel_id = channel["id"].as_str().unwrap();
    assert_eq!(
        purchase.param("SmsUrl"),
        Some(format!("{}/hooks/twilio/{channel_id}/sms", app.address).as_str())
    );
    assert_eq!(
        purchase.param("VoiceUrl"),
        Some(format!("{}/hooks/twilio/{channel_id}/voice", app.address).as_str())
    );

    // The workspace's first shared inbox with a real number waits for the
    // carrier's approval (A2P 10DLC): hidden from agents until an admin
    // records it.
    let support = app
        .api(&seed, Method::GET, &inbox, Some(&seed.admin), None)
        .await;
    assert_eq!(json_of(support, 200).await["registration"], "pending");
    let hidden = app
        .api(&seed, Method::GET, &inbox, Some(&seed.ana), None)
        .await;
    assert_problem(hidden, 404, "not_found").await;

    // The brand is registered once: the next shared inbox's number needs no wait.
    standin.add_available_number(InventoryNumber {
        phone_number: "+16285550143".into(),
        iso_country: "US".into(),
        locality: "San Francisco".into(),
        region: "CA".into(),
    });
    let sales = app.extra_inbox(&seed, "Sales", &[&seed.ana]).await;
    let sales = format!("/inboxes/{}", sales.inbox_id);
    let bought = app
        .api(
            &seed,
            Method::POST,
            &format!("{sales}/channels"),
            Some(&seed.admin),
            Some(json!({"kind": "sms", "provider": "twilio", "phone_number": "+16285550143", "purchase": true})),
        )
        .await;
    json_of(bought, 201).await;
    let sales = app
        .api(&seed, Method::GET, &sales, Some(&seed.admin), None)
        .await;
    assert_eq!(json_of(sales, 200).await["registration"], "approved");
}

async fn without_a_twilio_account_the_search_says_what_to_configure(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let seed = app.seed().await;
    let response = app
        .api(
            &seed,
            Method::GET,
            &format!(
                "/inboxes/{}/available-numbers?provider=twilio",
                seed.inbox_id
            ),
            Some(&seed.admin),
            None,
        )
        .await;
    let problem = assert_problem(response, 422, "twilio_not_configured").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("twilio_account_sid"));
}

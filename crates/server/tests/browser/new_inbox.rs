//! Creating an inbox in Chromium: naming it, then buying its number from
//! Twilio (the local stand-in) with the server's Twilio account.

use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;
use store::Backend;

use crate::browser::{self, Browser};
use crate::helpers::{spawn_twilio_operator_app, Seed, TestApp};

/// Names a new inbox on the wizard's first step; returns its id, from the
/// number step's address (`/w/{ws}/inboxes/{id}/new/number`).
async fn create_inbox(browser: &Browser, app: &TestApp, seed: &Seed, name: &str) -> String {
    browser
        .client
        .goto(&format!(
            "{}/w/{}/inboxes/new",
            app.address, seed.workspace_id
        ))
        .await
        .unwrap();
    browser.type_into("#name", name).await;
    browser.click("#create-inbox").await;
    browser
        .wait_for_text(".wizard-step.current", "Pick a number")
        .await;
    let path = browser.path_segments().await;
    assert_eq!(path.last().map(String::as_str), Some("number"), "{path:?}");
    path[path.len() - 3].clone()
}

async fn search_twilio(browser: &Browser, area_code: &str) {
    browser.click("#provider-twilio").await;
    browser.type_into("#area_code", area_code).await;
    browser.click("#search-numbers").await;
}

#[tokio::test]
async fn an_admin_creates_an_inbox_and_buys_its_number_from_twilio() {
    let Some(browser) = browser::start().await else {
        return;
    };
    let Some((app, standin)) = spawn_twilio_operator_app(Backend::Sqlite).await else {
        return;
    };
    let seed = app.seed().await;
    browser.sign_in_as(&app, &seed.admin.id).await;
    let inbox_id = create_inbox(&browser, &app, &seed, "Night line").await;
    // The server has a Twilio account, so Twilio is offered beside the simulator.
    let c = &browser.client;
    assert!(c
        .find(Locator::Css("#twilio-not-configured"))
        .await
        .is_err());

    // Nothing in that area code: said so, in words.
    search_twilio(&browser, "999").await;
    browser
        .wait_for_text("#no-numbers", "Twilio has no numbers matching")
        .await;

    // Twilio refuses a number someone else bought meanwhile: its reason is shown.
    search_twilio(&browser, "415").await;
    browser
        .wait_for_text("#available-numbers", "(415) 555-0101")
        .await;
    let elsewhere = app
        .api(
            &seed,
            Method::POST,
            &format!("/inboxes/{}/channels", seed.inbox_id),
            Some(&seed.admin),
            Some(json!({"kind": "sms", "provider": "twilio",
                        "phone_number": "+14155550101", "purchase": true})),
        )
        .await;
    assert_eq!(elsewhere.status(), 201);
    browser
        .click("#available-numbers li:first-child button")
        .await;
    browser
        .wait_for_text("#settings-error", "not Available")
        .await;
    // Still on the number step, with the search kept.
    browser
        .wait_for_text(".wizard-step.current", "Pick a number")
        .await;
    assert_eq!(browser.value("#area_code").await, "415");

    search_twilio(&browser, "212").await;
    browser
        .wait_for_text("#available-numbers", "(212) 555-0103")
        .await;
    browser
        .wait_for_text("#available-numbers", "Buy and connect")
        .await;
    std::fs::create_dir_all("../../target/artifacts").unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write("../../target/artifacts/new-inbox-twilio.png", png).unwrap();
    browser
        .click("#available-numbers li:first-child button")
        .await;
    browser
        .wait_for_text("#notice", "bought from Twilio and connected")
        .await;
    browser
        .wait_for_text("#channel-list", "(212) 555-0103")
        .await;
    browser.wait_for_text("#channel-list", "Twilio").await;

    // Twilio sold that number, pointing its texts at the new channel.
    let purchases: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/IncomingPhoneNumbers.json") && r.status == 201)
        .filter(|r| r.param("PhoneNumber") == Some("+12125550103"))
        .collect();
    assert_eq!(purchases.len(), 1);
    let channels = app
        .api(
            &seed,
            Method::GET,
            &format!("/inboxes/{inbox_id}/channels"),
            Some(&seed.admin),
            None,
        )
        .await;
    let channels: serde_json::Value = channels.json().await.unwrap();
    let items = channels["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{channels}");
    assert_eq!(items[0]["address"], "+12125550103");
    assert_eq!(items[0]["provider"], "twilio");
    let sms_url = format!(
        "{}/hooks/twilio/{}/sms",
        app.address,
        items[0]["id"].as_str().unwrap()
    );
    assert_eq!(purchases[0].param("SmsUrl"), Some(sms_url.as_str()));

    // On through the wizard: the inbox is there, with its number in its settings.
    browser.click("#next-step").await;
    browser.click("#finish").await;
    browser.wait_for_text("#inbox-list", "Night line").await;
    c.goto(&format!(
        "{}/w/{}/inboxes/{inbox_id}/settings",
        app.address, seed.workspace_id
    ))
    .await
    .unwrap();
    browser
        .wait_for_text("#channel-list", "(212) 555-0103")
        .await;
    browser.client.clone().close().await.unwrap();
}

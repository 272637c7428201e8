//! Writing: the SMS counter under the reply box and the New message page
//! (GSM-7: 160 a text, 153 each when split; UCS-2: 70, then 67), and the
//! contact picker on New message.

use reqwest::Method;
use serde_json::json;

use crate::browser::app_and_browser;

#[tokio::test]
async fn the_reply_box_counts_characters_and_texts_as_the_carrier_will() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550189", "How long is a text?")
        .await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    for phone in [false, true] {
        browser.resize(phone).await;
        browser
            .client
            .goto(&format!("{}/w/{}/c/{id}", app.address, seed.workspace_id))
            .await
            .unwrap();
        browser.type_into("#composer-body", "Hello").await;
        browser
            .wait_for_text("#sms-counter", "5/160 · 1 text")
            .await;
        browser.type_into("#composer-body", &"a".repeat(161)).await;
        browser
            .wait_for_text("#sms-counter", "161/306 · 2 texts")
            .await;
        // Two septets for a character of the extension set.
        browser
            .type_into("#composer-body", &format!("{}€", "a".repeat(158)))
            .await;
        browser
            .wait_for_text("#sms-counter", "160/160 · 1 text")
            .await;
        browser.type_into("#composer-body", "Hi 😀").await;
        browser
            .wait_for_text("#sms-counter", "5/70 · 1 text · Unicode")
            .await;
        browser.type_into("#composer-body", &"ё".repeat(60)).await;
        browser
            .wait_for_text("#sms-counter", "60/70 · 1 text · Unicode")
            .await;
        browser.assert_fits("the composer with its counter").await;
        // Notes are not texts: no counter.
        browser.click("label.composer-tab:has(#mode-note)").await;
        assert!(!browser.is_shown("#sms-counter").await);
        browser.type_into("#composer-body", "").await;
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn new_message_offers_matching_contacts_and_counts_the_text() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let response = app
        .api(
            &seed,
            Method::POST,
            "/contacts",
            Some(&seed.ana),
            Some(json!({"name": "Rita <i>Rinnai</i>", "phone": "+14155550190", "email": "rita@example.com"})),
        )
        .await;
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser
        .client
        .goto(&format!("{}/w/{}/compose", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.type_into("#compose-to", "rinn").await;
    browser
        .wait_for_text("#contact-picks", "Rita <i>Rinnai</i>")
        .await;
    browser
        .wait_for_text("#contact-picks", "rita@example.com")
        .await;
    browser.screenshots("compose-picker").await;
    browser.click(".contact-pick").await;
    assert_eq!(browser.value("#compose-to").await, "+14155550190");
    assert!(!browser.is_shown("#contact-picks").await);
    browser
        .type_into("#compose-body", "Your quote is ready")
        .await;
    browser
        .wait_for_text("#compose-counter", "19/160 · 1 text")
        .await;
    browser.click("#compose-send").await;
    browser
        .wait_for_text("#timeline", "Your quote is ready")
        .await;
    browser.client.clone().close().await.unwrap();
}

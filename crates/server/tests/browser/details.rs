//! The details pane beside a conversation: the contact, their other
//! conversations, CRM links, subject, priority and tags; collapsible on a
//! desktop.

use reqwest::Method;

use crate::browser::{app_and_browser, Browser};
use crate::helpers::{Seed, TestApp};

async fn open(browser: &Browser, app: &TestApp, seed: &Seed, id: &str) {
    browser
        .client
        .goto(&format!("{}/w/{}/c/{id}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for("#details-body").await;
}

#[tokio::test]
async fn the_details_pane_shows_the_contact_and_their_other_conversations() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let sales = app.extra_inbox(&seed, "Sales", &[&seed.ana]).await;
    let first = app
        .new_conversation(&seed, "+14155550183", "My boiler is making a noise")
        .await;
    app.text_channel(&sales, "+14155550183", "And a quote for a new one?")
        .await;
    let patch = serde_json::json!({"name": "Rita <b>Rinnai</b>", "email": "rita@example.com"});
    let detail: serde_json::Value = app
        .api(
            &seed,
            Method::GET,
            &format!("/conversations/{first}"),
            Some(&seed.owner),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let contact = detail["contact"]["id"].as_str().unwrap().to_string();
    let response = app
        .api(
            &seed,
            Method::PATCH,
            &format!("/contacts/{contact}"),
            Some(&seed.owner),
            Some(patch),
        )
        .await;
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );

    browser.sign_in_as(&app, &seed.ana.id).await;
    open(&browser, &app, &seed, &first).await;
    // Escaped, as everything a customer (or a teammate) writes.
    browser
        .wait_for_text("#details-contact-name", "Rita <b>Rinnai</b>")
        .await;
    browser
        .wait_for_text("#details-email", "rita@example.com")
        .await;
    browser.wait_for_text("#details-owner", "Nobody").await;
    browser
        .wait_for_text("#details-others", "And a quote for a new one?")
        .await;
    browser.screenshots("details").await;

    // The other conversation opens from there.
    browser.click(".details-other").await;
    browser
        .wait_for_text("#timeline", "And a quote for a new one?")
        .await;
    browser
        .wait_for_text("#details-others", "My boiler is making a noise")
        .await;

    // Collapsed, it stays collapsed on the next page; shown again on demand.
    browser.click("#details-close").await;
    assert!(!browser.is_shown(".pane-details").await, "the pane hides");
    open(&browser, &app, &seed, &first).await;
    assert!(!browser.is_shown(".pane-details").await, "and stays hidden");
    browser.click("#details-toggle").await;
    browser.wait_until_shown(".pane-details").await;

    // On a middling screen it opens over the conversation, and closes again.
    browser.client.set_window_size(1100, 800).await.unwrap();
    open(&browser, &app, &seed, &first).await;
    assert!(!browser.is_shown(".pane-details").await, "closed at first");
    browser.click("#details-toggle").await;
    browser.wait_until_shown(".pane-details").await;
    browser
        .assert_fits("the details over the conversation")
        .await;
    browser.click("#details-close").await;
    assert!(!browser.is_shown(".pane-details").await, "closed again");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn crm_links_subject_priority_and_tags_are_set_from_the_details_pane() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550184", "Invoice 1042 looks wrong")
        .await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    open(&browser, &app, &seed, &id).await;

    browser.click("#add-link").await;
    browser.set_value("#link-kind", "ticket").await;
    browser
        .type_into("#link-url", "https://crm.example.com/tickets/42")
        .await;
    browser.type_into("#link-external", "T-42").await;
    browser.type_into("#link-title", "Billing ticket").await;
    browser.click("#link-submit").await;
    browser
        .wait_for_text("#details-links", "Billing ticket")
        .await;
    let link = browser.wait_for("#details-links a").await;
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("https://crm.example.com/tickets/42")
    );
    assert_eq!(
        link.attr("target").await.unwrap().as_deref(),
        Some("_blank")
    );
    browser.wait_for_text("#details-links", "Ticket").await;

    // A link that is not http(s) is refused with a reason.
    browser.click("#add-link").await;
    browser
        .client
        .execute("document.getElementById('link-url').type = 'text';", vec![])
        .await
        .unwrap();
    browser.type_into("#link-url", "javascript:alert(1)").await;
    browser.type_into("#link-external", "X").await;
    browser.click("#link-submit").await;
    browser.wait_for(".flash").await;
    assert!(!browser
        .wait_for("#details-links")
        .await
        .html(false)
        .await
        .unwrap()
        .contains("javascript:"));

    browser.click(".link-remove").await;
    browser.wait_for_text("#details-links", "No links").await;

    browser
        .type_into("#details-subject", "Invoice 1042\n")
        .await;
    browser.wait_for("#details-subject").await;
    assert_eq!(browser.value("#details-subject").await, "Invoice 1042");
    browser
        .type_into("#details-tags", "billing, refund\n")
        .await;
    browser.wait_for("#details-tags").await;
    assert_eq!(browser.value("#details-tags").await, "billing, refund");
    browser.set_value("#details-priority", "urgent").await;
    browser
        .client
        .execute(
            "document.getElementById('details-priority').dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .unwrap();
    browser
        .wait_for_text("#timeline", "priority to Urgent")
        .await;
    let detail: serde_json::Value = app
        .api(
            &seed,
            Method::GET,
            &format!("/conversations/{id}"),
            Some(&seed.ana),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["subject"], "Invoice 1042");
    assert_eq!(detail["priority"], "urgent");
    assert_eq!(detail["tags"], serde_json::json!(["billing", "refund"]));
    browser.client.clone().close().await.unwrap();
}

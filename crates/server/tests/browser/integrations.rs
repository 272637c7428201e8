//! The integrations page (admins): an outgoing webhook registered, its
//! secret shown once, its failed deliveries and the jobs that gave up, with
//! the reasons — all without the API.

use chrono::Duration;
use fantoccini::Locator;
use store::Backend;

use crate::browser::start;
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn an_admin_adds_a_webhook_and_sees_why_its_deliveries_failed() {
    let Some(browser) = start().await else {
        return;
    };
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| s.webhook_allow_private = true).await
    else {
        return;
    };
    let seed = app.seed().await;
    let c = &browser.client;
    browser.sign_in_as(&app, &seed.admin.id).await;
    c.goto(&format!("{}/w/{}/contacts", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.click("#integrations-link").await;
    browser.wait_for_text("h1", "Integrations").await;
    browser
        .wait_for_text("#webhook-list", "No endpoints yet")
        .await;

    // A URL that cannot receive webhooks is refused; what was typed stays.
    browser
        .type_into("#webhook-url", "ftp://crm.example/in")
        .await;
    browser.type_into("#webhook-description", "CRM").await;
    browser
        .click("input[name=event_types][value=created]")
        .await;
    browser.click("#add-webhook-button").await;
    browser
        .wait_for_text("#settings-error", "only http and https")
        .await;
    assert_eq!(browser.value("#webhook-url").await, "ftp://crm.example/in");
    assert_eq!(browser.value("#webhook-description").await, "CRM");
    let ticked = c
        .find(Locator::Css("input[name=event_types][value=created]"))
        .await
        .unwrap();
    assert!(ticked.is_selected().await.unwrap(), "the ticked box stays");

    // Nothing listens on port 1: every delivery fails to connect.
    browser
        .set_value("#webhook-url", "http://127.0.0.1:1/in")
        .await;
    browser.click("#add-webhook-button").await;
    browser.wait_for_text("#webhook-secret", "whsec_").await;
    browser.wait_for_text("#webhook-list", "127.0.0.1:1").await;
    browser.wait_for_text("#webhook-list", "Active").await;
    browser.screenshots("integrations").await;
    // The secret is shown only on the page that answered the form.
    browser.click("#integrations-link").await;
    browser.wait_for_text("#webhook-list", "127.0.0.1:1").await;
    assert!(c.find(Locator::Css("#webhook-secret")).await.is_err());

    // A customer writes; the delivery is retried for about a day, then the
    // endpoint is turned off and its job counts as failed.
    app.new_conversation(&seed, "+14155550126", "Hello?").await;
    for _ in 0..9 {
        app.run_due_jobs().await;
        app.state.clock.advance(Duration::hours(11));
    }
    // A day later the session has expired too.
    browser.sign_in_as(&app, &seed.admin.id).await;
    c.goto(&format!(
        "{}/w/{}/integrations",
        app.address, seed.workspace_id
    ))
    .await
    .unwrap();
    browser.wait_for_text("#webhook-list", "Off").await;
    browser.click("#failed-jobs").await;
    browser.wait_for_text("#job-list", "deliver webhook").await;
    browser.wait_for_text("#job-list", "8 of").await;
    browser.click("#webhook-list a.settings-row-name").await;
    browser.wait_for_text("#delivery-list", "Failed").await;
    browser.wait_for_text("#delivery-list", "created").await;
    browser.screenshots("webhook-deliveries").await;

    // Removing it empties the list.
    browser.click("a.settings-back").await;
    browser.click(".remove-endpoint").await;
    browser.wait_for_text("#notice", "removed").await;
    browser
        .wait_for_text("#webhook-list", "No endpoints yet")
        .await;

    // An agent has no link to it, and the page refuses them.
    browser.sign_in_as(&app, &seed.ana.id).await;
    c.goto(&format!("{}/w/{}/contacts", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for_text("h1", "Contacts").await;
    assert!(c.find(Locator::Css("#integrations-link")).await.is_err());
    c.goto(&format!(
        "{}/w/{}/integrations",
        app.address, seed.workspace_id
    ))
    .await
    .unwrap();
    browser.wait_for_text("body", "403").await;
    browser.client.clone().close().await.unwrap();
}

//! What an agent does in the web app, end to end in Chromium.

use std::time::Duration;

use fantoccini::Locator;
use store::Backend;

use crate::browser::{self, app_and_browser, customer_texts};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_new_install_is_set_up_then_signed_out_and_in_again() {
    let Some(browser) = browser::start().await else {
        return;
    };
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let c = &browser.client;
    c.goto(&format!("{}/", app.address)).await.unwrap();
    // No account yet: `/` → `/login` → `/setup`.
    browser.wait_for_text("h1", "Set up Switchboard").await;
    for (field, value) in [
        ("workspace_name", "Acme Plumbing"),
        ("name", "Olivia Owner"),
        ("email", "olivia@example.com"),
        ("password", "correct horse battery"),
    ] {
        c.find(Locator::Css(&format!("#{field}")))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    browser.click("button[type=submit]").await;
    browser.wait_for_text(".queue-title", "All inboxes").await;
    browser.click("form[action='/logout'] button").await;
    browser.wait_for_text("h1", "Sign in").await;
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys("olivia@example.com")
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys("wrong password")
        .await
        .unwrap();
    browser.click("button[type=submit]").await;
    browser.wait_for_text("#login-error", "don't match").await;
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys("correct horse battery")
        .await
        .unwrap();
    browser.click("button[type=submit]").await;
    browser.wait_for_text(".me-name", "Olivia Owner").await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_text_appears_live_and_is_assigned_done_reopened_and_transferred() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    c.goto(&format!(
        "{}/w/{}?seg=unassigned",
        app.address, seed.workspace_id
    ))
    .await
    .unwrap();
    browser
        .wait_for_text(".queue-list", "New conversations will appear here")
        .await;

    customer_texts(&app, &seed, "+14155550177", "My sink is leaking").await;
    // No reload: the event stream refreshes the queue.
    browser
        .wait_for_text(".queue-list", "My sink is leaking")
        .await;
    browser.wait_for(".row .marker-unassigned-new").await;
    browser.click(".row").await;
    browser
        .wait_for_text("#timeline", "My sink is leaking")
        .await;

    browser.click("#assign-to-me").await;
    browser
        .wait_for_text("#conv-assignee", "Assigned to you")
        .await;
    browser
        .wait_for_text("#timeline", "Ana Lima assigned it to themselves")
        .await;

    browser.click("#mark-done").await;
    browser.wait_for_text("#conv-status", "Done").await;
    browser
        .wait_for_text("#timeline", "Marked as done by Ana Lima")
        .await;

    customer_texts(&app, &seed, "+14155550177", "It's leaking again").await;
    browser
        .wait_for_text("#timeline", "It's leaking again")
        .await;
    browser.wait_for_text("#conv-status", "Open").await;

    browser.click("details.menu summary").await;
    browser.set_value("#transfer-to", &seed.ben.id).await;
    browser.click("#transfer-submit").await;
    browser
        .wait_for_text("#timeline", "Ana Lima transferred to Ben Okafor")
        .await;
    browser.wait_for_text("#conv-assignee", "Ben Okafor").await;
    // Ben's now: Ana's buttons for it are disabled, with the reason.
    let done = browser.wait_for("#mark-done").await;
    assert_eq!(
        done.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    assert!(done
        .attr("title")
        .await
        .unwrap()
        .unwrap()
        .contains("assignee"));

    std::fs::create_dir_all("../../target/artifacts").unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write("../../target/artifacts/main.png", png).unwrap();
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_agent_returns_their_conversation_to_the_unassigned_queue_by_button_and_by_key() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550166", "Can someone call me back?")
        .await;
    let assign = format!("/conversations/{id}/assign-to-me");
    let response = app
        .api(&seed, reqwest::Method::POST, &assign, Some(&seed.ana), None)
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    c.goto(&format!(
        "{}/w/{}/c/{id}?seg=unassigned",
        app.address, seed.workspace_id
    ))
    .await
    .unwrap();
    browser
        .wait_for_text("#conv-assignee", "Assigned to you")
        .await;
    // Hers, so not in the Unassigned queue.
    browser
        .wait_for_text(".queue-list", "New conversations will appear here")
        .await;

    browser.click("#return-to-inbox").await;
    browser.wait_for_text("#conv-assignee", "Unassigned").await;
    browser
        .wait_for_text("#timeline", "Ana Lima returned it to the inbox")
        .await;
    browser
        .wait_for_text(".queue-list", "Can someone call me back?")
        .await;

    // The keyboard: `a` takes it again, `u` gives it back.
    browser.press('a').await;
    browser
        .wait_for_text("#conv-assignee", "Assigned to you")
        .await;
    browser
        .wait_for_text(".queue-list", "New conversations will appear here")
        .await;
    browser.press('u').await;
    browser.wait_for_text("#conv-assignee", "Unassigned").await;
    browser
        .wait_for_text(".queue-list", "Can someone call me back?")
        .await;
    let conversation = app
        .api(
            &seed,
            reqwest::Method::GET,
            &format!("/conversations/{id}"),
            Some(&seed.ana),
            None,
        )
        .await;
    let conversation: serde_json::Value = conversation.json().await.unwrap();
    assert!(conversation["assignee_id"].is_null(), "{conversation}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_customers_markup_is_shown_as_text() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    customer_texts(&app, &seed, "+14155550188", "<img src=x onerror=alert(1)>").await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser
        .client
        .goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.click(".row").await;
    let bubble = browser.wait_for(".msg-inbound .msg-bubble").await;
    assert_eq!(bubble.text().await.unwrap(), "<img src=x onerror=alert(1)>");
    let images = browser
        .client
        .find_all(Locator::Css("#timeline img, .queue-list img"))
        .await
        .unwrap();
    assert!(images.is_empty());
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn while_ana_types_ben_sees_she_is_replying_and_cannot_send() {
    let Some((app, seed, ana)) = app_and_browser().await else {
        return;
    };
    let Some(ben) = browser::start().await else {
        return;
    };
    customer_texts(&app, &seed, "+14155550199", "Is anyone there?").await;
    ana.sign_in_as(&app, &seed.ana.id).await;
    ben.sign_in_as(&app, &seed.ben.id).await;
    for b in [&ana, &ben] {
        b.client
            .goto(&format!("{}/w/{}", app.address, seed.workspace_id))
            .await
            .unwrap();
        b.click(".row").await;
        b.wait_for("#composer-body").await;
    }
    ana.wait_for("#composer-body")
        .await
        .send_keys("Yes, one moment")
        .await
        .unwrap();
    ben.wait_for_text("#lock-banner", "Ana Lima is replying")
        .await;
    let send = ben.wait_for("#send").await;
    assert_eq!(
        send.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    // Ana sends: the lock goes with the reply, and Ben sees it live.
    ana.click("#send").await;
    ben.wait_for_text("#timeline", "Yes, one moment").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    ana.client.clone().close().await.unwrap();
    ben.client.clone().close().await.unwrap();
}

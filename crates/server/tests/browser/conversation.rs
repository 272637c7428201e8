//! The conversation pane in Chromium: stale replies, who wrote what, closed
//! conversations, who may hold one, and what the composer says.

use std::time::Duration;

use fantoccini::Locator;
use reqwest::Method;
use serde_json::{json, Value};

use crate::browser::{app_and_browser, customer_texts, Browser};
use crate::helpers::{Seed, TestApp, TestUser};

/// `POST /conversations/{id}/{action}` as `user`, which must succeed.
async fn act(
    app: &TestApp,
    seed: &Seed,
    user: &TestUser,
    id: &str,
    action: &str,
    body: Option<Value>,
) {
    let path = format!("/conversations/{id}/{action}");
    let response = app.api(seed, Method::POST, &path, Some(user), body).await;
    assert!(
        response.status().is_success(),
        "{action}: {}",
        response.text().await.unwrap()
    );
}

async fn open(browser: &Browser, app: &TestApp, seed: &Seed, id: &str) {
    browser
        .client
        .goto(&format!("{}/w/{}/c/{id}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for("#head").await;
}

#[tokio::test]
async fn a_reply_typed_before_the_customers_new_message_meets_the_stale_warning() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550171", "Are you open on Sunday?")
        .await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    open(&browser, &app, &seed, &id).await;
    browser
        .wait_for("#composer-body")
        .await
        .send_keys("Yes, from 10 to 4")
        .await
        .unwrap();
    // The customer writes while Ana types; the page shows it live.
    customer_texts(&app, &seed, "+14155550171", "Never mind, I found it").await;
    browser
        .wait_for_text("#timeline", "Never mind, I found it")
        .await;
    // The header refreshes beside the timeline: let it land.
    tokio::time::sleep(Duration::from_millis(700)).await;
    browser.click("#send").await;
    browser.wait_until_shown("#stale").await;
    let timeline = browser.wait_for("#timeline").await.text().await.unwrap();
    assert!(!timeline.contains("Yes, from 10 to 4"), "{timeline}");
    // Having read it, she may still send it.
    browser.click("#send-anyway").await;
    browser
        .wait_for_text("#timeline", "Yes, from 10 to 4")
        .await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_queue_names_who_wrote_the_last_reply() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let bens = app
        .new_conversation(&seed, "+14155550172", "Need a quote")
        .await;
    let anas = app
        .new_conversation(&seed, "+14155550173", "Need a plumber")
        .await;
    let reply = |text: &str| json!({ "kind": "reply", "body": text });
    act(
        &app,
        &seed,
        &seed.ben,
        &bens,
        "messages",
        Some(reply("Quote sent")),
    )
    .await;
    act(
        &app,
        &seed,
        &seed.ana,
        &anas,
        "messages",
        Some(reply("On my way")),
    )
    .await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser
        .client
        .goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    let row = |id: &str| format!("#queue-list [data-conversation='{id}'] .row-preview");
    browser.wait_for_text(&row(&bens), "Ben: Quote sent").await;
    browser.wait_for_text(&row(&anas), "You: On my way").await;
    // The queue's links carry its state without a stray `&`.
    for segment in browser
        .client
        .find_all(Locator::Css(".segment"))
        .await
        .unwrap()
    {
        let href = segment.attr("href").await.unwrap().unwrap_or_default();
        assert!(!href.contains("?&"), "{href}");
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_admin_takes_over_and_is_offered_as_a_transfer_target() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550174", "Water heater broke")
        .await;
    act(&app, &seed, &seed.ana, &id, "assign-to-me", None).await;

    // Ana may hand it to an admin, who is in no inbox but may hold any.
    browser.sign_in_as(&app, &seed.ana.id).await;
    open(&browser, &app, &seed, &id).await;
    let options = browser
        .wait_for("#transfer-to")
        .await
        .html(false)
        .await
        .unwrap();
    assert!(options.contains(&seed.admin.name), "{options}");
    assert!(options.contains(&seed.owner.name), "{options}");
    assert!(!options.contains(&seed.outsider.name), "{options}");

    // The admin takes it: a takeover, not a transfer to himself.
    browser.sign_in_as(&app, &seed.admin.id).await;
    open(&browser, &app, &seed, &id).await;
    browser.click("#assign-to-me").await;
    browser
        .wait_for_text("#timeline", "Adam Admin took over from Ana Lima")
        .await;
    browser
        .wait_for_text("#conv-assignee", "Assigned to you")
        .await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_closed_conversation_is_read_only_but_for_notes_and_leads_to_its_follow_up() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550175", "Thanks, all fixed")
        .await;
    act(
        &app,
        &seed,
        &seed.ana,
        &id,
        "status",
        Some(json!({ "status": "closed" })),
    )
    .await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    open(&browser, &app, &seed, &id).await;
    browser
        .wait_for_text(
            "#closed-banner",
            "This conversation is closed; the customer's next message starts a new one",
        )
        .await;
    let c = &browser.client;
    for gone in [
        "#assign-to-me",
        "#mark-done",
        "#reopen",
        "#mode-reply",
        "#follow-up",
    ] {
        assert!(c.find(Locator::Css(gone)).await.is_err(), "{gone}");
    }
    // A note for the team still goes in.
    browser.wait_for_text("#send", "Add note").await;
    browser
        .wait_for("#composer-body")
        .await
        .send_keys("Invoice paid")
        .await
        .unwrap();
    browser.click("#send").await;
    browser.wait_for_text(".msg-note", "Invoice paid").await;

    // The customer's next message starts a new conversation, linked from here.
    customer_texts(&app, &seed, "+14155550175", "It's dripping again").await;
    c.refresh().await.unwrap();
    browser.click("#follow-up").await;
    browser
        .wait_for_text("#timeline", "It's dripping again")
        .await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_composer_says_what_each_mode_does_and_lets_go_when_the_draft_is_cleared() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550176", "Is the part in?")
        .await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    open(&browser, &app, &seed, &id).await;
    browser
        .wait_for_text("#composer-hint", "Replies go to the customer by SMS")
        .await;
    browser.press('n').await;
    browser.wait_for_text("#send", "Add note").await;
    browser
        .wait_for_text("#composer-hint", "Notes stay with your team")
        .await;
    browser.press('\u{E00C}').await; // Escape leaves the composer
    browser.press('r').await;
    browser.wait_for_text("#send", "Send").await;

    // Typing takes the reply lock; clearing the draft gives it back.
    let body = browser.wait_for("#composer-body").await;
    body.send_keys("Let me check").await.unwrap();
    let lock = || async {
        let path = format!("/conversations/{id}");
        let seen = app
            .api(&seed, Method::GET, &path, Some(&seed.ben), None)
            .await;
        let seen: Value = seen.json().await.unwrap();
        seen["lock"].clone()
    };
    let mut held = Value::Null;
    for _ in 0..50 {
        held = lock().await;
        if !held.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!held.is_null(), "typing takes the lock");
    // Let the renewals typing sent arrive before the draft is cleared.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    body.send_keys(&"\u{E003}".repeat("Let me check".len()))
        .await
        .unwrap();
    let mut released = false;
    for _ in 0..50 {
        if lock().await.is_null() {
            released = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(released, "a cleared draft lets go of the lock");

    // The idle prompt's default button keeps the lock of someone typing.
    let focused = browser
        .client
        .execute(
            "var d = document.getElementById('still-working'); d.showModal(); \
             return document.activeElement.id;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focused, json!("keep-working"));

    // No separator is left dangling after a message's time.
    let meta = browser
        .wait_for(".msg-inbound .msg-meta")
        .await
        .text()
        .await
        .unwrap();
    assert!(!meta.trim_end().ends_with('·'), "{meta:?}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_unregistered_inbox_says_so_before_anyone_writes_a_reply() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app.new_conversation(&seed, "+14155550178", "Hello?").await;
    let path = format!("/inboxes/{}/registration", seed.inbox_id);
    let response = app
        .api(
            &seed,
            Method::PUT,
            &path,
            Some(&seed.admin),
            Some(json!({ "state": "pending" })),
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    browser.sign_in_as(&app, &seed.admin.id).await;
    open(&browser, &app, &seed, &id).await;
    browser
        .wait_for_text(
            "#composer-hint",
            "until its carrier registration is approved",
        )
        .await;
    let body = browser.wait_for("#composer-body").await;
    assert_eq!(
        body.attr("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    // A note does not leave the building: it may be written.
    browser.press('n').await;
    browser.wait_for_text("#send", "Add note").await;
    assert!(body.attr("disabled").await.unwrap().is_none());
    browser.client.clone().close().await.unwrap();
}

//! Writing first from a link, reordering inboxes, and message permalinks.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;
use store::Backend;

use crate::browser::{self, Browser};
use crate::helpers::{spawn_app, Seed, TestApp};

async fn app_and_browser() -> Option<(TestApp, Seed, Browser)> {
    let browser = browser::start().await?;
    let app = spawn_app(Backend::Sqlite).await?;
    let seed = app.seed().await;
    Some((app, seed, browser))
}

#[tokio::test]
async fn a_compose_link_signs_in_then_opens_the_form_prefilled_and_sends() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let c = &browser.client;
    let link = "/compose?inbox=support&to=%2B14155550188&body=Hello";
    // Signed out: the login page, which will come back here.
    c.goto(&format!("{}{link}", app.address)).await.unwrap();
    assert_eq!(browser.value("input[name=next]").await, link);
    // Another site is never a place to come back to.
    c.goto(&format!("{}/login?next=https://evil.example/", app.address))
        .await
        .unwrap();
    browser.wait_for("#email").await;
    assert!(c
        .find_all(Locator::Css("input[name=next]"))
        .await
        .unwrap()
        .is_empty());

    browser.sign_in_as(&app, &seed.ana.id).await;
    c.goto(&format!("{}{link}", app.address)).await.unwrap();
    browser.wait_for_text("h1", "New message").await;
    assert_eq!(browser.value("#compose-to").await, "+14155550188");
    assert_eq!(browser.value("#compose-body").await, "Hello");
    assert_eq!(browser.value("#compose-inbox").await, seed.inbox_id);
    browser.click("#compose-send").await;
    browser.wait_for_text("#timeline", "Hello").await;
    browser.wait_for_text("#conv-status", "Done").await;
    let url = c.current_url().await.unwrap();
    assert!(url.path().contains("/c/"), "{url}");

    // Again: the form says the message continues that conversation.
    c.goto(&format!("{}{link}", app.address)).await.unwrap();
    browser
        .wait_for_text("#compose-existing", "already has an open conversation")
        .await;
    // A refusal keeps what was typed.
    let to = browser.wait_for("#compose-to").await;
    to.clear().await.unwrap();
    to.send_keys("12").await.unwrap();
    browser.click("#compose-send").await;
    browser
        .wait_for_text("#compose-error", "phone number doesn't look right")
        .await;
    assert_eq!(browser.value("#compose-body").await, "Hello");
    std::fs::create_dir_all("../../target/artifacts").unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write("../../target/artifacts/compose.png", png).unwrap();
    browser.client.clone().close().await.unwrap();
}

/// The names in the sidebar, top to bottom.
async fn inbox_order(browser: &Browser) -> Vec<String> {
    let mut names = Vec::new();
    for el in browser
        .client
        .find_all(Locator::Css("#inbox-list .inbox-item .inbox-name"))
        .await
        .unwrap()
    {
        names.push(el.text().await.unwrap().trim().to_string());
    }
    names
}

#[tokio::test]
async fn dragging_an_inbox_up_is_kept_after_a_reload() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    app.extra_inbox(&seed, "Billing", &[&seed.ana]).await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    let page = format!("{}/w/{}", app.address, seed.workspace_id);
    c.goto(&page).await.unwrap();
    browser.wait_for(".inbox-item").await;
    let before = inbox_order(&browser).await;
    assert_eq!(before.len(), 2, "{before:?}");
    // The same events a mouse drag fires, in order.
    c.execute(
        "var items = document.querySelectorAll('#inbox-list .inbox-item');
         var dt = new DataTransfer();
         var fire = function (el, type) {
           el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));
         };
         fire(items[1], 'dragstart'); fire(items[0], 'dragover');
         fire(items[0], 'drop'); fire(items[1], 'dragend');",
        vec![],
    )
    .await
    .unwrap();
    let expected: Vec<String> = before.iter().rev().cloned().collect();
    assert_eq!(inbox_order(&browser).await, expected);
    // Saved on the server: a reload shows the new order.
    let mut after = Vec::new();
    for _ in 0..50 {
        c.goto(&page).await.unwrap();
        browser.wait_for(".inbox-item").await;
        after = inbox_order(&browser).await;
        if after == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(after, expected);
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_permalink_opens_the_conversation_at_the_message_highlighted() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let first = app
        .text_from_customer(&seed, "+14155550166", "The very first message")
        .await;
    let switchboard_server::services::inbound::Ingested::Stored { message, .. } = first else {
        panic!("stored");
    };
    // Enough after it that the timeline has to scroll back up to it.
    for i in 0..25 {
        app.text_from_customer(&seed, "+14155550166", &format!("Line {i}\nmore\nmore"))
            .await;
    }
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    let permalink = format!("/w/{}/m/{}", seed.workspace_id, message.id);
    c.goto(&format!("{}{permalink}", app.address))
        .await
        .unwrap();
    let target = format!("#m-{}", message.id);
    browser.wait_for(&target).await;
    let url = c.current_url().await.unwrap();
    assert!(url.path().contains("/c/"), "{url}");
    assert_eq!(url.fragment(), Some(&target[1..]));
    let seen = c
        .execute(
            "var m = document.querySelector(arguments[0]);
             var tl = document.getElementById('timeline').getBoundingClientRect();
             var r = m.getBoundingClientRect();
             var shadow = getComputedStyle(m.querySelector('.msg-bubble')).boxShadow;
             return [m.matches(':target'), r.top >= tl.top - 1 && r.top < tl.bottom,
                     shadow !== 'none', tl.height];",
            vec![json!(target)],
        )
        .await
        .unwrap();
    assert_eq!(seen[0], json!(true), "{seen}");
    assert_eq!(seen[1], json!(true), "scrolled into view: {seen}");
    assert_eq!(seen[2], json!(true), "highlighted: {seen}");

    // "Copy link" copies the absolute permalink.
    c.execute(
        "Object.defineProperty(navigator.clipboard, 'writeText', {value: function (t) {
           window.copied = t; return Promise.resolve(); }});",
        vec![],
    )
    .await
    .unwrap();
    c.execute(
        "document.querySelector(arguments[0] + ' .msg-copy').click();",
        vec![json!(target)],
    )
    .await
    .unwrap();
    browser
        .wait_for_text(&format!("{target} .msg-copy"), "Copied")
        .await;
    let copied = c.execute("return window.copied;", vec![]).await.unwrap();
    assert_eq!(copied, json!(format!("{}{permalink}", app.address)));
    std::fs::create_dir_all("../../target/artifacts").unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write("../../target/artifacts/permalink.png", png).unwrap();
    browser.client.clone().close().await.unwrap();
}

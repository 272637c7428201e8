//! The queue at any length: more rows as it is scrolled (past the first
//! hundred), a live refresh that keeps the reader's place, a choice of
//! order, and bulk actions on ticked rows.

use std::time::Duration;

use fantoccini::Locator;
use reqwest::Method;
use serde_json::Value;

use crate::browser::{app_and_browser, customer_texts, Browser};
use crate::helpers::{Seed, TestApp};

async fn row_count(browser: &Browser) -> usize {
    browser
        .client
        .find_all(Locator::Css("#queue-list .row"))
        .await
        .unwrap()
        .len()
}

async fn wait_for_rows(browser: &Browser, wanted: usize) {
    let mut seen = 0;
    for _ in 0..100 {
        seen = row_count(browser).await;
        if seen == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the queue shows {seen} rows, not {wanted}");
}

async fn count(app: &TestApp, seed: &Seed, query: &str) -> usize {
    let body: Value = app
        .api(
            seed,
            Method::GET,
            &format!("/conversations?{query}&limit=200"),
            Some(&seed.ana),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    body["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn the_queue_loads_past_a_hundred_rows_as_it_is_scrolled_and_keeps_its_place_live() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    for n in 0..130 {
        app.new_conversation(&seed, &format!("+1415555{:04}", 2000 + n), "Hello")
            .await;
    }
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser
        .client
        .goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for("#queue-more").await;
    assert_eq!(row_count(&browser).await, 100);
    let scroll = "var l = document.getElementById('queue-list'); l.scrollTop = l.scrollHeight; return l.scrollTop;";
    browser.client.execute(scroll, vec![]).await.unwrap();
    wait_for_rows(&browser, 130).await;
    assert!(
        !browser.is_shown("#queue-more").await,
        "nothing more to load"
    );

    // A new message refreshes the queue live: still 130 rows deep, still
    // scrolled down.
    browser
        .client
        .execute(
            "document.getElementById('queue-list').scrollTop = 4000;",
            vec![],
        )
        .await
        .unwrap();
    customer_texts(&app, &seed, "+14155559999", "Newest of all").await;
    browser.wait_for_text("#queue-list", "Newest of all").await;
    assert!(row_count(&browser).await >= 130);
    let top = browser
        .client
        .execute(
            "return document.getElementById('queue-list').scrollTop;",
            vec![],
        )
        .await
        .unwrap();
    assert!(top.as_f64().unwrap() > 1000.0, "the scroll was kept: {top}");

    // Another order, from the filters.
    browser.set_value("#queue-sort", "waiting").await;
    browser
        .client
        .execute(
            "document.getElementById('queue-sort').dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await
        .unwrap();
    for _ in 0..50 {
        if browser
            .client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("sort=waiting")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(browser
        .client
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("sort=waiting"));
    assert_eq!(browser.value("#queue-sort").await, "waiting");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn ticked_rows_are_assigned_tagged_and_marked_done_together() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    for n in 0..3 {
        app.new_conversation(&seed, &format!("+1415555{:04}", 3000 + n), "Hi there")
            .await;
    }
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser
        .client
        .goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    wait_for_rows(&browser, 3).await;
    assert!(
        !browser.is_shown("#bulk-bar").await,
        "no bar until a row is ticked"
    );
    let checks = browser
        .client
        .find_all(Locator::Css(".row-check"))
        .await
        .unwrap();
    checks[0].click().await.unwrap();
    checks[1].click().await.unwrap();
    browser.wait_for_text("#bulk-count", "2 selected").await;
    browser.screenshots("queue-bulk").await;

    browser.type_into("#bulk-tag", "vip").await;
    browser.click("#bulk-tag-add").await;
    for _ in 0..50 {
        if count(&app, &seed, "tag=vip").await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(&app, &seed, "tag=vip").await, 2);

    browser.wait_for_text("#queue-list", "vip").await;
    let checks = browser
        .client
        .find_all(Locator::Css(".row-check"))
        .await
        .unwrap();
    for check in &checks {
        check.click().await.unwrap();
    }
    browser.wait_for_text("#bulk-count", "3 selected").await;
    browser.click("#bulk-assign").await;
    for _ in 0..50 {
        if count(&app, &seed, "assignee=me").await == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(&app, &seed, "assignee=me").await, 3);

    browser.wait_for(".marker-mine-new, .marker-mine").await;
    browser.click(".row-check").await;
    browser.click("#bulk-done").await;
    for _ in 0..50 {
        if count(&app, &seed, "view=done").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(&app, &seed, "view=done").await, 1);
    wait_for_rows(&browser, 2).await;
    browser.client.clone().close().await.unwrap();
}

/// Whether the page is still the one loaded when `window.stamp` was set.
async fn same_page(browser: &Browser) -> bool {
    browser
        .client
        .execute("return window.stamp === 42;", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

#[tokio::test]
async fn a_conversation_opens_in_place_keeping_the_queue_and_back_and_forward_work() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    for n in 0..110 {
        app.new_conversation(
            &seed,
            &format!("+1415555{:04}", 4000 + n),
            &format!("Message number {n}"),
        )
        .await;
    }
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    c.goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for("#queue-more").await;
    c.execute("window.stamp = 42; var l = document.getElementById('queue-list'); l.scrollTop = l.scrollHeight;", vec![])
        .await
        .unwrap();
    wait_for_rows(&browser, 110).await;

    // The oldest conversation, far down the queue.
    let last = c
        .find(Locator::Css("#queue-list li:last-child .row"))
        .await
        .unwrap();
    let id = last.attr("data-conversation").await.unwrap().unwrap();
    last.click().await.unwrap();
    browser.wait_for_text("#timeline", "Message number 0").await;
    assert!(same_page(&browser).await, "no page load");
    assert_eq!(row_count(&browser).await, 110, "the loaded rows stay");
    let top = c
        .execute(
            "return document.getElementById('queue-list').scrollTop;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        top.as_f64().unwrap() > 1000.0,
        "the queue kept its scroll: {top}"
    );
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with(&format!("/c/{id}")));
    browser
        .wait_for(&format!(".row.active[data-conversation='{id}']"))
        .await;
    browser.wait_for_text("#details-number", "4000").await;

    // k moves up the queue in place (before any reply moves this one to
    // the top); back retraces the step.
    browser.press('k').await;
    browser.wait_for_text("#timeline", "Message number 1").await;
    c.back().await.unwrap();
    browser.wait_for_text("#timeline", "Message number 0").await;

    // Its composer works like a freshly loaded one, after a swap too.
    browser.type_into("#composer-body", "On our way").await;
    browser.click("#send").await;
    browser.wait_for_text("#timeline", "On our way").await;
    assert!(same_page(&browser).await);

    // Back to the queue alone, and forward again.
    c.back().await.unwrap();
    browser.wait_for(".pane-empty").await;
    c.forward().await.unwrap();
    browser.wait_for_text("#timeline", "On our way").await;
    assert!(
        same_page(&browser).await,
        "back and forward swapped the panes in place"
    );
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_admin_assigns_ticked_rows_to_a_teammate() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    for n in 0..2 {
        app.new_conversation(
            &seed,
            &format!("+1415555{:04}", 6000 + n),
            "Who takes this?",
        )
        .await;
    }
    browser.sign_in_as(&app, &seed.admin.id).await;
    browser
        .client
        .goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    wait_for_rows(&browser, 2).await;
    for check in browser
        .client
        .find_all(Locator::Css(".row-check"))
        .await
        .unwrap()
    {
        check.click().await.unwrap();
    }
    browser.wait_for_text("#bulk-count", "2 selected").await;
    browser.set_value("#bulk-assignee", &seed.ben.id).await;
    browser.click("#bulk-assign-to").await;
    let ben = format!("assignee={}", seed.ben.id);
    for _ in 0..50 {
        if count(&app, &seed, &ben).await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(&app, &seed, &ben).await, 2);
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn agents_are_offered_no_one_but_themselves_to_assign_ticked_rows_to() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    app.new_conversation(&seed, "+14155556100", "Hello").await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser
        .client
        .goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    wait_for_rows(&browser, 1).await;
    browser.click(".row-check").await;
    browser.wait_until_shown("#bulk-assign").await;
    assert!(!browser.is_shown("#bulk-assignee").await);
    browser.client.clone().close().await.unwrap();
}

//! The app on a phone (390×844): one pane at a time — inboxes, queue,
//! conversation, details — with a way back from each, every action within
//! reach, and no page wider than the screen (nor at 1440×900).

use crate::browser::{app_and_browser, customer_texts, Browser};

/// Whether exactly the pane `shown` of the app's panes is on the screen.
async fn only_pane(browser: &Browser, shown: &str) {
    for pane in [
        ".pane-inboxes",
        ".pane-queue",
        ".pane-conversation",
        ".pane-details",
    ] {
        let visible = browser.is_shown(pane).await;
        assert_eq!(
            visible,
            pane == shown,
            "{pane} should {}be shown when {shown} is",
            if pane == shown { "" } else { "not " }
        );
    }
}

#[tokio::test]
async fn on_a_phone_the_app_is_one_pane_at_a_time_with_a_way_back_from_each() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    customer_texts(&app, &seed, "+14155550181", "Is the water heater covered?").await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser.resize(true).await;
    let c = &browser.client;
    c.goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for(".row").await;
    only_pane(&browser, ".pane-queue").await;
    browser.assert_fits("the queue").await;
    browser.screenshot("phone-queue").await;

    // Back to the inboxes, and into one.
    browser.click("#back-to-inboxes").await;
    browser.wait_until_shown(".pane-inboxes").await;
    only_pane(&browser, ".pane-inboxes").await;
    browser.assert_fits("the inboxes").await;
    assert!(
        browser.is_shown(".inbox-gear").await,
        "an inbox's settings are reachable without hovering"
    );
    browser.screenshot("phone-inboxes").await;
    browser.click(".inbox-item .inbox-link").await;
    browser.wait_for_text(".queue-title", "Support").await;
    only_pane(&browser, ".pane-queue").await;

    // Into the conversation: the composer and the menus are there.
    browser.click(".row").await;
    browser.wait_for("#timeline .msg").await;
    only_pane(&browser, ".pane-conversation").await;
    assert!(
        browser.is_shown("#composer-body").await,
        "the composer is on screen"
    );
    assert!(browser.is_shown("#assign-to-me").await);
    browser.assert_fits("a conversation").await;
    browser.screenshot("phone-conversation").await;
    browser.click("#assign-to-me").await;
    browser
        .wait_for_text("#conv-assignee", "Assigned to you")
        .await;
    only_pane(&browser, ".pane-conversation").await;
    browser.click(".menu summary").await;
    browser.wait_until_shown("#transfer-to").await;
    browser.assert_fits("the transfer menu").await;
    browser.screenshot("phone-menu").await;
    browser.click(".menu summary").await;

    // The details are a view of their own, with a way back.
    browser.click("#details-toggle").await;
    browser.wait_until_shown(".pane-details").await;
    only_pane(&browser, ".pane-details").await;
    browser.wait_for_text("#details-number", "415").await;
    browser.assert_fits("the details").await;
    browser.screenshot("phone-details").await;
    browser.click("#details-back").await;
    browser.wait_until_shown(".pane-conversation").await;
    only_pane(&browser, ".pane-conversation").await;

    // And back to the queue it came from.
    browser.click("#back-to-queue").await;
    browser.wait_for_text(".queue-title", "Support").await;
    only_pane(&browser, ".pane-queue").await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn no_page_scrolls_sideways_on_a_phone_or_a_desktop() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(
            &seed,
            "+14155550182",
            "A long message without spaces: https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        )
        .await;
    let ws = &seed.workspace_id;
    let at = |path: &str| format!("{}{path}", app.address);
    let anonymous = [at("/login"), at("/simulator")];
    let agent = [
        at(&format!("/w/{ws}")),
        at(&format!("/w/{ws}#sidebar")),
        at(&format!("/w/{ws}/c/{id}")),
        at(&format!("/w/{ws}/c/{id}#details")),
        at(&format!("/w/{ws}/compose")),
        at(&format!("/w/{ws}/contacts")),
        at(&format!("/w/{ws}/contacts/new")),
        at(&format!("/w/{ws}/contacts/import")),
        at(&format!("/w/{ws}/c/00000000-0000-0000-0000-000000000000")),
    ];
    let admin = [
        at(&format!("/w/{ws}/inboxes/{}/settings", seed.inbox_id)),
        at(&format!("/w/{ws}/inboxes/new")),
        at(&format!("/w/{ws}/integrations")),
    ];
    for phone in [true, false] {
        browser.resize(phone).await;
        for url in &anonymous {
            browser.client.goto(url).await.unwrap();
            browser.wait_for("main").await;
            browser.assert_fits(url).await;
        }
    }
    browser.sign_in_as(&app, &seed.admin.id).await;
    for phone in [true, false] {
        browser.resize(phone).await;
        for url in agent.iter().chain(&admin) {
            browser.client.goto(url).await.unwrap();
            browser.wait_for("main").await;
            browser.assert_fits(url).await;
        }
        // A contact's page, reached from the details pane.
        browser.client.goto(&agent[3]).await.unwrap();
        let edit = browser.wait_for("#edit-contact").await;
        let href = edit.attr("href").await.unwrap().unwrap();
        browser.client.goto(&at(&href)).await.unwrap();
        browser.wait_for("main").await;
        browser.assert_fits("a contact's page").await;
    }
    browser.client.clone().close().await.unwrap();
}

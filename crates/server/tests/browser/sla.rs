//! SLA targets in the queue: sorted by due time, a conversation due soon
//! turns amber and an overdue one red, on a desktop and on a phone; admins
//! set the targets on the inbox settings page.

use chrono::Duration;
use reqwest::Method;
use serde_json::{json, Value};

use crate::browser::{app_and_browser, customer_texts};
use crate::helpers::{Seed, TestApp};

#[tokio::test]
async fn overdue_rows_are_red_and_rows_due_soon_amber_at_both_sizes() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    // Now Maria is overdue (20 minutes late), Omar due in 20 minutes, Lena in an hour.
    maria_omar_and_lena_wait(
        &app,
        &seed,
        ["+14155550191", "+14155550192", "+14155550193"],
    )
    .await;

    browser.sign_in_as(&app, &seed.ana.id).await;
    let queue = format!("{}/w/{}?sort=due", app.address, seed.workspace_id);
    for phone in [false, true] {
        browser.resize(phone).await;
        browser.client.goto(&queue).await.unwrap();
        browser.wait_for(".row.sla-breached").await;
        let rows = browser
            .client
            .find_all(fantoccini::Locator::Css("#queue-list .row"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 3);
        let mut classes = Vec::new();
        let mut texts = Vec::new();
        for row in &rows {
            classes.push(row.attr("class").await.unwrap().unwrap_or_default());
            texts.push(row.text().await.unwrap());
        }
        assert!(classes[0].contains("sla-breached"), "{classes:?}");
        assert!(texts[0].contains("Overdue since"), "{texts:?}");
        assert!(classes[1].contains("sla-soon"), "{classes:?}");
        assert!(classes[2].contains("sla-ok"), "{classes:?}");
        assert!(texts[2].contains("Due "), "{texts:?}");
        if phone {
            browser.assert_fits("the queue with due times").await;
        }
        browser
            .screenshot(if phone {
                "sla-queue-phone"
            } else {
                "sla-queue"
            })
            .await;
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_admin_sets_sla_targets_on_the_settings_page_at_both_sizes() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.admin.id).await;
    let settings = format!(
        "{}/w/{}/inboxes/{}/settings",
        app.address, seed.workspace_id, seed.inbox_id
    );
    for phone in [true, false] {
        browser.resize(phone).await;
        browser.client.goto(&settings).await.unwrap();
        browser.wait_for("#sla-form").await;
        browser.assert_fits("the SLA card").await;
    }
    browser.resize(true).await;
    browser.type_into("#sla_normal_first", "60").await;
    browser.type_into("#sla_normal_resolution", "2880").await;
    browser.type_into("#sla_urgent_first", "15").await;
    browser.click_centred("#save-sla").await;
    browser.wait_for_text("#notice", "Saved").await;
    assert_eq!(browser.value("#sla_normal_first").await, "60");
    assert_eq!(browser.value("#sla_urgent_next").await, "");

    let inbox: serde_json::Value = app
        .api(
            &seed,
            Method::GET,
            &format!("/inboxes/{}", seed.inbox_id),
            Some(&seed.admin),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["sla"]["normal"]["first_response_mins"], 60);
    assert_eq!(inbox["sla"]["normal"]["resolution_mins"], 2880);
    assert_eq!(inbox["sla"]["urgent"]["first_response_mins"], 15);
    assert_eq!(inbox["sla"]["high"]["first_response_mins"], Value::Null);
    browser.screenshot("sla-settings-phone").await;
    browser.resize(false).await;
    browser.client.clone().close().await.unwrap();
}

/// The classes of the queue's rows, in order.
async fn row_classes(browser: &crate::browser::Browser) -> Vec<String> {
    let rows = browser
        .client
        .find_all(fantoccini::Locator::Css("#queue-list .row"))
        .await
        .unwrap();
    let mut classes = Vec::new();
    for row in rows {
        classes.push(row.attr("class").await.unwrap().unwrap_or_default());
    }
    classes
}

#[tokio::test]
async fn rows_turn_amber_and_red_as_due_times_pass_while_the_page_is_open_at_both_sizes() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let sla = json!({ "sla": { "normal": { "first_response_mins": 60 } } });
    let path = format!("/inboxes/{}", seed.inbox_id);
    let saved = app
        .api(&seed, Method::PATCH, &path, Some(&seed.admin), Some(sla))
        .await;
    assert_eq!(saved.status(), 200);
    // Maria writes first, Omar half an hour later: each is due an hour on.
    let start = app.state.clock.now();
    customer_texts(&app, &seed, "+14155550194", "Maria: my order?").await;
    app.travel_to(start + Duration::minutes(30));
    customer_texts(&app, &seed, "+14155550195", "Omar: refund?").await;
    app.settle_jobs().await;

    browser.sign_in_as(&app, &seed.ana.id).await;
    let queue = format!("{}/w/{}?sort=due", app.address, seed.workspace_id);
    for phone in [true, false] {
        // Eight seconds before Maria's hour is up: she is due soon (amber),
        // Omar has 30 minutes and 8 seconds (fine). Nothing runs on the
        // server from here on: only the page's script can change a row.
        app.travel_to(start + Duration::minutes(59) + Duration::seconds(52));
        browser.resize(phone).await;
        browser.client.goto(&queue).await.unwrap();
        browser.wait_for("#queue-list .row.sla-soon").await;
        let before = row_classes(&browser).await;
        assert_eq!(before.len(), 2, "{before:?}");
        assert!(before[0].contains("sla-soon"), "{before:?}");
        assert!(before[1].contains("sla-ok"), "{before:?}");
        // A mark on the first row: still there after, so neither the page
        // nor the list was loaded again.
        browser
            .client
            .execute(
                "document.querySelector('#queue-list .row').dataset.probe = 'kept';",
                vec![],
            )
            .await
            .unwrap();

        let mut after = before.clone();
        for _ in 0..200 {
            after = row_classes(&browser).await;
            if after[0].contains("sla-breached") && after[1].contains("sla-soon") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(after[0].contains("sla-breached"), "{after:?}");
        assert!(after[1].contains("sla-soon"), "{after:?}");
        let first = browser.wait_for("#queue-list .row").await;
        assert_eq!(
            first.attr("data-probe").await.unwrap().as_deref(),
            Some("kept")
        );
        assert!(first.text().await.unwrap().contains("Overdue since"));
        if phone {
            browser.assert_fits("the queue as due times pass").await;
        }
        browser
            .screenshot(if phone { "sla-live-phone" } else { "sla-live" })
            .await;
    }
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_breaching_soon_filter_keeps_rows_due_soon_or_overdue_at_both_sizes() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    // Maria is overdue, Omar due in 20 minutes, Lena in an hour.
    maria_omar_and_lena_wait(
        &app,
        &seed,
        ["+14155550196", "+14155550197", "+14155550198"],
    )
    .await;

    browser.sign_in_as(&app, &seed.ana.id).await;
    let queue = format!("{}/w/{}", app.address, seed.workspace_id);
    for phone in [true, false] {
        browser.resize(phone).await;
        browser.client.goto(&queue).await.unwrap();
        browser.wait_for("#queue-sla").await;
        assert_eq!(row_classes(&browser).await.len(), 3);
        browser.set_value("#queue-sla", "at_risk").await;
        browser.click_centred("#filters button[type=submit]").await;
        browser.wait_for_text(".queue-head", "Clear").await;
        let rows = row_classes(&browser).await;
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows.iter().any(|r| r.contains("sla-breached")), "{rows:?}");
        assert!(rows.iter().any(|r| r.contains("sla-soon")), "{rows:?}");
        assert_eq!(browser.value("#queue-sla").await, "at_risk");
        // A link to the view with no order chosen reads soonest due first.
        browser
            .client
            .goto(&format!("{queue}?sla=at_risk"))
            .await
            .unwrap();
        browser.wait_for("#queue-sla").await;
        let rows = row_classes(&browser).await;
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].contains("sla-breached"), "{rows:?}");
        assert!(rows[1].contains("sla-soon"), "{rows:?}");
        assert_eq!(browser.value("#queue-sort").await, "due");
        if phone {
            browser.assert_fits("the breaching-soon filter").await;
        }
        browser
            .screenshot(if phone {
                "sla-filter-phone"
            } else {
                "sla-filter"
            })
            .await;
    }
    browser.client.clone().close().await.unwrap();
}

/// A first-response target of an hour; Maria writes (from `phones[0]`),
/// Omar 40 minutes later, Lena 80 minutes later, and the clock stays there:
/// Maria is 20 minutes overdue, Omar due in 20 minutes, Lena in an hour.
async fn maria_omar_and_lena_wait(app: &TestApp, seed: &Seed, phones: [&str; 3]) {
    let sla = json!({ "sla": { "normal": { "first_response_mins": 60 } } });
    assert_eq!(app.patch_support_inbox(seed, sla).await.status(), 200);
    let start = app.state.clock.now();
    let texts = ["Maria: my order?", "Omar: refund?", "Lena: hello"];
    for (minutes, (phone, text)) in [0, 40, 80].into_iter().zip(phones.iter().zip(texts)) {
        if minutes > 0 {
            app.travel_to(start + Duration::minutes(minutes));
        }
        customer_texts(app, seed, phone, text).await;
    }
    app.settle_jobs().await;
}

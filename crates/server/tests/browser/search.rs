//! The queue's search box: words found by their start, hits marked (and
//! escaped), the message that matched shown, combined with the filters.

use crate::browser::{app_and_browser, customer_texts};

#[tokio::test]
async fn the_search_box_finds_words_by_their_start_and_marks_the_hits() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    customer_texts(&app, &seed, "+14155550185", "My <b>Rinnai</b> heater leaks").await;
    customer_texts(&app, &seed, "+14155550185", "Thanks, see you then").await;
    customer_texts(&app, &seed, "+14155550186", "Can you come Tuesday?").await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    c.goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser
        .wait_for_text("#queue-list", "Can you come Tuesday?")
        .await;

    browser.type_into("#queue-search", "rinn\n").await;
    browser.wait_for_text("mark.hit", "Rinnai").await;
    let rows = browser
        .client
        .find_all(fantoccini::Locator::Css(".row"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "only the conversation that mentions it");
    // The message that matched, not the last one, and as text.
    browser
        .wait_for_text(".row-preview", "My <b>Rinnai</b> heater leaks")
        .await;
    browser.assert_fits("search results").await;
    browser.screenshots("search").await;

    // Opening it keeps the search; combined with a filter nothing matches.
    browser.click(".row").await;
    browser.wait_for("#timeline .msg").await;
    assert_eq!(browser.value("#queue-search").await, "rinn");
    browser.set_value("select[name=priority]", "urgent").await;
    browser.click("#filters button[type=submit]").await;
    browser
        .wait_for_text(".queue-empty", "No conversation matches")
        .await;
    browser.client.clone().close().await.unwrap();
}

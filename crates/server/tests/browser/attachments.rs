//! Pictures in the reply box (MMS out): picked, shown as removable
//! thumbnails, refused readably when they cannot be sent, and once sent
//! shown inline in the timeline and on the customer's simulated phone.

use std::path::PathBuf;

use fantoccini::Locator;
use serde_json::{json, Value};

use crate::browser::{app_and_browser, Browser};

const CUSTOMER: &str = "+14155550177";

/// The test PNG (testdata/media/tap.png), as a path the browser can read.
fn png_path() -> String {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/media/tap.png"
    ))
    .canonicalize()
    .expect("testdata/media/tap.png")
    .display()
    .to_string()
}

/// Picks `path` in the reply box's file picker.
async fn pick(browser: &Browser, path: &str) {
    let input = browser.wait_for("#attach-input").await;
    input.send_keys(path).await.unwrap();
}

/// How many images matching `css` have loaded (drawn with a width).
async fn loaded_images(browser: &Browser, css: &str) -> i64 {
    browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll(arguments[0])).filter(i => i.complete && i.naturalWidth > 0).length;",
            vec![json!(css)],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap()
}

/// Waits up to 10 s until `count` images matching `css` have loaded.
async fn wait_for_images(browser: &Browser, css: &str, count: i64) {
    for _ in 0..100 {
        if loaded_images(browser, css).await >= count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{count} loaded images {css} never showed");
}

#[tokio::test]
async fn a_picture_picked_in_the_reply_box_shows_in_the_timeline_and_on_the_customers_phone() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    // The customer texts from the simulated phone.
    let texted: Value = app
        .client
        .post(format!("{}/simulator/api/messages", app.address))
        .json(&json!({"from": CUSTOMER, "to": seed.channel.address, "body": "Which tap do you mean?"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let conversation = texted["conversation_id"].as_str().unwrap().to_string();
    browser.sign_in_as(&app, &seed.ana.id).await;
    let page = format!("{}/w/{}/c/{conversation}", app.address, seed.workspace_id);

    // What cannot be sent is said in words, and nothing is attached.
    let svg = std::env::temp_dir().join(format!("switchboard-{}.svg", uuid::Uuid::now_v7()));
    std::fs::write(
        &svg,
        "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    )
    .unwrap();
    browser.client.goto(&page).await.unwrap();
    pick(&browser, &svg.display().to_string()).await;
    browser.wait_for_text("#send-error", "cannot be sent").await;
    browser.wait_for_text("#send-error", "PNG").await;
    std::fs::remove_file(&svg).unwrap();
    // A picked picture can be taken off again before sending.
    pick(&browser, &png_path()).await;
    browser.wait_for("#attachments li[data-media-id]").await;
    wait_for_images(&browser, "#attachments img", 1).await;
    browser.click("#attachments .attachment-remove").await;
    assert!(!browser.is_shown("#attachments li").await);

    for (sent, phone) in [(1, false), (2, true)] {
        browser.resize(phone).await;
        browser.client.goto(&page).await.unwrap();
        pick(&browser, &png_path()).await;
        browser.wait_for("#attachments li[data-media-id]").await;
        wait_for_images(&browser, "#attachments img", 1).await;
        browser.assert_fits("the reply box with a picture").await;
        // No text needed: the picture is the reply.
        browser.click("#send").await;
        wait_for_images(&browser, ".msg-outbound .msg-media-image img", sent).await;
        assert!(
            !browser.is_shown("#attachments li").await,
            "sent, so cleared"
        );
        browser.assert_fits("the timeline with a picture").await;
    }
    browser.resize(false).await;
    browser.client.goto(&page).await.unwrap();
    // The queue says what a reply with only a picture is.
    browser.wait_for_text(".row-preview", "Attachment").await;
    // The page shows what it sent; the other side is the phone's.
    assert_eq!(
        browser
            .client
            .find_all(Locator::Css(".msg-outbound .msg-media-image img"))
            .await
            .unwrap()
            .len(),
        2
    );
    browser.screenshots("attachments-timeline").await;

    // The simulator delivers; the customer's phone shows both pictures.
    app.run_due_jobs().await;
    let phone = format!(
        "{}/simulator?number={}&to={}",
        app.address,
        CUSTOMER.replace('+', "%2B"),
        seed.channel.address.replace('+', "%2B")
    );
    for (small, size) in [(false, "desktop"), (true, "phone")] {
        browser.resize(small).await;
        browser.client.goto(&phone).await.unwrap();
        wait_for_images(&browser, ".bubble-media img", 2).await;
        browser
            .assert_fits("the simulated phone with pictures")
            .await;
        // The phone sits below the page's help on a small screen.
        browser
            .client
            .execute(
                "document.querySelector('.bubble-media img').scrollIntoView({block: 'center'});",
                vec![],
            )
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        browser
            .screenshot(&format!("attachments-simulator-{size}"))
            .await;
    }
    browser.client.clone().close().await.unwrap();
}

//! Scheduled send in the web app: a reply scheduled from the composer's
//! menu shows in the timeline as scheduled, with the time it goes, and
//! Cancel cancels it, on a desktop and on a phone.

use reqwest::Method;
use serde_json::json;

use crate::browser::app_and_browser;
use crate::helpers::json_of;

#[tokio::test]
async fn a_reply_scheduled_from_the_composer_shows_as_scheduled_and_can_be_cancelled() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550194", "Can you call me tomorrow morning?")
        .await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    let page = format!("{}/w/{}/c/{id}", app.address, seed.workspace_id);
    for (round, phone) in [false, true].into_iter().enumerate() {
        browser.resize(phone).await;
        browser.client.goto(&page).await.unwrap();
        let text = format!("Good morning! Calling you in five minutes ({round}).");
        browser.type_into("#composer-body", &text).await;
        browser
            .client
            .execute(
                "var m = document.getElementById('send-later'); m.value = 'tomorrow'; \
                 m.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![],
            )
            .await
            .unwrap();
        browser.wait_for_text("#send", "Schedule").await;
        browser.click("#send").await;
        browser
            .wait_for_text(".msg-scheduled-scheduled", "Scheduled for")
            .await;
        browser
            .wait_for_text(".msg-scheduled-scheduled", &text)
            .await;
        // Not sent: the timeline has no reply, and the composer is empty again.
        assert_eq!(browser.value("#composer-body").await, "");
        assert!(
            !browser
                .is_shown(".msg.msg-outbound:not(.msg-scheduled)")
                .await
        );
        browser
            .assert_fits("the timeline with a scheduled reply")
            .await;
        browser
            .screenshot(if phone {
                "scheduled-reply-phone"
            } else {
                "scheduled-reply-desktop"
            })
            .await;

        browser
            .click(".msg-scheduled-scheduled .scheduled-cancel")
            .await;
        browser
            .wait_for_text(".msg-scheduled-cancelled", "Cancelled (was scheduled for")
            .await;
        assert!(!browser.is_shown(".msg-scheduled-scheduled").await);
        let path = format!("/conversations/{id}/timeline?limit=200");
        let timeline = json_of(
            app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
                .await,
            200,
        )
        .await;
        let cancelled: Vec<_> = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["type"] == "message_scheduled")
            .map(|i| i["message"]["delivery_status"].clone())
            .collect();
        assert_eq!(cancelled, vec![json!("cancelled"); round + 1]);
    }
    browser.client.clone().close().await.unwrap();
}

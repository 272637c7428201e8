//! Canned replies: saved on their page (a refusal keeps what was typed),
//! offered in the composer after "/", inserted filled in for the
//! conversation — at 1440×900 and 390×844.

use crate::browser::app_and_browser;

/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

#[tokio::test]
async fn a_saved_reply_is_offered_after_a_slash_and_inserted_filled_in() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let ws = &seed.workspace_id;
    let id = app
        .new_conversation(&seed, "+14155550166", "Can I get a refund?")
        .await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser
        .client
        .goto(&format!("{}/w/{ws}/replies", app.address))
        .await
        .unwrap();

    // A refused reply names the problem and keeps the text.
    browser.type_into("#new-shortcut", "thanks").await;
    browser
        .type_into("#new-body", "Thanks {{contact.nickname}}")
        .await;
    browser.click("#add-reply-button").await;
    browser
        .wait_for_text("#settings-error", "contact.nickname")
        .await;
    assert_eq!(
        browser.value("#new-body").await,
        "Thanks {{contact.nickname}}"
    );
    browser
        .type_into(
            "#new-body",
            "Thanks for writing to {{inbox.name}}! — {{agent.first_name}}",
        )
        .await;
    browser.click("#add-reply-button").await;
    browser.wait_for_text("#notice", "Saved /thanks.").await;
    browser.wait_for_text("#my-replies", "/thanks").await;
    assert!(
        !browser.is_shown("#new-shared").await,
        "agents keep their own replies; sharing is for admins"
    );

    for phone in [false, true] {
        browser.resize(phone).await;
        browser
            .client
            .goto(&format!("{}/w/{ws}/c/{id}", app.address))
            .await
            .unwrap();
        browser.type_into("#composer-body", "/th").await;
        browser.wait_for_text("#canned-menu", "/thanks").await;
        browser
            .assert_fits("the composer with its canned replies")
            .await;
        browser
            .wait_for("#composer-body")
            .await
            .send_keys(ENTER)
            .await
            .unwrap();
        let inserted = "Thanks for writing to Support! — Ana";
        for _ in 0..50 {
            if browser.value("#composer-body").await == inserted {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(browser.value("#composer-body").await, inserted);
        assert!(!browser.is_shown("#canned-menu").await, "the menu closed");
        // A shortcut nobody saved says so.
        browser.type_into("#composer-body", "/zz").await;
        browser
            .wait_for_text("#canned-menu", "No canned reply starts with /zz")
            .await;
        browser.type_into("#composer-body", "").await;
    }
    browser.screenshots("canned-replies").await;
    browser.client.clone().close().await.unwrap();
}

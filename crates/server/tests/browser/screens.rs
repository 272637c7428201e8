//! The main screens, saved as pictures at desktop (1440×900) and phone
//! (390×844) sizes under `artifacts/` for people to look at.

use crate::browser::{app_and_browser, customer_texts};

#[tokio::test]
async fn the_main_screens_are_saved_at_desktop_and_phone_sizes() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    app.set_password(&seed.ana, "correct horse battery").await;
    let c = &browser.client;
    c.goto(&format!("{}/login", app.address)).await.unwrap();
    browser.wait_for_text("h1", "Sign in").await;
    browser.screenshots("login").await;

    customer_texts(&app, &seed, "+14155550191", "My sink is leaking").await;
    customer_texts(&app, &seed, "+14155550192", "Can you come Tuesday?").await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    c.goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.click(".row").await;
    browser.wait_for("#timeline .msg").await;
    browser.screenshots("queue-conversation").await;

    browser.sign_in_as(&app, &seed.admin.id).await;
    c.goto(&format!(
        "{}/w/{}/inboxes/{}/settings",
        app.address, seed.workspace_id, seed.inbox_id
    ))
    .await
    .unwrap();
    browser.wait_for_text("h1", "Support").await;
    browser.screenshots("settings").await;
    browser.client.clone().close().await.unwrap();
}

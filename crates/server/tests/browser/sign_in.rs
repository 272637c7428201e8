//! Signing in on the way to somewhere: a link opened while signed out still
//! lands where it pointed, and only ever on this site.

use fantoccini::Locator;

use switchboard_server::services::inbound::Ingested;

use crate::browser::{app_and_browser, Browser};

async fn sign_in(browser: &Browser, email: &str, password: &str) {
    browser.wait_for_text("h1", "Sign in").await;
    browser.type_into("#email", email).await;
    browser.type_into("#password", password).await;
    browser.click("button[type=submit]").await;
}

#[tokio::test]
async fn a_message_link_opened_while_signed_out_lands_on_its_message_after_signing_in() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    app.set_password(&seed.ana, "correct horse battery").await;
    let ingested = app
        .text_from_customer(&seed, "+14155550181", "The boiler is making noises")
        .await;
    let Ingested::Stored {
        conversation,
        message,
    } = ingested
    else {
        panic!("stored");
    };
    let (conversation, message) = (conversation.id.to_string(), message.id.to_string());
    let c = &browser.client;
    c.goto(&format!(
        "{}/w/{}/m/{message}",
        app.address, seed.workspace_id
    ))
    .await
    .unwrap();
    sign_in(&browser, &seed.ana.email, "correct horse battery").await;
    browser
        .wait_for_text(&format!("#m-{message}"), "The boiler is making noises")
        .await;
    let url = c.current_url().await.unwrap();
    assert_eq!(
        url.path(),
        format!("/w/{}/c/{conversation}", seed.workspace_id)
    );
    assert_eq!(url.fragment(), Some(format!("m-{message}").as_str()));
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_login_link_never_sends_anyone_to_another_site() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    app.set_password(&seed.ana, "correct horse battery").await;
    let c = &browser.client;
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
        c.goto(&format!("{}/login?next={encoded}", app.address))
            .await
            .unwrap();
        sign_in(&browser, &seed.ana.email, "correct horse battery").await;
        browser.wait_for(".me-name").await;
        let url = c.current_url().await.unwrap();
        assert_eq!(url.host_str(), Some("127.0.0.1"), "{next} led to {url}");
        c.find(Locator::Css("form[action='/logout'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        browser.wait_for_text("h1", "Sign in").await;
    }
    browser.client.clone().close().await.unwrap();
}

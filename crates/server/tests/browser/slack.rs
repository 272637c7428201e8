//! The Slack part of the integrations page: the app manifest with this
//! server's interactivity URL, connecting with the stand-in's token (a
//! wrong one refused), a revoked token shown to admins, disconnecting — at
//! a desktop's and a phone's size, on both databases.

use slack_standin::{SlackStandin, BOT_TOKEN, SIGNING_SECRET};
use store::Backend;
use switchboard_server::services::inbound::Ingested;
use switchboard_server::services::notifications::{slack, Notice, Recipient, Trigger};

use crate::browser::{start, Browser};
use crate::helpers::{spawn_app_with, Seed, TestApp};

#[tokio::test]
async fn an_admin_connects_and_disconnects_slack_sqlite() {
    an_admin_connects_and_disconnects_slack(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_admin_connects_and_disconnects_slack_postgres() {
    an_admin_connects_and_disconnects_slack(Backend::Postgres).await;
}

async fn an_admin_connects_and_disconnects_slack(backend: Backend) {
    let Some(browser) = start().await else {
        return;
    };
    let slack = SlackStandin::start().await.unwrap();
    let Some(app) = spawn_app_with(backend, |s| {
        s.public_url = "http://127.0.0.1:0".into();
        s.slack_api_base = slack.api_base.clone();
    })
    .await
    else {
        return;
    };
    let seed = app.seed().await;
    let c = &browser.client;
    browser.sign_in_as(&app, &seed.admin.id).await;
    let page = format!("{}/w/{}/integrations", app.address, seed.workspace_id);
    c.goto(&page).await.unwrap();
    browser.wait_for("#slack-manifest").await;
    let manifest = browser.value("#slack-manifest").await;
    let url = format!("request_url: \"{}/hooks/slack/interactions\"", app.address);
    assert!(manifest.contains(&url), "{manifest}");
    browser.wait_until_shown("#copy-manifest").await;
    fits_both_sizes(&browser, "the Slack section, not connected").await;

    // A token Slack does not know is refused; nothing is connected.
    browser.type_into("#slack-bot-token", "xoxb-not-ours").await;
    browser
        .type_into("#slack-signing-secret", SIGNING_SECRET)
        .await;
    browser.click("#slack-connect-button").await;
    browser.wait_for_text("#slack-error", "invalid_auth").await;
    assert!(!browser.is_shown("#slack-status").await);

    browser.type_into("#slack-bot-token", BOT_TOKEN).await;
    browser
        .type_into("#slack-signing-secret", SIGNING_SECRET)
        .await;
    browser.click("#slack-connect-button").await;
    browser
        .wait_for_text("#notice", "Slack connected: Stand-in Slack")
        .await;
    browser
        .wait_for_text("#slack-status", "Stand-in Slack")
        .await;
    browser.wait_for_text("#slack-status", "@switchboard").await;
    let source = c.source().await.unwrap();
    assert!(!source.contains(BOT_TOKEN) && !source.contains(SIGNING_SECRET));
    fits_both_sizes(&browser, "the Slack section, connected").await;

    // Slack revokes the token: the next notification fails and admins are told.
    slack.revoke_token();
    let failed = notify(&app, &seed).await;
    assert!(failed.is_err());
    c.goto(&page).await.unwrap();
    browser
        .wait_for_text("#slack-problem", "Slack: token revoked on")
        .await;
    browser.screenshots("slack-settings").await;

    browser.click("#slack-disconnect").await;
    browser
        .wait_for_text("#notice", "Slack disconnected.")
        .await;
    assert!(!browser.is_shown("#slack-status").await);
    assert!(!browser.is_shown("#slack-problem").await);
    browser.wait_until_shown("#slack-manifest").await;
    browser.client.clone().close().await.unwrap();
}

/// The page fits a phone's width and a desktop's.
async fn fits_both_sizes(browser: &Browser, what: &str) {
    browser.resize(true).await;
    browser.assert_fits(&format!("{what} (390×844)")).await;
    browser.resize(false).await;
    browser.assert_fits(&format!("{what} (1440×900)")).await;
}

/// A customer texts, and the rules engine's Slack delivery runs.
async fn notify(app: &TestApp, seed: &Seed) -> Result<(), switchboard_server::jobs::JobError> {
    let Ingested::Stored { conversation, .. } = app
        .text_from_customer(seed, "+14155550123", "Is anyone there?")
        .await
    else {
        panic!("the text is stored");
    };
    let notice = Notice {
        workspace_id: conversation.workspace_id.clone(),
        inbox_id: Some(conversation.inbox_id.clone()),
        conversation_id: Some(conversation.id.clone()),
        trigger: Trigger::Inbound,
        recipient: Recipient::SlackChannel {
            channel: "C0SUPPORT".into(),
        },
        event_seq: 1,
    };
    slack::deliver(&app.state, &notice).await
}

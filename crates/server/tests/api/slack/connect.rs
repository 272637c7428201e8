//! An admin connects Slack with the app's bot token and signing secret.

use reqwest::Method;
use serde_json::json;
use slack_standin::{BOT_TOKEN, SIGNING_SECRET};
use store::Backend;

use super::unconnected;
use crate::helpers::{assert_problem, json_of};

on_both_backends!(
    connecting_checks_the_token_and_never_returns_a_secret,
    only_admins_connect_and_disconnect,
);

async fn connecting_checks_the_token_and_never_returns_a_secret(backend: Backend) {
    let Some((app, seed, slack)) = unconnected(backend).await else {
        return;
    };
    let before = json_of(
        app.api(
            &seed,
            Method::GET,
            "/integrations/slack",
            Some(&seed.admin),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(before["connected"], false);
    // The manifest is ready to paste, with this server's interactivity URL.
    let manifest = before["manifest"].as_str().unwrap();
    assert!(
        manifest.contains(&format!(
            "request_url: \"{}/hooks/slack/interactions\"",
            app.address
        )),
        "{manifest}"
    );
    assert!(manifest.contains("chat:write"), "{manifest}");

    // A token Slack does not know is refused, naming the field and Slack's reason.
    let wrong = json!({"bot_token": "xoxb-not-the-token", "signing_secret": SIGNING_SECRET});
    let refused = app
        .api(
            &seed,
            Method::PUT,
            "/integrations/slack",
            Some(&seed.admin),
            Some(wrong),
        )
        .await;
    let problem = assert_problem(refused, 422, "validation").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("bot_token") && detail.contains("invalid_auth"),
        "{detail}"
    );
    let missing = json!({"bot_token": BOT_TOKEN, "signing_secret": "  "});
    let refused = app
        .api(
            &seed,
            Method::PUT,
            "/integrations/slack",
            Some(&seed.admin),
            Some(missing),
        )
        .await;
    let problem = assert_problem(refused, 422, "validation").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("signing_secret"));
    assert_eq!(
        json_of(
            app.api(
                &seed,
                Method::GET,
                "/integrations/slack",
                Some(&seed.admin),
                None
            )
            .await,
            200
        )
        .await["connected"],
        false
    );

    let good = json!({"bot_token": BOT_TOKEN, "signing_secret": SIGNING_SECRET});
    let answer = app
        .api(
            &seed,
            Method::PUT,
            "/integrations/slack",
            Some(&seed.admin),
            Some(good),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let text = answer.text().await.unwrap();
    assert!(
        !text.contains(BOT_TOKEN) && !text.contains(SIGNING_SECRET),
        "{text}"
    );
    let connected: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(connected["connected"], true);
    assert_eq!(connected["team"], slack_standin::TEAM_NAME);
    assert_eq!(connected["bot_user"], slack_standin::BOT_USER);
    assert!(connected["connected_at"].is_string());
    assert!(connected["token_problem"].is_null());
    assert_eq!(slack.calls_to("auth.test").len(), 2);

    let read = app
        .api(
            &seed,
            Method::GET,
            "/integrations/slack",
            Some(&seed.owner),
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !read.contains(BOT_TOKEN) && !read.contains(SIGNING_SECRET),
        "{read}"
    );
    assert!(read.contains("\"connected\":true"), "{read}");
}

async fn only_admins_connect_and_disconnect(backend: Backend) {
    let Some((app, seed, _slack)) = unconnected(backend).await else {
        return;
    };
    let good = json!({"bot_token": BOT_TOKEN, "signing_secret": SIGNING_SECRET});
    let refused = app
        .api(
            &seed,
            Method::PUT,
            "/integrations/slack",
            Some(&seed.ana),
            Some(good.clone()),
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
    let answer = app
        .api(
            &seed,
            Method::PUT,
            "/integrations/slack",
            Some(&seed.owner),
            Some(good),
        )
        .await;
    json_of(answer, 200).await;
    let refused = app
        .api(
            &seed,
            Method::DELETE,
            "/integrations/slack",
            Some(&seed.ana),
            None,
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
    let done = app
        .api(
            &seed,
            Method::DELETE,
            "/integrations/slack",
            Some(&seed.admin),
            None,
        )
        .await;
    assert_eq!(done.status(), 204);
    let after = json_of(
        app.api(
            &seed,
            Method::GET,
            "/integrations/slack",
            Some(&seed.admin),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(after["connected"], false);
    let again = app
        .api(
            &seed,
            Method::DELETE,
            "/integrations/slack",
            Some(&seed.admin),
            None,
        )
        .await;
    assert_problem(again, 404, "not_found").await;
}

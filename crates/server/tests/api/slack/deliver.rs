//! A notification posted to Slack, and kept up to date as the conversation
//! changes; Slack's rate limits and a revoked token.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use slack_standin::Failure;
use store::Backend;
use switchboard_server::jobs::JobError;
use switchboard_server::services::inbound::Ingested;
use switchboard_server::services::notifications::{slack, Medium, Notice, Recipient, Trigger};

use super::{connected, CHANNEL};
use crate::helpers::json_of;

on_both_backends!(
    a_notification_shows_the_conversation_with_open_assign_and_hide,
    a_change_made_through_the_api_updates_the_message_in_place,
    a_rate_limited_call_is_retried_after_the_wait_slack_asked_for,
    a_revoked_token_fails_the_job_and_admins_are_told,
    a_member_who_chose_slack_hears_by_direct_message,
);

async fn a_notification_shows_the_conversation_with_open_assign_and_hide(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    // A channel Slack does not know: given up at once, saying why.
    world
        .slack
        .fail_next("chat.postMessage", Failure::Error("channel_not_found"));
    assert_eq!(
        world.notify_channel().await,
        Err(JobError::Fail(
            "Slack refused: chat.postMessage: channel_not_found".into()
        ))
    );
    world.notify_channel().await.unwrap();
    let message = world.only_message();
    assert_eq!(message.channel, CHANNEL);
    let blocks = message.blocks.to_string();
    for shown in [
        "Support",
        "+14155550123",
        "My sink is leaking",
        "*Status:* New",
        "Unassigned",
    ] {
        assert!(blocks.contains(shown), "{shown} in {blocks}");
    }
    assert!(
        message.text.contains("My sink is leaking"),
        "{}",
        message.text
    );
    let buttons = message.blocks[3]["elements"].as_array().unwrap();
    let ids: Vec<&str> = buttons
        .iter()
        .map(|b| b["action_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["open", "assign", "hide"]);
    assert_eq!(
        buttons[0]["url"],
        format!(
            "{}/w/{}/c/{}",
            world.app.address, world.seed.workspace_id, world.conversation_id
        )
    );
    assert!(buttons
        .iter()
        .all(|b| b["value"] == world.conversation_id.as_str()));
}

async fn a_change_made_through_the_api_updates_the_message_in_place(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    let (app, seed) = (&world.app, &world.seed);
    world.notify_channel().await.unwrap();
    let path = format!("/conversations/{}/assign", world.conversation_id);
    let body = json!({"user_id": seed.ana.id});
    json_of(
        app.api(seed, Method::POST, &path, Some(&seed.owner), Some(body))
            .await,
        200,
    )
    .await;
    let path = format!("/conversations/{}", world.conversation_id);
    let body = json!({"priority": "urgent"});
    json_of(
        app.api(seed, Method::PATCH, &path, Some(&seed.ana), Some(body))
            .await,
        200,
    )
    .await;
    let path = format!("/conversations/{}/tags", world.conversation_id);
    let body = json!({"tags": ["plumbing"]});
    json_of(
        app.api(seed, Method::PUT, &path, Some(&seed.ana), Some(body))
            .await,
        200,
    )
    .await;
    app.run_due_jobs().await;

    let message = world.only_message();
    let blocks = message.blocks.to_string();
    for shown in [
        seed.ana.name.as_str(),
        "*Priority:* Urgent",
        "*Tags:* plumbing",
        "*Status:* Open",
    ] {
        assert!(blocks.contains(shown), "{shown} in {blocks}");
    }
    // One rewrite for the batch of changes, not one per change.
    assert_eq!(world.slack.calls_to("chat.update").len(), 1);
    assert_eq!(world.slack.calls_to("chat.postMessage").len(), 1);
}

async fn a_rate_limited_call_is_retried_after_the_wait_slack_asked_for(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    let (app, seed) = (&world.app, &world.seed);
    world
        .slack
        .fail_next("chat.postMessage", Failure::RateLimited(7));
    assert_eq!(
        world.notify_channel().await,
        Err(JobError::Retry {
            after: Some(Duration::from_secs(7)),
            reason: "Slack is rate limiting us; retry after 7 s".into()
        })
    );
    world.notify_channel().await.unwrap();

    world
        .slack
        .fail_next("chat.update", Failure::RateLimited(30));
    let path = format!("/conversations/{}", world.conversation_id);
    let body = json!({"priority": "high"});
    json_of(
        app.api(seed, Method::PATCH, &path, Some(&seed.owner), Some(body))
            .await,
        200,
    )
    .await;
    app.run_due_jobs().await;
    assert_eq!(world.slack.calls_to("chat.update").len(), 1);
    assert!(!world.only_message().blocks.to_string().contains("High"));
    // Not before the 30 seconds are up…
    app.state.clock.advance(chrono::Duration::seconds(20));
    app.run_due_jobs().await;
    assert_eq!(world.slack.calls_to("chat.update").len(), 1);
    // …then it goes through.
    app.state.clock.advance(chrono::Duration::seconds(11));
    app.run_due_jobs().await;
    assert_eq!(world.slack.calls_to("chat.update").len(), 2);
    assert!(world
        .only_message()
        .blocks
        .to_string()
        .contains("*Priority:* High"));
}

async fn a_revoked_token_fails_the_job_and_admins_are_told(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    let (app, seed) = (&world.app, &world.seed);
    world.notify_channel().await.unwrap();
    world.slack.revoke_token();
    let path = format!("/conversations/{}", world.conversation_id);
    let body = json!({"priority": "high"});
    json_of(
        app.api(seed, Method::PATCH, &path, Some(&seed.owner), Some(body))
            .await,
        200,
    )
    .await;
    app.run_due_jobs().await;

    let failed = json_of(
        app.api(
            seed,
            Method::GET,
            "/jobs?state=failed",
            Some(&seed.admin),
            None,
        )
        .await,
        200,
    )
    .await;
    let job = &failed["items"][0];
    assert_eq!(job["kind"], "update_slack_messages", "{failed}");
    assert!(
        job["last_error"]
            .as_str()
            .unwrap()
            .contains("token_revoked"),
        "{failed}"
    );
    let status = json_of(
        app.api(
            seed,
            Method::GET,
            "/integrations/slack",
            Some(&seed.admin),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(status["token_problem"], "token_revoked", "{status}");
    assert!(status["token_problem_at"].is_string());
    // A new notification fails the same way, with the reason.
    let Err(JobError::Fail(reason)) = world.notify_channel().await else {
        panic!("a revoked token is not retried");
    };
    assert!(reason.contains("token_revoked"), "{reason}");

    // The customer's texts are never affected.
    let next = app
        .text_from_customer(seed, "+14155550123", "Still leaking")
        .await;
    assert!(matches!(next, Ingested::Stored { .. }));
}

async fn a_member_who_chose_slack_hears_by_direct_message(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    let seed = &world.seed;
    let ana = super::slack_user_of(&world.slack, &seed.ana);
    let notice = |user: &str| Notice {
        workspace_id: domain::Id::parse(&seed.workspace_id).unwrap(),
        inbox_id: None,
        conversation_id: Some(domain::Id::parse(&world.conversation_id).unwrap()),
        trigger: Trigger::Assigned,
        recipient: Recipient::Member {
            user_id: domain::Id::parse(user).unwrap(),
            medium: Medium::SlackDm,
        },
        event_seq: 2,
    };
    slack::deliver(&world.app.state, &notice(&seed.ana.id))
        .await
        .unwrap();
    assert_eq!(world.only_message().channel, ana);
    // Ben has no Slack account with his email: said plainly, not retried.
    let Err(JobError::Fail(reason)) = slack::deliver(&world.app.state, &notice(&seed.ben.id)).await
    else {
        panic!("nobody to write to");
    };
    assert!(reason.contains(&seed.ben.email), "{reason}");

    // Once Slack is disconnected, a notification says why it cannot go.
    let gone = world
        .app
        .api(
            seed,
            Method::DELETE,
            "/integrations/slack",
            Some(&seed.owner),
            None,
        )
        .await;
    assert_eq!(gone.status(), 204);
    let Err(JobError::Fail(reason)) = world.notify_channel().await else {
        panic!("not connected");
    };
    assert!(reason.contains("not connected"), "{reason}");
}

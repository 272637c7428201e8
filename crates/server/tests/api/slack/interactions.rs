//! What Slack sends back: Hide, Assign, the submitted modal, and requests
//! it did not sign.

use reqwest::Method;
use serde_json::{json, Value};
use slack_standin::TEAM_ID;
use store::Backend;

use super::{connected, pressed, slack_user_of, submitted, World};
use crate::helpers::json_of;

on_both_backends!(
    hide_deletes_the_message_once,
    assign_opens_the_modal_with_the_conversations_state,
    a_submitted_modal_changes_the_conversation_as_the_mapped_member,
    an_agent_cannot_take_someone_elses_conversation_from_slack,
    an_unknown_slack_user_is_refused_in_the_modal,
    unsigned_and_stale_requests_are_refused_and_change_nothing,
    malformed_interactions_are_refused_with_a_reason,
);

async fn hide_deletes_the_message_once(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    world.notify_channel().await.unwrap();
    let message = world.only_message();
    let press = pressed("hide", &message, "U0ANYONE");
    let answer = world.interact(&press).await;
    assert_eq!(answer.status(), 200);
    world.app.run_due_jobs().await;
    assert!(world.slack.messages().is_empty());
    // Slack retries: nothing more is deleted, nothing fails.
    assert_eq!(world.interact(&press).await.status(), 200);
    world.app.run_due_jobs().await;
    assert_eq!(world.slack.calls_to("chat.delete").len(), 1);
    // A hidden message is no longer updated.
    change_priority(&world, "high").await;
    world.app.run_due_jobs().await;
    assert!(world.slack.calls_to("chat.update").is_empty());
}

async fn assign_opens_the_modal_with_the_conversations_state(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    world.notify_channel().await.unwrap();
    change_priority(&world, "high").await;
    let press = pressed("assign", &world.only_message(), "U0ANYONE");
    let answer = world.interact(&press).await;
    assert_eq!(answer.status(), 200);
    let opened = world.slack.calls_to("views.open");
    assert_eq!(opened.len(), 1);
    let view = &opened[0].args["view"];
    assert_eq!(opened[0].args["trigger_id"], press["trigger_id"]);
    assert_eq!(view["callback_id"], "switchboard_assign");
    assert_eq!(view["private_metadata"], world.conversation_id.as_str());
    let blocks: Vec<&str> = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["block_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        blocks,
        ["assignee", "status", "priority", "tags", "subject", "note"]
    );
    assert_eq!(view["blocks"][0]["element"]["type"], "users_select");
    assert_eq!(
        view["blocks"][2]["element"]["initial_option"]["value"],
        "high"
    );
}

async fn a_submitted_modal_changes_the_conversation_as_the_mapped_member(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    let seed = &world.seed;
    world.notify_channel().await.unwrap();
    let ana = slack_user_of(&world.slack, &seed.ana);
    let form = submitted(
        &world.conversation_id,
        &ana,
        json!({
            "assignee": {"value": {"type": "users_select", "selected_user": ana}},
            "status": {"value": {"type": "static_select", "selected_option": {"value": "pending"}}},
            "priority": {"value": {"type": "static_select", "selected_option": {"value": "urgent"}}},
            "tags": {"value": {"type": "plain_text_input", "value": "plumbing, urgent-fix"}},
            "subject": {"value": {"type": "plain_text_input", "value": "Leaking sink"}},
            "note": {"value": {"type": "plain_text_input", "value": "On my way <b>now</b>"}}
        }),
    );
    let answer = world.interact(&form).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "");

    let detail = world.conversation(&seed.ana).await;
    assert_eq!(detail["assignee_id"], seed.ana.id.as_str());
    assert_eq!(detail["status"], "pending");
    assert_eq!(detail["priority"], "urgent");
    assert_eq!(detail["tags"], json!(["plumbing", "urgent-fix"]));
    assert_eq!(detail["subject"], "Leaking sink");
    let notes = notes_by(&world, &seed.ana.id).await;
    assert_eq!(notes, ["On my way <b>now</b>"]);

    // The notification follows.
    world.app.run_due_jobs().await;
    let blocks = world.only_message().blocks.to_string();
    for shown in [
        seed.ana.name.as_str(),
        "*Status:* Pending",
        "*Priority:* Urgent",
        "plumbing",
    ] {
        assert!(blocks.contains(shown), "{shown} in {blocks}");
    }

    // Slack retries the submission: nothing happens twice.
    assert_eq!(world.interact(&form).await.status(), 200);
    assert_eq!(notes_by(&world, &seed.ana.id).await.len(), 1);
}

async fn an_agent_cannot_take_someone_elses_conversation_from_slack(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    let seed = &world.seed;
    let path = format!("/conversations/{}/assign", world.conversation_id);
    let body = json!({"user_id": seed.ben.id});
    json_of(
        world
            .app
            .api(seed, Method::POST, &path, Some(&seed.owner), Some(body))
            .await,
        200,
    )
    .await;
    let ana = slack_user_of(&world.slack, &seed.ana);
    let form = submitted(
        &world.conversation_id,
        &ana,
        json!({"assignee": {"value": {"type": "users_select", "selected_user": ana}}}),
    );
    let answer: Value = json_of(world.interact(&form).await, 200).await;
    assert_eq!(answer["response_action"], "errors", "{answer}");
    assert!(answer["errors"]["assignee"].is_string(), "{answer}");
    assert_eq!(
        world.conversation(&seed.ana).await["assignee_id"],
        seed.ben.id.as_str()
    );
}

async fn an_unknown_slack_user_is_refused_in_the_modal(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    let seed = &world.seed;
    let ana = slack_user_of(&world.slack, &seed.ana);
    world
        .slack
        .add_user("U0STRANGER", "nobody@elsewhere.example");
    // A Slack user who is no member submits.
    let form = submitted(
        &world.conversation_id,
        "U0STRANGER",
        json!({"priority": {"value": {"type": "static_select", "selected_option": {"value": "high"}}}}),
    );
    let answer: Value = json_of(world.interact(&form).await, 200).await;
    let why = answer["errors"]["assignee"].as_str().unwrap();
    assert!(why.contains("not a member"), "{answer}");
    // A member picks a Slack user who is no member.
    let form = submitted(
        &world.conversation_id,
        &ana,
        json!({"assignee": {"value": {"type": "users_select", "selected_user": "U0STRANGER"}}}),
    );
    let answer: Value = json_of(world.interact(&form).await, 200).await;
    let why = answer["errors"]["assignee"].as_str().unwrap();
    assert!(why.contains("not a member"), "{answer}");
    // Slack failing to say who someone is: said in the modal, never a 5xx.
    world
        .slack
        .fail_next("users.info", slack_standin::Failure::ServerError);
    let form = submitted(
        &world.conversation_id,
        &ana,
        json!({"priority": {"value": {"type": "static_select", "selected_option": {"value": "high"}}}}),
    );
    let answer: Value = json_of(world.interact(&form).await, 200).await;
    let why = answer["errors"]["assignee"].as_str().unwrap();
    assert!(why.contains("try again"), "{answer}");
    let detail = world.conversation(&seed.ana).await;
    assert_eq!(detail["priority"], "none");
    assert!(detail["assignee_id"].is_null());
}

async fn unsigned_and_stale_requests_are_refused_and_change_nothing(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    world.notify_channel().await.unwrap();
    let press = pressed("hide", &world.only_message(), "U0ANYONE");
    let ten_minutes_ago = world.app.state.clock.now().timestamp() - 600;
    let stale = world
        .slack
        .send_interaction(&world.interactions_url(), &press, ten_minutes_ago)
        .await
        .unwrap();
    assert_eq!(stale.status(), 401);

    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &press.to_string())
        .finish();
    let now = world.app.state.clock.now().timestamp().to_string();
    let forged = channels::slack::sign("not-the-secret", &now, body.as_bytes());
    let client = reqwest::Client::new();
    let send = |signature: Option<String>| {
        let mut request = client
            .post(world.interactions_url())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone());
        if let Some(signature) = signature {
            request = request
                .header("x-slack-request-timestamp", &now)
                .header("x-slack-signature", signature);
        }
        request.send()
    };
    assert_eq!(send(Some(forged)).await.unwrap().status(), 401);
    assert_eq!(send(None).await.unwrap().status(), 401);

    world.app.run_due_jobs().await;
    assert_eq!(world.slack.messages().len(), 1);
    assert!(world.slack.calls_to("chat.delete").is_empty());
}

async fn malformed_interactions_are_refused_with_a_reason(backend: Backend) {
    let Some(world) = connected(backend).await else {
        return;
    };
    world.notify_channel().await.unwrap();
    let unknown = pressed("hide", &world.only_message(), "U0ANYONE");
    let mut unknown = unknown;
    unknown["actions"][0]["action_id"] = json!("launch_rockets");
    let answer = world.interact(&unknown).await;
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("launch_rockets"));

    let shortcut = json!({"type": "shortcut", "team": {"id": TEAM_ID}, "user": {"id": "U1"}});
    let answer = world.interact(&shortcut).await;
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("shortcut"));

    let no_team = json!({"type": "block_actions", "user": {"id": "U1"}});
    assert_eq!(world.interact(&no_team).await.status(), 400);

    let not_ours = submitted("not-a-conversation", "U1", json!({}));
    assert_eq!(world.interact(&not_ours).await.status(), 400);
    assert_eq!(world.slack.messages().len(), 1);
}

async fn change_priority(world: &World, priority: &str) {
    let path = format!("/conversations/{}", world.conversation_id);
    let body = json!({"priority": priority});
    let answer = world
        .app
        .api(
            &world.seed,
            Method::PATCH,
            &path,
            Some(&world.seed.owner),
            Some(body),
        )
        .await;
    json_of(answer, 200).await;
}

/// The texts of the conversation's notes written by `author`.
async fn notes_by(world: &World, author: &str) -> Vec<String> {
    let path = format!("/conversations/{}/timeline", world.conversation_id);
    let timeline = json_of(
        world
            .app
            .api(&world.seed, Method::GET, &path, Some(&world.seed.ana), None)
            .await,
        200,
    )
    .await;
    timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["message"])
        .filter(|m| m["kind"] == "note" && m["author_id"] == author)
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect()
}

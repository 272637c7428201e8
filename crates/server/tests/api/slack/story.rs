//! The whole path of issue 13, as a newcomer walks it: Slack connected from
//! settings, the inbox notifying its Slack channel, a customer's text posted
//! with Open / Assign / Hide, assigned from the modal (the web app's live
//! feed hears it), a second text within the throttle posting nothing new and
//! one after it posting again, and Hide removing the message.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use super::{connect, pressed, slack_user_of, submitted, unconnected, CHANNEL};
use crate::helpers::json_of;

on_both_backends!(a_text_reaches_slack_is_assigned_from_the_modal_and_is_throttled);

async fn a_text_reaches_slack_is_assigned_from_the_modal_and_is_throttled(backend: Backend) {
    let Some((app, seed, slack)) = unconnected(backend).await else {
        return;
    };
    connect(&app, &seed).await;
    let path = format!("/inboxes/{}/notify", seed.inbox_id);
    let targets = json!({
        "notify_throttle_secs": 180,
        "targets": [{"type": "slack_channel", "channel_id": CHANNEL, "name": "support"}],
    });
    let answer = app
        .api(&seed, Method::PUT, &path, Some(&seed.admin), Some(targets))
        .await;
    json_of(answer, 200).await;

    // Ana watches the live feed, as the web app does.
    let mut live = app.events(&seed, &seed.ana, None).await;

    // The first text is posted with its three buttons.
    let conversation = app
        .new_conversation(&seed, "+14155550123", "My sink is leaking")
        .await;
    app.run_due_jobs().await;
    let posted = slack.messages();
    assert_eq!(posted.len(), 1, "{posted:?}");
    let message = posted[0].clone();
    assert_eq!(message.channel, CHANNEL);
    let buttons: Vec<String> = message.blocks[3]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["text"]["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(buttons, ["Open", "Assign", "Hide"]);

    // A second text within three minutes is folded into it.
    app.state.clock.advance(chrono::Duration::seconds(60));
    app.text_from_customer(&seed, "+14155550123", "It is getting worse")
        .await;
    app.run_due_jobs().await;
    assert_eq!(slack.calls_to("chat.postMessage").len(), 1, "throttled");

    // Ana takes it from the modal in Slack.
    let ben = slack_user_of(&slack, &seed.ben);
    let ana = slack_user_of(&slack, &seed.ana);
    let press = pressed("assign", &message, &ana);
    app.run_due_jobs().await;
    let world_url = format!("{}/hooks/slack/interactions", app.address);
    let now = app.state.clock.now().timestamp();
    let answer = slack
        .send_interaction(&world_url, &press, now)
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(slack.calls_to("views.open").len(), 1);
    let values = json!({"assignee": {"value": {"type": "users_select", "selected_user": ana}}});
    let answer = slack
        .send_interaction(&world_url, &submitted(&conversation, &ana, values), now)
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "", "no errors in the modal");
    app.run_due_jobs().await;
    let view = json_of(
        app.api(
            &seed,
            Method::GET,
            &format!("/conversations/{conversation}"),
            Some(&seed.ana),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(view["assignee_id"], seed.ana.id.as_str());
    // The web app hears it live, and the Slack message shows the new owner.
    let mut heard = false;
    while let Some(event) = live.next_within(std::time::Duration::from_secs(5)).await {
        if event.event.as_deref() == Some("assigned") {
            heard = true;
            break;
        }
    }
    assert!(heard, "the live feed carried the assignment");
    assert!(
        !slack.calls_to("chat.update").is_empty(),
        "updated in place"
    );

    // After the window, the next text posts again.
    app.state.clock.advance(chrono::Duration::seconds(181));
    app.text_from_customer(&seed, "+14155550123", "Hello? Water everywhere")
        .await;
    app.run_due_jobs().await;
    assert_eq!(slack.calls_to("chat.postMessage").len(), 2);

    // Hide removes the first message.
    let press = pressed("hide", &message, &ben);
    let answer = slack
        .send_interaction(&world_url, &press, now)
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    app.run_due_jobs().await;
    assert_eq!(slack.calls_to("chat.delete").len(), 1);
}

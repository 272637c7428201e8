//! Slack, against the Slack stand-in: connecting a workspace, notifications
//! posted with Open / Assign / Hide and kept up to date, and the signed
//! interactions Slack sends back.

mod connect;
mod deliver;
mod inbox_channel;
mod interactions;
mod story;

use reqwest::Method;
use serde_json::{json, Value};
use slack_standin::{HeldMessage, SlackStandin, BOT_TOKEN, SIGNING_SECRET, TEAM_ID};
use store::Backend;
use switchboard_server::jobs::JobError;
use switchboard_server::services::inbound::Ingested;
use switchboard_server::services::notifications::{slack, Notice, Recipient, Trigger};

use crate::helpers::{json_of, spawn_app_with, Seed, TestApp, TestUser};

/// The Slack channel the Support inbox notifies.
pub const CHANNEL: &str = "C0SUPPORT";

/// An app whose workspace connected the stand-in, with a conversation.
pub struct World {
    pub app: TestApp,
    pub seed: Seed,
    pub slack: SlackStandin,
    /// The customer's conversation in Support (unassigned, new).
    pub conversation_id: String,
}

/// A fresh app and seed, Slack not yet connected.
pub async fn unconnected(backend: Backend) -> Option<(TestApp, Seed, SlackStandin)> {
    let slack = SlackStandin::start().await.unwrap();
    let app = spawn_app_with(backend, |settings| {
        // Port 0 becomes the bound port: the manifest names the real address.
        settings.public_url = "http://127.0.0.1:0".into();
        settings.slack_api_base = slack.api_base.clone();
    })
    .await?;
    let seed = app.seed().await;
    Some((app, seed, slack))
}

/// The owner connects the workspace to the stand-in, as from settings.
pub async fn connect(app: &TestApp, seed: &Seed) {
    let body = json!({"bot_token": BOT_TOKEN, "signing_secret": SIGNING_SECRET});
    let answer = app
        .api(
            seed,
            Method::PUT,
            "/integrations/slack",
            Some(&seed.owner),
            Some(body),
        )
        .await;
    json_of(answer, 200).await;
}

/// [`unconnected`], then the owner connects Slack and a customer texts.
pub async fn connected(backend: Backend) -> Option<World> {
    let (app, seed, slack) = unconnected(backend).await?;
    connect(&app, &seed).await;
    let Ingested::Stored { conversation, .. } = app
        .text_from_customer(&seed, "+14155550123", "My sink is leaking")
        .await
    else {
        panic!("the text is stored");
    };
    Some(World {
        conversation_id: conversation.id.to_string(),
        app,
        seed,
        slack,
    })
}

impl World {
    /// What the rules engine does for a Slack channel target: `deliver`.
    pub async fn notify_channel(&self) -> Result<(), JobError> {
        let notice = Notice {
            workspace_id: domain::Id::parse(&self.seed.workspace_id).unwrap(),
            inbox_id: Some(domain::Id::parse(&self.seed.inbox_id).unwrap()),
            conversation_id: Some(domain::Id::parse(&self.conversation_id).unwrap()),
            trigger: Trigger::Inbound,
            recipient: Recipient::SlackChannel {
                channel: CHANNEL.into(),
            },
            event_seq: 1,
        };
        slack::deliver(&self.app.state, &notice).await
    }

    /// The one message in Slack now.
    pub fn only_message(&self) -> HeldMessage {
        let messages = self.slack.messages();
        assert_eq!(messages.len(), 1, "{messages:?}");
        messages.into_iter().next().unwrap()
    }

    /// Where Slack POSTs interactions.
    pub fn interactions_url(&self) -> String {
        format!("{}/hooks/slack/interactions", self.app.address)
    }

    /// Sends `payload` signed now, as Slack does.
    pub async fn interact(&self, payload: &Value) -> reqwest::Response {
        let now = self.app.state.clock.now().timestamp();
        self.slack
            .send_interaction(&self.interactions_url(), payload, now)
            .await
            .unwrap()
    }

    /// The conversation as `user` reads it through the API.
    pub async fn conversation(&self, user: &TestUser) -> Value {
        let path = format!("/conversations/{}", self.conversation_id);
        json_of(
            self.app
                .api(&self.seed, Method::GET, &path, Some(user), None)
                .await,
            200,
        )
        .await
    }
}

/// A Slack user id for a member: the stand-in knows them by their email.
pub fn slack_user_of(slack: &SlackStandin, user: &TestUser) -> String {
    let id = format!("U{}", &user.id.replace('-', "")[..10].to_uppercase());
    slack.add_user(&id, &user.email);
    id
}

/// A button of `message` pressed by `user_id`.
pub fn pressed(action_id: &str, message: &HeldMessage, user_id: &str) -> Value {
    let button = message.blocks[3]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["action_id"] == action_id)
        .unwrap_or_else(|| panic!("no {action_id} button"));
    json!({
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": user_id, "team_id": TEAM_ID},
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel},
        "channel": {"id": message.channel},
        "actions": [{"action_id": action_id, "block_id": "conversation",
                     "value": button["value"], "type": "button"}]
    })
}

/// The Assign modal submitted by `user_id` with `values` (block → input).
pub fn submitted(conversation_id: &str, user_id: &str, values: Value) -> Value {
    json!({
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": user_id, "team_id": TEAM_ID},
        "view": {
            "id": "V0STANDIN",
            "callback_id": "switchboard_assign",
            "private_metadata": conversation_id,
            "state": {"values": values}
        }
    })
}

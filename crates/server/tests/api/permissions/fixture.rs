//! The world one cell of the matrix runs in: a fresh seed (a new workspace in
//! the shared app) with a conversation assigned to Ana, and whatever the
//! path templates name.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::Method;
use serde_json::{json, Value};
use switchboard_server::services::inbound::Ingested;

use super::Actor;
use crate::helpers::{json_of, Seed, TestApp, TestUser};

/// The password rows that log in give Ana.
pub const PASSWORD: &str = "correct horse battery staple";

/// The customer who texts the Support inbox.
pub const CUSTOMER: &str = "+14155550123";

/// Everything a row may name, made afresh for every (row, caller).
#[derive(Debug)]
pub struct Fixture {
    /// The cast, the Support inbox and its simulator channel.
    pub seed: Seed,
    /// The customer's conversation: one inbound message, assigned to Ana, `open`.
    pub conversation_id: String,
    /// The customer's inbound message.
    pub message_id: String,
    /// Ana's reply carrying a picture (`/messages/{id}/media/{index}`).
    pub media_message_id: String,
    /// The customer, who has that conversation.
    pub contact_id: String,
    /// A link on the conversation.
    pub link_id: String,
    /// An outgoing webhook endpoint of the workspace.
    pub webhook_id: String,
    /// A shared canned reply (made by the admin).
    pub canned_reply_id: String,
    /// A second API token of each of the cast, by user id: the one a caller revokes.
    pub spare_tokens: HashMap<String, String>,
    /// A number no channel has, for connecting one.
    pub free_number: String,
    /// Differs between fixtures: for values unique in the whole database.
    pub unique: String,
    /// A day after now on the app's clock (RFC 3339), for snoozing.
    pub tomorrow: String,
}

impl Fixture {
    /// Seeds a new workspace and builds the rest through the API and the
    /// services, as people would. With `password`, Ana can log in with
    /// [`PASSWORD`] (hashing costs, so only rows that log in ask for it).
    pub async fn build(app: &TestApp, password: bool) -> Fixture {
        let seed = app.seed().await;
        let Ingested::Stored {
            conversation,
            message,
        } = app
            .text_from_customer(&seed, CUSTOMER, "My sink is leaking")
            .await
        else {
            panic!("a first text is stored");
        };
        let conversation_id = conversation.id.to_string();
        let assign = json!({ "user_id": seed.ana.id });
        let path = format!("/conversations/{conversation_id}/assign");
        let response = app
            .api(&seed, Method::POST, &path, Some(&seed.owner), Some(assign))
            .await;
        json_of(response, 200).await;
        let link = json!({
            "kind": "ticket", "external_id": "T-1", "url": "https://crm.example.com/tickets/1",
        });
        let path = format!("/conversations/{conversation_id}/links");
        let response = app
            .api(&seed, Method::POST, &path, Some(&seed.owner), Some(link))
            .await;
        let link: Value = json_of(response, 201).await;
        let hook = json!({ "url": "https://crm.example.com/hooks/switchboard" });
        let response = app
            .api(
                &seed,
                Method::POST,
                "/webhooks",
                Some(&seed.admin),
                Some(hook),
            )
            .await;
        let webhook: Value = json_of(response, 201).await;
        let media_message_id = reply_with_picture(app, &seed, &conversation_id).await;
        let shared =
            json!({ "shortcut": "welcome", "body": "Hi {{contact.first_name}}!", "shared": true });
        let response = app
            .api(
                &seed,
                Method::POST,
                "/canned-replies",
                Some(&seed.admin),
                Some(shared),
            )
            .await;
        let canned: Value = json_of(response, 201).await;
        let spare_tokens = spare_tokens(app, &seed).await;
        if password {
            app.set_password(&seed.ana, PASSWORD).await;
        }
        Fixture {
            conversation_id,
            message_id: message.id.to_string(),
            media_message_id,
            contact_id: conversation.contact_id.to_string(),
            link_id: link["id"].as_str().expect("a link id").to_string(),
            webhook_id: webhook["id"].as_str().expect("a webhook id").to_string(),
            canned_reply_id: canned["id"].as_str().expect("a reply id").to_string(),
            spare_tokens,
            free_number: free_number(),
            unique: uuid::Uuid::now_v7().simple().to_string(),
            tomorrow: (app.state.clock.now() + chrono::Duration::days(1)).to_rfc3339(),
            seed,
        }
    }

    /// Who `actor` is in this fixture; `None` for the anonymous caller.
    pub fn user(&self, actor: Actor) -> Option<&TestUser> {
        let seed = &self.seed;
        match actor {
            Actor::Owner => Some(&seed.owner),
            Actor::Admin => Some(&seed.admin),
            Actor::Member => Some(&seed.ana),
            Actor::NonMember => Some(&seed.outsider),
            Actor::Anonymous => None,
            Actor::OtherWorkspace => Some(&seed.stranger),
        }
    }

    /// `template` (an OpenAPI path) with its parameters filled for `actor`:
    /// `{ws}` the workspace, `{id}` the resource the segment before it names,
    /// `{user}` Ben (a member of the workspace and of the inbox), `{ch}` the
    /// inbox's channel, `{link}` the conversation's link.
    pub fn fill(&self, template: &str, actor: Actor) -> String {
        let mut previous = "";
        let mut segments = Vec::new();
        for segment in template.split('/') {
            let filled = match segment {
                "{ws}" => self.seed.workspace_id.clone(),
                "{id}" if template.ends_with("/media/{index}") => self.media_message_id.clone(),
                "{id}" => self.id_under(previous, actor),
                "{index}" => "0".to_string(),
                "{user}" => self.seed.ben.id.clone(),
                "{ch}" => self.seed.channel.id.to_string(),
                "{link}" => self.link_id.clone(),
                other if other.starts_with('{') => {
                    panic!("{template}: teach the matrix's fixture what {other} names")
                }
                other => other.to_string(),
            };
            segments.push(filled);
            previous = segment;
        }
        segments.join("/")
    }

    fn id_under(&self, collection: &str, actor: Actor) -> String {
        match collection {
            "tokens" => {
                // The anonymous caller aims at the owner's token.
                let user = self.user(actor).unwrap_or(&self.seed.owner);
                self.spare_tokens[&user.id].clone()
            }
            "inboxes" => self.seed.inbox_id.clone(),
            "conversations" => self.conversation_id.clone(),
            "contacts" => self.contact_id.clone(),
            "messages" => self.message_id.clone(),
            "webhooks" => self.webhook_id.clone(),
            "canned-replies" => self.canned_reply_id.clone(),
            // Nobody's notification: each caller may read their own only.
            // Nobody's invitation: each caller may act on their own only.
            "notifications" | "invitations" => "0190f000-0000-7000-8000-000000000000".to_string(),
            other => panic!("teach the matrix's fixture what an id under /{other}/ names"),
        }
    }
}

/// Ana uploads a picture and replies with it; returns the reply's id.
async fn reply_with_picture(app: &TestApp, seed: &Seed, conversation_id: &str) -> String {
    let response = crate::twilio::media::upload(
        app,
        seed,
        &seed.ana,
        "image/png",
        crate::twilio::media::png(),
    )
    .await;
    let media: Value = json_of(response, 201).await;
    let reply =
        json!({ "kind": "reply", "body": "", "attachments": [{ "media_id": media["media_id"] }] });
    let path = format!("/conversations/{conversation_id}/messages");
    let response = app
        .api(seed, Method::POST, &path, Some(&seed.ana), Some(reply))
        .await;
    let posted: Value = json_of(response, 201).await;
    posted["message"]["id"]
        .as_str()
        .expect("a message id")
        .to_string()
}

/// A second token for each of the cast, so that revoking one leaves the
/// token the request is made with.
async fn spare_tokens(app: &TestApp, seed: &Seed) -> HashMap<String, String> {
    let cast = [
        &seed.owner,
        &seed.admin,
        &seed.ana,
        &seed.ben,
        &seed.outsider,
        &seed.stranger,
    ];
    let now = app.state.clock.now();
    let mut tx = app.store.begin().await.unwrap();
    let mut tokens = HashMap::new();
    for user in cast {
        let id = domain::UserId::parse(&user.id).unwrap();
        let (token, _secret) = store::tokens::create(&mut tx, &id, "spare", now)
            .await
            .unwrap();
        tokens.insert(user.id.clone(), token.id);
    }
    tx.commit().await.unwrap();
    tokens
}

/// A number of the simulator's fictional 555-01xx range in an area code the
/// seeds never use, different on every call (within 100 calls a run).
fn free_number() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let line = 100 + NEXT.fetch_add(1, Ordering::Relaxed) % 100;
    format!("+1212555{line:04}")
}

//! SMS end to end through Twilio: signed webhooks in, replies out through a
//! local stand-in that holds Twilio's wire format, delivery reports,
//! STOP/START, calls, and the ingest bench.

mod bench;
mod inbound;
pub(crate) mod media;
mod numbers;
mod optout;
mod outbound;
mod refusals;
mod scheduled;
mod simulated;
mod voice;

use domain::{Channel, ContactId, PhoneNumber, WorkspaceId};
use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;
use twilio_standin::TwilioStandin;

use crate::helpers::{json_of, spawn_twilio_app, Seed, TestApp};

/// A customer's number in these stories.
const CUSTOMER: &str = "+14155550188";

/// The start of every story: the app, the stand-in it sends through, the
/// seeded workspace, and a Twilio number feeding the seeded inbox.
struct Story {
    app: TestApp,
    standin: TwilioStandin,
    seed: Seed,
    channel: Channel,
}

async fn story(backend: Backend) -> Option<Story> {
    let (app, standin) = spawn_twilio_app(backend).await?;
    let seed = app.seed().await;
    let channel = app.twilio_channel(&seed, &standin).await;
    // These stories count the delivery jobs a run makes: nobody is notified
    // of the customer's texts here (notifications have their own stories).
    let quiet = serde_json::json!({ "targets": [] });
    let path = format!("/inboxes/{}/notify", seed.inbox_id);
    let answer = app
        .api(
            &seed,
            reqwest::Method::PUT,
            &path,
            Some(&seed.admin),
            Some(quiet),
        )
        .await;
    assert_eq!(answer.status(), 200);
    Some(Story {
        app,
        standin,
        seed,
        channel,
    })
}

/// The fields Twilio posts for an inbound text, in Twilio's order.
pub(crate) fn inbound_params(
    sid: &str,
    from: &str,
    to: &str,
    body: &str,
    media: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("ToCountry", "US"),
        ("SmsMessageSid", sid),
        ("NumMedia", &media.len().to_string()),
        ("SmsSid", sid),
        ("SmsStatus", "received"),
        ("Body", body),
        ("To", to),
        ("NumSegments", "1"),
        ("MessageSid", sid),
        ("AccountSid", twilio_standin::ACCOUNT_SID),
        ("From", from),
        ("ApiVersion", "2010-04-01"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (i, (url, content_type)) in media.iter().enumerate() {
        params.push((format!("MediaUrl{i}"), url.to_string()));
        params.push((format!("MediaContentType{i}"), content_type.to_string()));
    }
    params
}

/// A fresh `SM…` sid.
pub(crate) fn new_sid() -> String {
    format!("SM{}", uuid::Uuid::now_v7().simple())
}

impl Story {
    /// `from` texts the Twilio number, signed as Twilio signs it; the
    /// response must be the empty TwiML acknowledgement.
    async fn text(&self, from: &str, body: &str) {
        let response = self
            .standin
            .send_inbound_sms(
                &self.app.twilio_hook(&self.channel, "sms"),
                from,
                &self.channel.address,
                body,
                &[],
            )
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }

    /// The id of `from`'s conversation in the seeded inbox.
    async fn conversation_of(&self, from: &str) -> String {
        self.conversation_of_contact(from, false).await
    }

    /// The id of the conversation in the seeded inbox of the contact with
    /// this number: the simulated phone's when `simulated`, else the real one's.
    async fn conversation_of_contact(&self, from: &str, simulated: bool) -> String {
        let mut reader = self.app.store.read().await.unwrap();
        let mut conn = reader.conn();
        let workspace = WorkspaceId::parse(&self.seed.workspace_id).unwrap();
        let phone = PhoneNumber::parse(from, "US").unwrap();
        let contact = store::contacts::by_phone(&mut conn, &workspace, &phone, simulated)
            .await
            .unwrap()
            .expect("the customer is a contact");
        let inbox = domain::InboxId::parse(&self.seed.inbox_id).unwrap();
        store::conversations::latest(&mut conn, &inbox, &contact.id)
            .await
            .unwrap()
            .expect("the customer has a conversation")
            .id
            .to_string()
    }

    /// The contact with this number, through the API.
    async fn contact(&self, from: &str) -> Value {
        let mut reader = self.app.store.read().await.unwrap();
        let workspace = WorkspaceId::parse(&self.seed.workspace_id).unwrap();
        let phone = PhoneNumber::parse(from, "US").unwrap();
        let id: ContactId =
            store::contacts::by_phone(&mut reader.conn(), &workspace, &phone, false)
                .await
                .unwrap()
                .expect("the customer is a contact")
                .id;
        drop(reader);
        let response = self
            .app
            .api(
                &self.seed,
                Method::GET,
                &format!("/contacts/{id}"),
                Some(&self.seed.ana),
                None,
            )
            .await;
        json_of(response, 200).await
    }

    /// The conversation's timeline items, through the API.
    async fn timeline(&self, conversation: &str) -> Vec<Value> {
        let path = format!("/conversations/{conversation}/timeline?limit=200");
        let response = self
            .app
            .api(&self.seed, Method::GET, &path, Some(&self.seed.ana), None)
            .await;
        json_of(response, 200).await["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// The messages of the conversation's timeline.
    async fn messages(&self, conversation: &str) -> Vec<Value> {
        self.timeline(conversation)
            .await
            .into_iter()
            .filter(|item| !item["message"].is_null())
            .map(|item| item["message"].clone())
            .collect()
    }

    /// Ana replies; returns the raw response.
    async fn reply(&self, conversation: &str, body: &str) -> reqwest::Response {
        self.app
            .api(
                &self.seed,
                Method::POST,
                &format!("/conversations/{conversation}/messages"),
                Some(&self.seed.ana),
                Some(json!({ "kind": "reply", "body": body })),
            )
            .await
    }

    /// Ana replies, which must be accepted; returns the message id.
    async fn replied(&self, conversation: &str, body: &str) -> String {
        let posted = json_of(self.reply(conversation, body).await, 201).await;
        assert_eq!(posted["message"]["delivery_status"], "queued");
        posted["message"]["id"].as_str().unwrap().to_string()
    }

    /// A message through its permalink.
    async fn message(&self, id: &str) -> Value {
        let response = self
            .app
            .api(
                &self.seed,
                Method::GET,
                &format!("/messages/{id}"),
                Some(&self.seed.ana),
                None,
            )
            .await;
        // The permalink is the message's fields with its inbox.
        json_of(response, 200).await
    }

    /// The provider id stored for a message.
    async fn provider_id(&self, id: &str) -> Option<String> {
        let mut reader = self.app.store.read().await.unwrap();
        store::messages::get(&mut reader.conn(), &domain::MessageId::parse(id).unwrap())
            .await
            .unwrap()
            .expect("the message exists")
            .provider_id
    }
}

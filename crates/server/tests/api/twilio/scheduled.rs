//! Scheduled send (issue 14): a reply written now goes through Twilio at
//! its time, exactly once; until then it can be edited or cancelled, and it
//! is cancelled when the customer writes first (unless the inbox says not).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::{story, Story, CUSTOMER};
use crate::helpers::{assert_problem, json_of};

impl Story {
    /// Ana asks for a reply to go at `send_at`; returns the raw response.
    async fn schedule(&self, conversation: &str, body: &str, send_at: Value) -> reqwest::Response {
        self.app
            .api(
                &self.seed,
                Method::POST,
                &format!("/conversations/{conversation}/messages"),
                Some(&self.seed.ana),
                Some(json!({ "kind": "reply", "body": body, "send_at": send_at })),
            )
            .await
    }

    /// Ana schedules a reply `after` from now, which must be accepted;
    /// returns its id.
    async fn scheduled(&self, conversation: &str, body: &str, after: Duration) -> String {
        // Stored to the millisecond.
        let at = (self.app.state.clock.now() + after).trunc_subsecs(3);
        let posted = json_of(self.schedule(conversation, body, json!(at)).await, 201).await;
        assert_eq!(posted["message"]["delivery_status"], "scheduled");
        assert_eq!(
            posted["message"]["send_at"].as_str().map(parse),
            Some(at),
            "the time asked for"
        );
        posted["message"]["id"].as_str().unwrap().to_string()
    }

    /// `who` sends `method /messages/{id}` with `body`.
    async fn on_message(
        &self,
        method: Method,
        id: &str,
        who: &crate::helpers::TestUser,
        body: Option<Value>,
    ) -> reqwest::Response {
        self.app
            .api(
                &self.seed,
                method,
                &format!("/messages/{id}"),
                Some(who),
                body,
            )
            .await
    }

    /// Moves the clock `by` and runs everything due.
    async fn later(&self, by: Duration) {
        self.app.travel_to(self.app.state.clock.now() + by);
        self.app.settle_jobs().await;
    }

    /// The bodies Twilio was asked to send, in order.
    fn texts_sent(&self) -> Vec<String> {
        self.standin
            .sent_messages()
            .iter()
            .map(|m| m.param("Body").unwrap_or_default().to_string())
            .collect()
    }
}

fn parse(raw: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(raw)
        .unwrap()
        .with_timezone(&Utc)
}

async fn a_scheduled_reply_waits_then_goes_once_at_its_time(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Can someone call me tomorrow?").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let id = s
        .scheduled(
            &conversation,
            "Good morning! Calling you now.",
            Duration::hours(14),
        )
        .await;

    // It shows as scheduled and is nobody's reply yet: the customer's
    // message is still the conversation's last, and nothing went out.
    let timeline = s.timeline(&conversation).await;
    let scheduled: Vec<&Value> = timeline
        .iter()
        .filter(|i| i["type"] == "message_scheduled")
        .collect();
    assert_eq!(scheduled.len(), 1);
    assert_eq!(scheduled[0]["message"]["id"], id.as_str());
    assert_eq!(scheduled[0]["message"]["delivery_status"], "scheduled");
    assert!(!timeline
        .iter()
        .any(|i| i["type"] == "message" && i["message_kind"] == "outbound"));
    let path = format!("/conversations/{conversation}");
    let detail = json_of(
        s.app
            .api(&s.seed, Method::GET, &path, Some(&s.seed.ana), None)
            .await,
        200,
    )
    .await;
    assert_eq!(detail["status"], "new", "{detail}");
    s.later(Duration::hours(13)).await;
    assert!(s.texts_sent().is_empty(), "not before its time");

    s.later(Duration::hours(1) + Duration::seconds(1)).await;
    assert_eq!(s.texts_sent(), ["Good morning! Calling you now."]);
    let sent = s.message(&id).await;
    assert_eq!(sent["delivery_status"], "sending");
    let timeline = s.timeline(&conversation).await;
    let replies: Vec<&Value> = timeline
        .iter()
        .filter(|i| i["type"] == "message" && i["message_kind"] == "outbound")
        .collect();
    assert_eq!(replies.len(), 1, "it is now the team's reply");
    assert_eq!(replies[0]["message"]["id"], id.as_str());

    // Once: more passes send nothing, and it can no longer be changed.
    s.later(Duration::hours(1)).await;
    assert_eq!(s.texts_sent().len(), 1);
    let edit = s
        .on_message(
            Method::PATCH,
            &id,
            &s.seed.ana,
            Some(json!({ "body": "x" })),
        )
        .await;
    assert_problem(edit, 409, "not_scheduled").await;
    let cancel = s.on_message(Method::DELETE, &id, &s.seed.ana, None).await;
    assert_problem(cancel, 409, "not_scheduled").await;
}

async fn a_scheduled_reply_can_be_edited_or_cancelled_until_it_goes(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "When do you open?").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let id = s
        .scheduled(&conversation, "We open at 9.", Duration::hours(1))
        .await;
    let new_time = (s.app.state.clock.now() + Duration::hours(3)).trunc_subsecs(3);
    let edited = json_of(
        s.on_message(
            Method::PATCH,
            &id,
            &s.seed.ana,
            Some(json!({ "body": "We open at 9:30 today.", "send_at": new_time })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(edited["body"], "We open at 9:30 today.");
    assert_eq!(edited["send_at"].as_str().map(parse), Some(new_time));
    assert_eq!(edited["delivery_status"], "scheduled");
    // Its first time passes: nothing goes.
    s.later(Duration::hours(2)).await;
    assert!(s.texts_sent().is_empty());
    s.later(Duration::hours(1) + Duration::seconds(1)).await;
    assert_eq!(s.texts_sent(), ["We open at 9:30 today."]);

    // Another one, cancelled: Ben (not its author) may not, an admin may.
    let id = s
        .scheduled(&conversation, "Still there?", Duration::hours(1))
        .await;
    let by_ben = s.on_message(Method::DELETE, &id, &s.seed.ben, None).await;
    assert_eq!(by_ben.status(), 403);
    let by_admin = s.on_message(Method::DELETE, &id, &s.seed.admin, None).await;
    assert_eq!(by_admin.status(), 204);
    assert_eq!(s.message(&id).await["delivery_status"], "cancelled");
    let again = s.on_message(Method::DELETE, &id, &s.seed.ana, None).await;
    assert_problem(again, 409, "not_scheduled").await;
    s.later(Duration::hours(2)).await;
    assert_eq!(s.texts_sent().len(), 1, "the cancelled reply never went");
    let cancelled = s
        .timeline(&conversation)
        .await
        .into_iter()
        .filter(|i| i["type"] == "scheduled_message_cancelled")
        .count();
    assert_eq!(cancelled, 1);
}

async fn a_bad_schedule_is_refused_naming_send_at_and_nothing_is_saved(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Hello?").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let now = s.app.state.clock.now();
    for send_at in [
        json!(now - Duration::hours(1)),
        json!(now + Duration::days(400)),
        json!("tomorrow at nine"),
    ] {
        let refused = s.schedule(&conversation, "Hi!", send_at.clone()).await;
        let problem = json_of(refused, 422).await;
        assert!(
            problem["detail"].as_str().unwrap().contains("send_at"),
            "{send_at}: {problem}"
        );
    }
    let note = s
        .app
        .api(
            &s.seed,
            Method::POST,
            &format!("/conversations/{conversation}/messages"),
            Some(&s.seed.ana),
            Some(json!({ "kind": "note", "body": "later", "send_at": now + Duration::hours(1) })),
        )
        .await;
    let problem = json_of(note, 422).await;
    assert!(problem["detail"].as_str().unwrap().contains("send_at"));
    // Nothing half-saved: no scheduled reply, no note.
    let timeline = s.timeline(&conversation).await;
    assert!(timeline.iter().all(|i| i["type"] != "message_scheduled"));
    assert_eq!(
        s.messages(&conversation).await.len(),
        1,
        "only the customer's"
    );
}

async fn the_customer_writing_first_cancels_a_scheduled_reply_with_a_note(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "My order is late").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let id = s
        .scheduled(&conversation, "It ships tomorrow.", Duration::hours(2))
        .await;
    s.app
        .travel_to(s.app.state.clock.now() + Duration::minutes(30));
    s.text(CUSTOMER, "Never mind, it arrived!").await;
    s.app.settle_jobs().await;

    assert_eq!(s.message(&id).await["delivery_status"], "cancelled");
    let notes: Vec<String> = s
        .messages(&conversation)
        .await
        .into_iter()
        .filter(|m| m["kind"] == "note")
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("Scheduled reply cancelled: the customer wrote first"));
    s.later(Duration::hours(3)).await;
    assert!(s.texts_sent().is_empty(), "{:?}", s.texts_sent());
}

async fn with_cancel_on_reply_off_a_scheduled_reply_still_goes(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let off = json!({ "scheduled_send": { "cancel_on_reply": false } });
    let inbox = json_of(s.app.patch_support_inbox(&s.seed, off).await, 200).await;
    assert_eq!(inbox["scheduled_send"]["cancel_on_reply"], false);
    // An agent may not change it.
    let path = format!("/inboxes/{}", s.seed.inbox_id);
    let by_ana = s
        .app
        .api(
            &s.seed,
            Method::PATCH,
            &path,
            Some(&s.seed.ana),
            Some(json!({ "scheduled_send": { "cancel_on_reply": true } })),
        )
        .await;
    assert_eq!(by_ana.status(), 403);

    s.text(CUSTOMER, "Is the shop open Sunday?").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let id = s
        .scheduled(&conversation, "Yes, 10 to 4.", Duration::hours(2))
        .await;
    s.app
        .travel_to(s.app.state.clock.now() + Duration::minutes(30));
    s.text(CUSTOMER, "Also, do you sell gift cards?").await;
    s.app.settle_jobs().await;
    assert_eq!(s.message(&id).await["delivery_status"], "scheduled");
    s.later(Duration::hours(2)).await;
    assert_eq!(s.texts_sent(), ["Yes, 10 to 4."]);
}

async fn two_nodes_releasing_one_scheduled_reply_send_it_once(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Remind me at noon").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let id = s
        .scheduled(&conversation, "It's noon!", Duration::hours(1))
        .await;
    let other = s.app.second_node().await;
    let later = Duration::hours(1) + Duration::seconds(1);
    s.app.state.clock.advance(later);
    other.state.clock.advance(later);
    // Both nodes run its send job at the same moment (a lease that ran out
    // while the first was still at it): only one releases it.
    let message = domain::MessageId::parse(&id).unwrap();
    let (a, b) = tokio::join!(
        switchboard_server::services::scheduled::release(&s.app.state, &message),
        switchboard_server::services::scheduled::release(&other.state, &message),
    );
    a.unwrap();
    b.unwrap();
    s.app.settle_jobs().await;
    assert_eq!(s.texts_sent(), ["It's noon!"]);
    let replies = s
        .timeline(&conversation)
        .await
        .into_iter()
        .filter(|i| i["type"] == "message" && i["message_kind"] == "outbound")
        .count();
    assert_eq!(replies, 1);
}

on_both_backends!(
    a_scheduled_reply_waits_then_goes_once_at_its_time,
    a_scheduled_reply_can_be_edited_or_cancelled_until_it_goes,
    a_bad_schedule_is_refused_naming_send_at_and_nothing_is_saved,
    the_customer_writing_first_cancels_a_scheduled_reply_with_a_note,
    with_cancel_on_reply_off_a_scheduled_reply_still_goes,
    two_nodes_releasing_one_scheduled_reply_send_it_once,
);

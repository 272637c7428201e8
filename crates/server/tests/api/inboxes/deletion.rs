//! Deleting an inbox: owners only, confirming its name, and nothing of it
//! is left in any table afterwards while every other inbox keeps all of its.

use chrono::Duration;
use domain::{
    Conversation, ConversationId, EventKind, Link, LinkId, LinkKind, Message, MessageBody,
    MessageId, MessageKind, Tag, UserId,
};
use reqwest::Method;
use serde_json::{json, Value};
use store::jobs::NewJob;
use store::{Backend, Store};

use super::create_inbox;
use crate::helpers::{assert_problem, spawn_app, TestApp};

on_both_backends!(
    only_the_owner_deletes_an_inbox_and_only_when_its_name_is_typed,
    deleting_an_inbox_leaves_nothing_of_it_behind,
);

async fn only_the_owner_deletes_an_inbox_and_only_when_its_name_is_typed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}", seed.inbox_id);
    let confirm = json!({"confirm": "Support"});
    for user in [&seed.admin, &seed.ana] {
        let response = app
            .api(
                &seed,
                Method::DELETE,
                &path,
                Some(user),
                Some(confirm.clone()),
            )
            .await;
        assert_problem(response, 403, "forbidden").await;
    }
    let response = app
        .api(
            &seed,
            Method::DELETE,
            &path,
            Some(&seed.outsider),
            Some(confirm.clone()),
        )
        .await;
    assert_problem(response, 404, "not_found").await;

    for wrong in [None, Some(json!({})), Some(json!({"confirm": "support"}))] {
        let response = app
            .api(&seed, Method::DELETE, &path, Some(&seed.owner), wrong)
            .await;
        let body = assert_problem(response, 422, "validation").await;
        let detail = body["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("confirm: type the inbox's name"),
            "{detail}"
        );
    }
    let still = app
        .api(&seed, Method::GET, &path, Some(&seed.ana), None)
        .await;
    assert_eq!(still.status(), 200);

    let response = app
        .api(
            &seed,
            Method::DELETE,
            &path,
            Some(&seed.owner),
            Some(confirm),
        )
        .await;
    assert_eq!(response.status(), 204);
    let gone = app
        .api(&seed, Method::GET, &path, Some(&seed.owner), None)
        .await;
    assert_problem(gone, 404, "not_found").await;
}

/// Rows that refer to an inbox directly.
const BY_INBOX: [(&str, &str); 5] = [
    ("inboxes", "id"),
    ("inbox_members", "inbox_id"),
    ("channels", "inbox_id"),
    ("conversations", "inbox_id"),
    ("events", "inbox_id"),
];

/// Rows that refer to one of its conversations.
const BY_CONVERSATION: [(&str, &str); 9] = [
    ("conversations", "id"),
    ("messages", "conversation_id"),
    ("events", "conversation_id"),
    ("conversation_tags", "conversation_id"),
    ("links", "conversation_id"),
    ("read_cursors", "conversation_id"),
    ("reply_locks", "conversation_id"),
    ("presence", "conversation_id"),
    ("jobs", "conversation_id"),
];

async fn count(store: &Store, table: &str, column: &str, id: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
    store::testing::scalar(store, &sql, id).await.unwrap()
}

/// How many rows of each table refer to the inbox or its conversations.
async fn footprint(
    store: &Store,
    inbox: &str,
    conversations: &[ConversationId],
) -> Vec<(String, i64)> {
    let mut rows = Vec::new();
    for (table, column) in BY_INBOX {
        rows.push((
            format!("{table}.{column}"),
            count(store, table, column, inbox).await,
        ));
    }
    for (table, column) in BY_CONVERSATION {
        let mut total = 0;
        for id in conversations {
            total += count(store, table, column, id.as_str()).await;
        }
        rows.push((format!("{table}.{column}"), total));
    }
    rows
}

/// Everything the team does on a conversation, written as the services
/// would: a reply with its delivery job, a note, tags, a link, the reply
/// lock, presence, a read cursor and a snooze wake-up job.
async fn work_on(app: &TestApp, id: &ConversationId, agent: &str) {
    let now = app.state.clock.now();
    let agent = UserId::parse(agent).unwrap();
    let mut tx = app.store.begin().await.unwrap();
    let current = store::conversations::get(&mut tx.conn(), id)
        .await
        .unwrap()
        .unwrap();
    let mut conversation: Conversation = current.clone();
    for (kind, body) in [
        (MessageKind::Outbound, "On our way"),
        (MessageKind::Note, "Bring a wrench"),
    ] {
        let message = Message {
            id: MessageId::generate(),
            conversation_id: id.clone(),
            kind,
            author_id: Some(agent.clone()),
            body: MessageBody::parse(body, false).unwrap(),
            attachments: Vec::new(),
            delivery: (kind == MessageKind::Outbound).then_some(domain::DeliveryStatus::Queued),
            provider_id: None,
            error_code: None,
            error_message: None,
            automatic: false,
            send_at: None,
            created_at: now,
        };
        store::messages::insert(
            &mut tx,
            &message,
            conversation.channel_id.as_ref(),
            &conversation,
        )
        .await
        .unwrap();
        conversation.version += 1;
        let job = NewJob::new("deliver_message", json!({"message_id": message.id}), now)
            .with_conversation(id.clone());
        store::jobs::enqueue(&mut tx, job).await.unwrap();
    }
    let version = conversation.version;
    conversation.tags = vec![Tag::parse("leak").unwrap(), Tag::parse("urgent").unwrap()];
    let tags = EventKind::TagsChanged {
        tags: conversation.tags.clone(),
    };
    store::conversations::update(
        &mut tx,
        &conversation,
        version,
        Some(&agent),
        now,
        vec![tags],
    )
    .await
    .unwrap();
    let link = Link {
        id: LinkId::generate(),
        conversation_id: id.clone(),
        kind: LinkKind::Ticket,
        external_id: "T-1".into(),
        url: "https://crm.example.com/T-1".into(),
        title: "Leak".into(),
        created_at: now,
    };
    store::links::add(&mut tx, &link, &conversation, Some(&agent), now)
        .await
        .unwrap();
    store::locks::acquire(
        &mut tx,
        &conversation,
        &agent,
        now,
        std::time::Duration::from_secs(90),
    )
    .await
    .unwrap();
    store::presence::touch(&mut tx, id, &agent, now + Duration::seconds(30))
        .await
        .unwrap();
    let reader = store::cursors::ReadCursor::User(agent.clone());
    store::cursors::mark_read(&mut tx, id, &reader, now)
        .await
        .unwrap();
    let wake = NewJob::new(
        "wake_snoozed",
        json!({"conversation_id": id}),
        now + Duration::hours(1),
    )
    .with_conversation(id.clone());
    store::jobs::enqueue(&mut tx, wake).await.unwrap();
    tx.commit().await.unwrap();
}

async fn deleting_an_inbox_leaves_nothing_of_it_behind(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    // Another inbox with its own number and a conversation worked on the same way.
    let sales = create_inbox(&app, &seed, "Sales").await;
    let path = format!("/inboxes/{sales}/channels");
    let number = json!({"kind": "sms", "provider": "simulator", "phone_number": "+14155550188"});
    let response = app
        .api(&seed, Method::POST, &path, Some(&seed.admin), Some(number))
        .await;
    let sales_channel: Value = response.json().await.unwrap();
    let channel_id = domain::ChannelId::parse(sales_channel["id"].as_str().unwrap()).unwrap();
    let mut reader = app.store.read().await.unwrap();
    let channel = store::channels::get(&mut reader.conn(), &channel_id)
        .await
        .unwrap()
        .unwrap();
    drop(reader);
    let kept = app
        .text_channel(&channel, "+14155550123", "quote please")
        .await;
    let kept = vec![kept.conversation_id().unwrap().clone()];
    work_on(&app, &kept[0], &seed.admin.id).await;

    let mut doomed = Vec::new();
    for from in ["+14155550123", "+14155550124"] {
        let texted = app
            .text_from_customer(&seed, from, "my sink is leaking")
            .await;
        doomed.push(texted.conversation_id().unwrap().clone());
    }
    work_on(&app, &doomed[0], &seed.ana.id).await;

    let before = footprint(&app.store, &seed.inbox_id, &doomed).await;
    assert!(before.iter().all(|(_, n)| *n > 0), "{before:?}");
    let kept_before = footprint(&app.store, &sales, &kept).await;
    assert!(kept_before.iter().all(|(_, n)| *n > 0), "{kept_before:?}");

    let path = format!("/inboxes/{}", seed.inbox_id);
    let response = app
        .api(
            &seed,
            Method::DELETE,
            &path,
            Some(&seed.owner),
            Some(json!({"confirm": "Support"})),
        )
        .await;
    assert_eq!(response.status(), 204);

    let after = footprint(&app.store, &seed.inbox_id, &doomed).await;
    assert!(after.iter().all(|(_, n)| *n == 0), "{after:?}");
    assert_eq!(footprint(&app.store, &sales, &kept).await, kept_before);
    // The customers are the workspace's, not the inbox's: they stay.
    let contacts = app
        .api(&seed, Method::GET, "/contacts", Some(&seed.ana), None)
        .await;
    let contacts: Value = contacts.json().await.unwrap();
    assert_eq!(contacts["items"].as_array().unwrap().len(), 2);
    assert_eq!(super::list(&app, &seed, &seed.ana).await.len(), 0);
}

//! Ingest's batches (`store::inbound::insert_many`): a batch has the effects
//! of storing each text on its own, its events come back in the log's order
//! with their sequence numbers, a batch with a text already stored or a
//! conversation changed since it was read is refused and leaves nothing once
//! rolled back, everything reads back exactly as written whatever the
//! customer typed, and on PostgreSQL the batch is announced when it commits.

use std::time::Duration;

use domain::{Attachment, ChannelId, Contact, Conversation, EventKind, Message, MessageKind};
use store::inbound::{self, NewInbound, NewThread};
use store::notify::{Announced, Listener};
use store::{contacts, conversations, events, messages, Store, StoreError};

use crate::support::{self, count_where, Team};

/// What each test starts from: a team with an SMS channel, Carla's open
/// conversation, and a newcomer whose first text starts a conversation.
struct Setting {
    team: Team,
    channel: ChannelId,
    carla: Conversation,
    newcomer: Contact,
    started: Conversation,
}

async fn setting(store: &Store) -> Setting {
    let team = support::new_team(store).await;
    let channel = support::sms_channel(store, &team, "+14155550190").await;
    let carla = support::new_conversation(store, &team.inbox, &team.contact).await;
    let newcomer = support::contact_value(&team.workspace, "Dee", "+14155550123");
    let started = support::conversation_value(&team.inbox, &newcomer);
    Setting {
        team,
        channel: channel.id,
        carla,
        newcomer,
        started,
    }
}

/// A customer's text in `conversation`, `seconds` after it started, with
/// the provider's id `provider_id`.
fn text(conversation: &Conversation, body: &str, provider_id: &str, seconds: i64) -> Message {
    let mut message = support::message_value(conversation, MessageKind::Inbound, body);
    message.provider_id = Some(provider_id.into());
    message.created_at = conversation.created_at + chrono::Duration::seconds(seconds);
    message
}

/// `message` into `conversation` (as it was before it) on the setting's channel.
fn item<'a>(
    s: &'a Setting,
    message: &'a Message,
    conversation: &'a Conversation,
) -> NewInbound<'a> {
    NewInbound {
        message,
        channel_id: &s.channel,
        conversation,
    }
}

/// `conversation` as the store leaves it after `message`.
fn after(conversation: &Conversation, message: &Message) -> Conversation {
    let mut next = conversation.clone();
    next.version += 1;
    next.inbound_version = next.version;
    next.last_activity_at = next.last_activity_at.max(message.created_at);
    next.last_inbound_at = next.last_inbound_at.max(Some(message.created_at));
    next
}

async fn conversation(store: &Store, of: &Conversation) -> Conversation {
    let mut reader = store.read().await.unwrap();
    conversations::get(&mut reader.conn(), &of.id)
        .await
        .unwrap()
        .unwrap()
}

async fn stored_events(store: &Store, s: &Setting) -> i64 {
    count_where(
        store,
        "events",
        "workspace_id",
        s.team.workspace.id.as_str(),
    )
    .await
}

#[tokio::test]
async fn a_batch_stores_each_text_once_and_returns_its_events_in_the_logs_order() {
    for store in support::stores().await {
        let backend = store.backend();
        let s = setting(&store).await;
        let one = text(&s.carla, "one", "SM1", 1);
        let two = text(&s.started, "two", "SM2", 2);
        let carla_after_one = after(&s.carla, &one);
        let three = text(&s.carla, "three", "SM3", 3);
        let items = [
            item(&s, &one, &s.carla),
            item(&s, &two, &s.started),
            item(&s, &three, &carla_after_one),
        ];
        let threads = [NewThread {
            contact: Some(&s.newcomer),
            conversation: &s.started,
        }];
        let mut tx = store.begin().await.unwrap();
        let appended = inbound::insert_many(&mut tx, &threads, &items)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let kinds: Vec<_> = appended
            .iter()
            .map(|e| (e.conversation_id.clone(), e.kind.clone()))
            .collect();
        let message = |m: &Message| EventKind::Message {
            message_id: m.id.clone(),
            message_kind: MessageKind::Inbound,
        };
        assert_eq!(
            kinds,
            vec![
                (
                    s.started.id.clone(),
                    EventKind::Created { previous_id: None }
                ),
                (s.carla.id.clone(), message(&one)),
                (s.started.id.clone(), message(&two)),
                (s.carla.id.clone(), message(&three)),
            ],
            "{backend:?}"
        );
        assert!(
            appended.windows(2).all(|w| w[0].seq < w[1].seq),
            "{backend:?}: seqs in the log's order: {appended:?}"
        );
        let mut reader = store.read().await.unwrap();
        for event in &appended {
            let stored = events::get(&mut reader.conn(), event.seq).await.unwrap();
            assert_eq!(stored.as_ref(), Some(event), "{backend:?}");
        }
        for (m, provider_id) in [(&one, "SM1"), (&two, "SM2"), (&three, "SM3")] {
            let known = messages::by_provider_id(&mut reader.conn(), &s.channel, provider_id)
                .await
                .unwrap();
            assert_eq!(known.map(|k| k.id), Some(m.id.clone()), "{backend:?}");
        }
        drop(reader);

        let carla = conversation(&store, &s.carla).await;
        let expected = after(&carla_after_one, &three);
        assert_eq!(
            (carla.version, carla.inbound_version, carla.last_inbound_at),
            (
                expected.version,
                expected.inbound_version,
                expected.last_inbound_at
            ),
            "{backend:?}"
        );
        assert_eq!(
            carla.last_activity_at, expected.last_activity_at,
            "{backend:?}"
        );
        let started = conversation(&store, &s.started).await;
        let expected = after(&s.started, &two);
        assert_eq!(
            (started.version, started.last_inbound_at),
            (expected.version, expected.last_inbound_at),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_batch_with_a_stored_text_or_a_changed_conversation_is_refused_and_leaves_nothing() {
    for store in support::stores().await {
        let backend = store.backend();
        let s = setting(&store).await;
        let first = text(&s.carla, "first", "SM1", 1);
        let mut tx = store.begin().await.unwrap();
        inbound::insert_many(&mut tx, &[], &[item(&s, &first, &s.carla)])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let carla = after(&s.carla, &first);
        let events_before = stored_events(&store, &s).await;

        let fresh = text(&s.carla, "fresh", "SM9", 2);
        let retried = text(&s.carla, "first", "SM1", 1);
        let newcomers = text(&s.started, "hello", "SM8", 3);
        let threads = [NewThread {
            contact: Some(&s.newcomer),
            conversation: &s.started,
        }];
        let carla_after_fresh = after(&carla, &fresh);
        let stale_version = s.carla.clone();
        let out_of_step = carla.clone();
        // Why, whether it is a duplicate (else a version conflict), the batch.
        let refusals: [(&str, bool, Vec<NewInbound<'_>>); 3] = [
            (
                "a provider id already stored",
                true,
                vec![
                    item(&s, &fresh, &carla),
                    item(&s, &newcomers, &s.started),
                    item(&s, &retried, &carla_after_fresh),
                ],
            ),
            (
                "a conversation read before its last change",
                false,
                vec![
                    item(&s, &newcomers, &s.started),
                    item(&s, &fresh, &stale_version),
                ],
            ),
            (
                "two texts of a conversation with the same version",
                false,
                vec![item(&s, &fresh, &carla), item(&s, &newcomers, &out_of_step)],
            ),
        ];
        for (why, duplicate, items) in &refusals {
            let mut tx = store.begin().await.unwrap();
            let refused = inbound::insert_many(&mut tx, &threads, items).await;
            let as_expected = match &refused {
                Err(StoreError::Duplicate(_)) => *duplicate,
                Err(StoreError::VersionConflict) => !*duplicate,
                _ => false,
            };
            assert!(as_expected, "{backend:?}, {why}: {refused:?}");
            drop(tx);

            assert_eq!(
                count_where(&store, "messages", "conversation_id", s.carla.id.as_str()).await,
                1,
                "{backend:?}, {why}"
            );
            assert_eq!(
                count_where(&store, "conversations", "id", s.started.id.as_str()).await,
                0,
                "{backend:?}, {why}"
            );
            assert_eq!(
                stored_events(&store, &s).await,
                events_before,
                "{backend:?}, {why}"
            );
            let now = conversation(&store, &s.carla).await;
            assert_eq!(now.version, carla.version, "{backend:?}, {why}");
        }
    }
}

#[tokio::test]
async fn on_postgres_a_batch_is_announced_once_on_commit_with_its_last_event() {
    for store in support::stores().await {
        let s = setting(&store).await;
        // After the fixtures: only the batch's events are heard.
        let Some(mut listener) = Listener::connect(&store).await.unwrap() else {
            continue; // SQLite: one process, nothing to announce.
        };
        let one = text(&s.carla, "one", "SM1", 1);
        let two = text(&s.started, "two", "SM2", 2);
        let mut tx = store.begin().await.unwrap();
        let appended = inbound::insert_many(
            &mut tx,
            &[NewThread {
                contact: Some(&s.newcomer),
                conversation: &s.started,
            }],
            &[item(&s, &one, &s.carla), item(&s, &two, &s.started)],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        // One nudge for the batch, naming its last event: a listener's
        // node reads the log from where it was, so that covers them all.
        let heard = loop {
            let next = tokio::time::timeout(Duration::from_secs(10), listener.recv())
                .await
                .expect("the batch is announced")
                .unwrap();
            if let Some(Announced::Event(notice)) = next {
                if notice.workspace_id == s.team.workspace.id {
                    break notice.seq;
                }
            }
        };
        assert_eq!(Some(heard), appended.iter().map(|e| e.seq).max());
        assert_eq!(appended.len(), 3, "created, one, two");
    }
}

/// Text with everything a string literal, a JSON string or an array bind
/// escapes.
const AWKWARD: &str =
    "Zoë \"Z\" O'Neil \\ back\\slash {a,b} NULL\n2nd line\ttab 🎉 \u{2028} '); DROP TABLE messages; --";

#[tokio::test]
async fn a_batch_stores_a_newcomer_and_their_texts_exactly_as_written() {
    for store in support::stores().await {
        let backend = store.backend();
        let s = setting(&store).await;
        let newcomer = Contact {
            name: AWKWARD.into(),
            ..s.newcomer.clone()
        };
        let mut first = text(&s.started, AWKWARD, "SM1", 1);
        first.attachments = vec![Attachment {
            url: "https://media.example.com/a\"b.jpg?x=1&y=\\".into(),
            content_type: "image/jpeg".into(),
        }];
        let second = text(&s.started, "123", "SM2", 2);
        let third = text(&s.carla, "true", "SM3", 3);
        let started_after_one = after(&s.started, &first);
        let mut tx = store.begin().await.unwrap();
        inbound::insert_many(
            &mut tx,
            &[NewThread {
                contact: Some(&newcomer),
                conversation: &s.started,
            }],
            &[
                item(&s, &first, &s.started),
                item(&s, &second, &started_after_one),
                item(&s, &third, &s.carla),
            ],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let stored = contacts::get(&mut reader.conn(), &newcomer.id)
            .await
            .unwrap();
        assert_eq!(stored.as_ref(), Some(&newcomer), "{backend:?}");
        for message in [&first, &second, &third] {
            let stored = messages::get(&mut reader.conn(), &message.id)
                .await
                .unwrap();
            assert_eq!(stored.as_ref(), Some(message), "{backend:?}");
        }
        drop(reader);
        assert_eq!(
            conversation(&store, &s.started).await,
            after(&started_after_one, &second),
            "{backend:?}"
        );
    }
}

//! Ingest's batch (`inbound::insert_many`): new customers, their new
//! conversations and every text stored as given, whatever the text holds,
//! and a batch that cannot be stored whole is refused whole.

use domain::{Attachment, Contact, Conversation, EventKind, Message, MessageKind, Status};
use store::inbound::{insert_many, NewInbound, NewThread};
use store::{contacts, conversations, messages, StoreError};

use crate::support::{self, at_millis, sms_channel};

/// Text with everything a JSON string or an SQL literal escapes.
const AWKWARD: &str =
    "Zoë \"Z\" O'Neil \\ back\\slash\n2nd line\ttab 🎉 \u{2028} '); DROP TABLE messages; --";

fn text(conversation: &Conversation, body: &str, sid: &str, millis: i64) -> Message {
    let mut message = support::message_value(conversation, MessageKind::Inbound, body);
    message.provider_id = Some(sid.to_string());
    message.created_at = at_millis(millis);
    message
}

async fn read_message(store: &store::Store, message: &Message) -> Message {
    let mut reader = store.read().await.unwrap();
    messages::get(&mut reader.conn(), &message.id)
        .await
        .unwrap()
        .expect("the message is stored")
}

async fn read_conversation(store: &store::Store, conversation: &Conversation) -> Conversation {
    let mut reader = store.read().await.unwrap();
    conversations::get(&mut reader.conn(), &conversation.id)
        .await
        .unwrap()
        .expect("the conversation is stored")
}

async fn read_contact(store: &store::Store, contact: &Contact) -> Contact {
    let mut reader = store.read().await.unwrap();
    contacts::get(&mut reader.conn(), &contact.id)
        .await
        .unwrap()
        .expect("the contact is stored")
}

#[tokio::test]
async fn a_batch_stores_new_customers_their_conversations_and_every_text_as_given() {
    for store in support::stores().await {
        let backend = store.backend();
        let team = support::new_team(&store).await;
        let channel = sms_channel(&store, &team, "+14155550190").await;
        let mut carla = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let mut zoe = support::contact_value(&team.workspace, AWKWARD, "+14155550191");
        zoe.created_at = at_millis(1_700_000_000_000);
        zoe.updated_at = zoe.created_at;
        let mut zoes = support::conversation_value(&team.inbox, &zoe);
        zoes.channel_id = Some(channel.id.clone());
        zoes.created_at = at_millis(1_700_000_000_001);
        zoes.last_activity_at = zoes.created_at;

        let mut first = text(&zoes, AWKWARD, "SM1", 1_700_000_000_002);
        first.attachments = vec![Attachment {
            url: "https://media.example.com/a\"b.jpg?x=1&y=\\".into(),
            content_type: "image/jpeg".into(),
        }];
        let second = text(&zoes, "123", "SM2", 1_700_000_000_003);
        let to_carla = text(&carla, "true", "SM3", 1_700_000_000_004);
        let zoes_after_one = Conversation {
            version: zoes.version + 1,
            ..zoes.clone()
        };
        let mut tx = store.begin().await.unwrap();
        let events = insert_many(
            &mut tx,
            &[NewThread {
                contact: Some(&zoe),
                conversation: &zoes,
            }],
            &[
                NewInbound {
                    message: &first,
                    channel_id: &channel.id,
                    conversation: &zoes,
                },
                NewInbound {
                    message: &second,
                    channel_id: &channel.id,
                    conversation: &zoes_after_one,
                },
                NewInbound {
                    message: &to_carla,
                    channel_id: &channel.id,
                    conversation: &carla,
                },
            ],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        // The log: the new conversation, then each text, in order.
        let kinds: Vec<_> = events.iter().map(|e| e.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                EventKind::Created { previous_id: None },
                EventKind::Message {
                    message_id: first.id.clone(),
                    message_kind: MessageKind::Inbound
                },
                EventKind::Message {
                    message_id: second.id.clone(),
                    message_kind: MessageKind::Inbound
                },
                EventKind::Message {
                    message_id: to_carla.id.clone(),
                    message_kind: MessageKind::Inbound
                },
            ],
            "{backend:?}"
        );
        assert!(
            events.windows(2).all(|w| w[0].seq < w[1].seq),
            "{backend:?}"
        );

        // Everything reads back exactly as written.
        assert_eq!(read_contact(&store, &zoe).await, zoe, "{backend:?}");
        for message in [&first, &second, &to_carla] {
            let stored = read_message(&store, message).await;
            assert_eq!(&stored, message, "{backend:?}");
        }
        let stored = read_conversation(&store, &zoes).await;
        assert_eq!(
            stored,
            Conversation {
                version: zoes.version + 2,
                inbound_version: zoes.version + 2,
                last_inbound_at: Some(second.created_at),
                last_activity_at: second.created_at,
                ..zoes.clone()
            },
            "{backend:?}"
        );
        assert_eq!(stored.status, Status::New);
        let stored = read_conversation(&store, &carla).await;
        assert_eq!(stored.version, carla.version + 1, "{backend:?}");
        assert_eq!(stored.last_inbound_at, Some(to_carla.created_at));
        carla.version += 1;

        // A retried webhook (same provider id) or a conversation changed
        // since it was read refuses the whole batch, and nothing of it stays.
        let again = text(&carla, "again", "SM3", 1_700_000_000_005);
        let fresh = text(&carla, "fresh", "SM4", 1_700_000_000_006);
        let stale = Conversation {
            version: carla.version - 1,
            ..carla.clone()
        };
        for (items, refusal) in [
            (
                vec![(&fresh, &carla), (&again, &carla)],
                "a provider id stored before",
            ),
            (
                vec![(&fresh, &stale)],
                "a conversation read before a change",
            ),
        ] {
            let items: Vec<NewInbound<'_>> = items
                .into_iter()
                .map(|(message, conversation)| NewInbound {
                    message,
                    channel_id: &channel.id,
                    conversation,
                })
                .collect();
            let mut tx = store.begin().await.unwrap();
            let refused = insert_many(&mut tx, &[], &items).await;
            assert!(
                matches!(
                    refused,
                    Err(StoreError::Duplicate(_) | StoreError::VersionConflict)
                ),
                "{refusal} on {backend:?}: {refused:?}"
            );
            drop(tx);
            let mut reader = store.read().await.unwrap();
            let found = messages::get(&mut reader.conn(), &fresh.id).await.unwrap();
            assert_eq!(found, None, "{refusal} on {backend:?}");
            drop(reader);
            assert_eq!(
                read_conversation(&store, &carla).await.version,
                carla.version
            );
        }
    }
}

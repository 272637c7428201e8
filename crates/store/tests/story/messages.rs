//! Messages: stored once per provider id, moving their conversation on,
//! delivery that never goes backwards, and the timeline.

use domain::{Attachment, DeliveryStatus, EventKind, MessageKind, Status};
use store::{conversations, messages, StoreError};

use crate::support::{self, count_where, millis_now, sms_channel};

#[tokio::test]
async fn a_message_is_stored_with_its_event_and_moves_its_conversation_on() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let mut inbound = support::message_value(
            &conversation,
            MessageKind::Inbound,
            "Hi, my card was declined",
        );
        inbound.created_at = conversation.created_at + chrono::Duration::seconds(3);
        inbound.attachments = vec![Attachment {
            url: "https://media.example.com/1.jpg".into(),
            content_type: "image/jpeg".into(),
        }];
        inbound.provider_id = Some("SM1".into());

        // Dropped: neither the message nor its event nor the conversation change is kept.
        let mut tx = store.begin().await.unwrap();
        messages::insert(&mut tx, &inbound, None, &conversation)
            .await
            .unwrap();
        drop(tx);
        assert_eq!(
            count_where(
                &store,
                "messages",
                "conversation_id",
                conversation.id.as_str()
            )
            .await,
            0
        );
        assert_eq!(
            count_where(
                &store,
                "events",
                "conversation_id",
                conversation.id.as_str()
            )
            .await,
            1
        );

        let mut tx = store.begin().await.unwrap();
        let event = messages::insert(&mut tx, &inbound, None, &conversation)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            event.kind,
            EventKind::Message {
                message_id: inbound.id.clone(),
                message_kind: MessageKind::Inbound
            }
        );
        assert_eq!(event.created_at, inbound.created_at);

        let mut reader = store.read().await.unwrap();
        let stored = messages::get(&mut reader.conn(), &inbound.id)
            .await
            .unwrap();
        assert_eq!(stored.as_ref(), Some(&inbound));
        let moved = conversations::get(&mut reader.conn(), &conversation.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(moved.version, conversation.version + 1);
        assert_eq!(moved.last_activity_at, inbound.created_at);
        assert_eq!(moved.last_inbound_at, Some(inbound.created_at));
        let last_message = "SELECT COUNT(*) FROM conversations WHERE last_message_id = $1";
        assert_eq!(
            support::scalar(&store, last_message, inbound.id.as_str()).await,
            1
        );
        conversation.version += 1;

        // A note is activity but not what the queue shows as the last message.
        let note =
            support::new_message(&store, &mut conversation, MessageKind::Note, "Refund?").await;
        assert_eq!(
            support::scalar(&store, last_message, note.id.as_str()).await,
            0
        );
        assert_eq!(
            support::scalar(&store, last_message, inbound.id.as_str()).await,
            1
        );
        let reply =
            support::new_message(&store, &mut conversation, MessageKind::Outbound, "On it").await;
        assert_eq!(
            support::scalar(&store, last_message, reply.id.as_str()).await,
            1
        );
        let moved = conversations::get(&mut reader.conn(), &conversation.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(moved.version, conversation.version);
        assert_eq!(moved.last_inbound_at, Some(inbound.created_at));
        assert_eq!(
            count_where(
                &store,
                "events",
                "conversation_id",
                conversation.id.as_str()
            )
            .await,
            4
        );
        let missing = domain::MessageId::generate();
        assert_eq!(
            messages::get(&mut reader.conn(), &missing).await.unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn a_message_written_against_an_old_version_is_a_conflict() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let mut seen_by_bruno = conversation.clone();
        let mut seen_by_ana = conversation.clone();
        support::new_message(
            &store,
            &mut seen_by_ana,
            MessageKind::Outbound,
            "Ana's reply",
        )
        .await;

        let stale = support::message_value(&seen_by_bruno, MessageKind::Outbound, "Bruno's reply");
        let mut tx = store.begin().await.unwrap();
        let refused = messages::insert(&mut tx, &stale, None, &seen_by_bruno).await;
        assert!(
            matches!(refused, Err(StoreError::VersionConflict)),
            "{refused:?}"
        );
        drop(tx);
        assert_eq!(
            count_where(&store, "messages", "id", stale.id.as_str()).await,
            0
        );

        // Having seen Ana's reply, Bruno may send his.
        seen_by_bruno.version = seen_by_ana.version;
        let mut tx = store.begin().await.unwrap();
        messages::insert(&mut tx, &stale, None, &seen_by_bruno)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn a_retried_webhook_with_the_same_provider_id_stores_nothing_new() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let channel = sms_channel(&store, &team, "+14155550199").await;
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let mut first = support::message_value(&conversation, MessageKind::Inbound, "Hello");
        first.provider_id = Some("SM-abc".into());
        let mut tx = store.begin().await.unwrap();
        messages::insert(&mut tx, &first, Some(&channel.id), &conversation)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut current = conversation.clone();
        current.version += 1;
        let mut retry = support::message_value(&conversation, MessageKind::Inbound, "Hello");
        retry.provider_id = Some("SM-abc".into());
        let mut tx = store.begin().await.unwrap();
        let refused = messages::insert(&mut tx, &retry, Some(&channel.id), &current).await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate(_))),
            "{refused:?}"
        );
        // Still usable after the refusal, on both backends.
        let known = messages::by_provider_id(&mut tx.conn(), &channel.id, "SM-abc")
            .await
            .unwrap();
        assert_eq!(known.map(|m| m.id), Some(first.id.clone()));
        tx.commit().await.unwrap();

        assert_eq!(
            count_where(
                &store,
                "messages",
                "conversation_id",
                conversation.id.as_str()
            )
            .await,
            1
        );
        assert_eq!(
            count_where(
                &store,
                "events",
                "conversation_id",
                conversation.id.as_str()
            )
            .await,
            2
        );
        let mut reader = store.read().await.unwrap();
        let unchanged = conversations::get(&mut reader.conn(), &conversation.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(unchanged.version, current.version);
        let unknown = messages::by_provider_id(&mut reader.conn(), &channel.id, "SM-zzz")
            .await
            .unwrap();
        assert_eq!(unknown, None);

        // The same provider id on another channel is another message.
        let other = sms_channel(&store, &team, "+14155550198").await;
        let mut tx = store.begin().await.unwrap();
        messages::insert(&mut tx, &retry, Some(&other.id), &current)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let found = messages::by_provider_id(&mut reader.conn(), &other.id, "SM-abc")
            .await
            .unwrap();
        assert_eq!(found.map(|m| m.id), Some(retry.id));
    }
}

#[tokio::test]
async fn delivery_status_only_ever_moves_forward() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let reply = support::new_message(
            &store,
            &mut conversation,
            MessageKind::Outbound,
            "Sent you a refund",
        )
        .await;
        let inbound =
            support::new_message(&store, &mut conversation, MessageKind::Inbound, "Thanks").await;
        let at = millis_now();

        let mut tx = store.begin().await.unwrap();
        let sent = messages::set_delivery(
            &mut tx,
            &reply,
            &conversation,
            DeliveryStatus::Sent,
            None,
            None,
            Some("SM-9"),
            at,
        )
        .await
        .unwrap()
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            sent.kind,
            EventKind::Delivery {
                message_id: reply.id.clone(),
                status: DeliveryStatus::Sent
            }
        );
        let mut reader = store.read().await.unwrap();
        let stored = messages::get(&mut reader.conn(), &reply.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.delivery, stored.provider_id.as_deref()),
            (Some(DeliveryStatus::Sent), Some("SM-9"))
        );

        let mut tx = store.begin().await.unwrap();
        let delivered = messages::set_delivery(
            &mut tx,
            &stored,
            &conversation,
            DeliveryStatus::Delivered,
            None,
            None,
            None,
            at,
        )
        .await
        .unwrap();
        assert!(delivered.is_some());
        // A late `sent` for the message as read before `delivered` is ignored by
        // the database itself, not only by the check on the stale copy.
        let late = messages::set_delivery(
            &mut tx,
            &stored,
            &conversation,
            DeliveryStatus::Failed,
            Some("30003"),
            Some("Unreachable"),
            None,
            at,
        )
        .await
        .unwrap();
        assert_eq!(late, None);
        let late = messages::set_delivery(
            &mut tx,
            &reply,
            &conversation,
            DeliveryStatus::Sending,
            None,
            None,
            None,
            at,
        )
        .await
        .unwrap();
        assert_eq!(late, None);
        // Inbound messages have no delivery status.
        let none = messages::set_delivery(
            &mut tx,
            &inbound,
            &conversation,
            DeliveryStatus::Delivered,
            None,
            None,
            None,
            at,
        )
        .await
        .unwrap();
        assert_eq!(none, None);
        tx.commit().await.unwrap();

        let stored = messages::get(&mut reader.conn(), &reply.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.delivery, Some(DeliveryStatus::Delivered));
        assert_eq!(
            (stored.error_code, stored.provider_id.as_deref()),
            (None, Some("SM-9"))
        );
        let kinds = "SELECT COUNT(*) FROM events WHERE kind = 'delivery' AND conversation_id = $1";
        assert_eq!(
            support::scalar(&store, kinds, conversation.id.as_str()).await,
            2
        );

        // A failure report is kept with its error when it is news.
        let failing =
            support::new_message(&store, &mut conversation, MessageKind::Outbound, "Hello?").await;
        let mut tx = store.begin().await.unwrap();
        messages::set_delivery(
            &mut tx,
            &failing,
            &conversation,
            DeliveryStatus::Undelivered,
            Some("30003"),
            Some("Unreachable handset"),
            None,
            at,
        )
        .await
        .unwrap()
        .unwrap();
        tx.commit().await.unwrap();
        let stored = messages::get(&mut reader.conn(), &failing.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.delivery, Some(DeliveryStatus::Undelivered));
        assert_eq!(stored.error_code.as_deref(), Some("30003"));
        assert_eq!(stored.error_message.as_deref(), Some("Unreachable handset"));
    }
}

#[tokio::test]
async fn the_timeline_lists_events_in_order_with_their_messages() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let inbound =
            support::new_message(&store, &mut conversation, MessageKind::Inbound, "Hi").await;
        let mut opened = conversation.clone();
        opened.status = Status::Open;
        let mut tx = store.begin().await.unwrap();
        let change = EventKind::StatusChanged {
            from: Status::New,
            to: Status::Open,
            snoozed_until: None,
        };
        conversations::update(
            &mut tx,
            &opened,
            conversation.version,
            Some(&team.ana.id),
            millis_now(),
            vec![change],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        conversation.version += 1;
        let note = support::new_message(&store, &mut conversation, MessageKind::Note, "VIP").await;
        let reply =
            support::new_message(&store, &mut conversation, MessageKind::Outbound, "Hello!").await;
        let mut tx = store.begin().await.unwrap();
        messages::set_delivery(
            &mut tx,
            &reply,
            &conversation,
            DeliveryStatus::Sent,
            None,
            None,
            None,
            millis_now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let timeline = messages::timeline(&mut reader.conn(), &conversation.id, 0, 100)
            .await
            .unwrap();
        let names: Vec<&str> = timeline.iter().map(|i| i.event.kind.name()).collect();
        assert_eq!(
            names,
            [
                "created",
                "message",
                "status_changed",
                "message",
                "message",
                "delivery"
            ]
        );
        assert!(timeline.windows(2).all(|w| w[0].event.seq < w[1].event.seq));
        let shown: Vec<Option<&domain::MessageId>> = timeline
            .iter()
            .map(|i| i.message.as_ref().map(|m| &m.id))
            .collect();
        assert_eq!(
            shown,
            [
                None,
                Some(&inbound.id),
                None,
                Some(&note.id),
                Some(&reply.id),
                None
            ]
        );
        assert_eq!(timeline[1].message.as_ref(), Some(&inbound));
        assert_eq!(
            timeline[4].message.as_ref().and_then(|m| m.delivery),
            Some(DeliveryStatus::Sent)
        );

        let after = timeline[2].event.seq;
        let rest = messages::timeline(&mut reader.conn(), &conversation.id, after, 2)
            .await
            .unwrap();
        assert_eq!(rest, timeline[3..5]);
    }
}

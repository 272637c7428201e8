//! The phone simulator's reads: the numbers a customer can text, and what a
//! customer's phone has sent and received.

use domain::{
    Channel, ChannelId, ChannelKind, Conversation, DeliveryStatus, Message, MessageKind,
    PhoneNumber, Provider,
};
use store::simulator::{phone_messages, simulator_numbers, PhoneDirection};
use store::{channels, messages, Store};

use crate::support::{self, at_millis, millis_now};

/// A committed SMS channel of `inbox` at `number`, carried by `provider`.
async fn channel(
    store: &Store,
    inbox: &domain::Inbox,
    number: &str,
    provider: Provider,
) -> Channel {
    let channel = Channel {
        id: ChannelId::generate(),
        inbox_id: inbox.id.clone(),
        kind: ChannelKind::Sms,
        provider,
        address: number.into(),
        settings: "{}".into(),
        created_at: millis_now(),
    };
    let mut tx = store.begin().await.unwrap();
    channels::create(&mut tx, &channel).await.unwrap();
    tx.commit().await.unwrap();
    channel
}

/// Commits a message of `kind` on `channel`, written `at` (milliseconds
/// since the epoch), and moves `conversation` on as the store did.
async fn text(
    store: &Store,
    conversation: &mut Conversation,
    channel: &Channel,
    kind: MessageKind,
    body: &str,
    at: i64,
) -> Message {
    let mut message = support::message_value(conversation, kind, body);
    message.created_at = at_millis(at);
    let mut tx = store.begin().await.unwrap();
    messages::insert(&mut tx, &message, Some(&channel.id), conversation)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    conversation.version += 1;
    message
}

#[tokio::test]
async fn every_simulator_number_is_listed_with_its_inbox_and_business() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let sales = support::new_inbox(&store, &team.workspace, "Sales", &[]).await;
        let other = support::new_workspace(&store, "Zenith Dental").await;
        let front = support::new_inbox(&store, &other, "Front desk", &[]).await;
        channel(&store, &team.inbox, "+14155550140", Provider::Simulator).await;
        channel(&store, &sales, "+14155550141", Provider::Simulator).await;
        channel(&store, &front, "+12125550142", Provider::Simulator).await;
        // A real provider's number is not the simulator's to play.
        channel(&store, &sales, "+14155550143", Provider::Twilio).await;

        let numbers = simulator_numbers(&mut store.read().await.unwrap().conn())
            .await
            .unwrap();
        let listed: Vec<(&str, &str, &str)> = numbers
            .iter()
            .map(|n| {
                (
                    if n.workspace_id == team.workspace.id {
                        "Acme"
                    } else {
                        "Zenith Dental"
                    },
                    n.inbox_name.as_str(),
                    n.number.as_str(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            vec![
                ("Acme", "Sales", "+14155550141"),
                ("Acme", "Support", "+14155550140"),
                ("Zenith Dental", "Front desk", "+12125550142"),
            ]
        );
        assert_eq!(numbers[1].emoji, team.inbox.emoji);
        assert_eq!(numbers[1].color, team.inbox.color);
    }
}

#[tokio::test]
async fn a_phone_sees_what_it_sent_and_the_replies_to_it_oldest_first_but_never_notes() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        // A simulated phone with the number of the team's real contact.
        let number = team.contact.phone.clone().unwrap();
        let caller =
            support::new_simulated_contact(&store, &team.workspace, "Carla", number.as_str()).await;
        let support_line = channel(&store, &team.inbox, "+14155550150", Provider::Simulator).await;
        let twilio_line = channel(&store, &team.inbox, "+14155550151", Provider::Twilio).await;
        let mut conversation = support::new_conversation(&store, &team.inbox, &caller).await;
        let base = millis_now().timestamp_millis();

        let hello = text(
            &store,
            &mut conversation,
            &support_line,
            MessageKind::Inbound,
            "Is the shop open on Sunday?",
            base,
        )
        .await;
        text(
            &store,
            &mut conversation,
            &support_line,
            MessageKind::Note,
            "She asked last week too",
            base + 1_000,
        )
        .await;
        let reply = text(
            &store,
            &mut conversation,
            &support_line,
            MessageKind::Outbound,
            "Yes, 10 to 4.",
            base + 2_000,
        )
        .await;
        // Sent through a real provider: not on the simulated phone.
        text(
            &store,
            &mut conversation,
            &twilio_line,
            MessageKind::Outbound,
            "Sent through Twilio",
            base + 3_000,
        )
        .await;
        // Nor is the real customer's conversation with the same number,
        // even on a simulator line.
        let mut reals = support::new_conversation(&store, &team.inbox, &team.contact).await;
        text(
            &store,
            &mut reals,
            &support_line,
            MessageKind::Outbound,
            "For the real customer",
            base + 3_500,
        )
        .await;
        // Another customer's text is not on this phone either.
        let dan = support::new_contact(&store, &team.workspace, "Dan", "+14155550199").await;
        let mut dans = support::new_conversation(&store, &team.inbox, &dan).await;
        text(
            &store,
            &mut dans,
            &support_line,
            MessageKind::Inbound,
            "Dan here",
            base + 4_000,
        )
        .await;

        let phone = caller.phone.clone().unwrap();
        let seen = phone_messages(&mut store.read().await.unwrap().conn(), &phone, 50)
            .await
            .unwrap();
        let bodies: Vec<&str> = seen.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(bodies, vec!["Is the shop open on Sunday?", "Yes, 10 to 4."]);
        assert_eq!(seen[0].id, hello.id);
        assert_eq!(seen[0].direction, PhoneDirection::FromPhone);
        assert_eq!(seen[0].delivery_status, None);
        assert_eq!(seen[0].inbox_number.as_str(), "+14155550150");
        assert_eq!(seen[0].created_at, at_millis(base));
        assert_eq!(seen[1].id, reply.id);
        assert_eq!(seen[1].direction, PhoneDirection::ToPhone);
        assert_eq!(seen[1].delivery_status, Some(DeliveryStatus::Queued));

        // A failed delivery shows its reason.
        let mut tx = store.begin().await.unwrap();
        messages::set_delivery(
            &mut tx,
            &reply,
            &conversation,
            DeliveryStatus::Failed,
            Some("30003"),
            Some("Unreachable handset"),
            None,
            millis_now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let seen = phone_messages(&mut store.read().await.unwrap().conn(), &phone, 50)
            .await
            .unwrap();
        assert_eq!(seen[1].delivery_status, Some(DeliveryStatus::Failed));
        assert_eq!(seen[1].error.as_deref(), Some("Unreachable handset"));

        // A phone nobody knows has an empty screen.
        let stranger = PhoneNumber::parse("+14155550177", "US").unwrap();
        let none = phone_messages(&mut store.read().await.unwrap().conn(), &stranger, 50)
            .await
            .unwrap();
        assert!(none.is_empty());
    }
}

#[tokio::test]
async fn a_phone_with_a_long_history_shows_the_latest_texts_oldest_first() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        // A simulated phone with the number of the team's real contact.
        let number = team.contact.phone.clone().unwrap();
        let caller =
            support::new_simulated_contact(&store, &team.workspace, "Carla", number.as_str()).await;
        let line = channel(&store, &team.inbox, "+14155550160", Provider::Simulator).await;
        let mut conversation = support::new_conversation(&store, &team.inbox, &caller).await;
        let base = millis_now().timestamp_millis();
        for i in 0..5 {
            text(
                &store,
                &mut conversation,
                &line,
                MessageKind::Inbound,
                &format!("text {i}"),
                base + i * 1_000,
            )
            .await;
        }
        let phone = caller.phone.clone().unwrap();
        let seen = phone_messages(&mut store.read().await.unwrap().conn(), &phone, 3)
            .await
            .unwrap();
        let bodies: Vec<&str> = seen.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(bodies, vec!["text 2", "text 3", "text 4"]);
    }
}

#[tokio::test]
async fn the_same_phone_texting_two_businesses_sees_both_threads() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        // A simulated phone with the number of the team's real contact.
        let number = team.contact.phone.clone().unwrap();
        let caller =
            support::new_simulated_contact(&store, &team.workspace, "Carla", number.as_str()).await;
        let acme = channel(&store, &team.inbox, "+14155550170", Provider::Simulator).await;
        let other = support::new_workspace(&store, "Zenith Dental").await;
        let front = support::new_inbox(&store, &other, "Front desk", &[]).await;
        let zenith = channel(&store, &front, "+12125550171", Provider::Simulator).await;
        let phone = caller.phone.clone().unwrap();
        let carla_there =
            support::new_simulated_contact(&store, &other, "Carla at Zenith", phone.as_str()).await;
        let mut at_acme = support::new_conversation(&store, &team.inbox, &caller).await;
        let mut at_zenith = support::new_conversation(&store, &front, &carla_there).await;
        let base = millis_now().timestamp_millis();
        text(
            &store,
            &mut at_acme,
            &acme,
            MessageKind::Inbound,
            "to Acme",
            base,
        )
        .await;
        text(
            &store,
            &mut at_zenith,
            &zenith,
            MessageKind::Inbound,
            "to Zenith",
            base + 1_000,
        )
        .await;

        let seen = phone_messages(&mut store.read().await.unwrap().conn(), &phone, 50)
            .await
            .unwrap();
        let threads: Vec<(&str, &str)> = seen
            .iter()
            .map(|m| (m.inbox_number.as_str(), m.body.as_str()))
            .collect();
        assert_eq!(
            threads,
            vec![("+14155550170", "to Acme"), ("+12125550171", "to Zenith")]
        );
    }
}

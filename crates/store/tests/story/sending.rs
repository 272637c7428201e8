//! The send claim on an outbound message: one run at a time may hand it to
//! its provider; a claim whose run died lapses.

use domain::{DeliveryStatus, MessageKind};
use store::sending::{self, Claim};

use crate::support::{self, millis_now};

#[tokio::test]
async fn one_run_at_a_time_holds_a_message_s_send_until_it_is_released_or_lapses() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let reply =
            support::new_message(&store, &mut conversation, MessageKind::Outbound, "On it").await;
        let now = millis_now();
        let until = now + chrono::Duration::seconds(240);
        let claim = |token: &'static str, at| {
            let (store, id) = (store.clone(), reply.id.clone());
            async move {
                let mut tx = store.begin().await.unwrap();
                let claim =
                    sending::claim(&mut tx, &id, token, at, at + chrono::Duration::seconds(240))
                        .await
                        .unwrap();
                tx.commit().await.unwrap();
                claim
            }
        };
        assert_eq!(claim("first", now).await, Claim::Taken);
        assert_eq!(
            claim("second", now + chrono::Duration::seconds(121)).await,
            Claim::HeldUntil(until),
            "held while the first run may still be sending"
        );

        // Released (its send failed), the next run takes it at once.
        let mut tx = store.begin().await.unwrap();
        sending::release(&mut tx, &reply.id, "second")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(
            matches!(claim("third", now).await, Claim::HeldUntil(_)),
            "only its holder releases it"
        );
        let mut tx = store.begin().await.unwrap();
        sending::release(&mut tx, &reply.id, "first").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(claim("third", now).await, Claim::Taken);

        // A run that died holding it: the claim lapses and another takes over.
        assert_eq!(
            claim("fourth", until + chrono::Duration::seconds(1)).await,
            Claim::Taken
        );

        // Handed over, it is nobody's to send again.
        let mut tx = store.begin().await.unwrap();
        store::messages::set_delivery(
            &mut tx,
            &reply,
            &conversation,
            DeliveryStatus::Sending,
            None,
            None,
            Some("SM0123"),
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let later = until + chrono::Duration::days(1);
        assert_eq!(claim("fifth", later).await, Claim::Done);
    }
}

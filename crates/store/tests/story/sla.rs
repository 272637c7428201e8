//! SLA targets beside their inbox, a conversation's due time, and the
//! breach recorded once per due time.

use chrono::Duration;
use domain::{SlaClock, SlaDue, SlaPolicy, SlaTargets};
use store::sla;

use crate::support::{self, millis_now};

#[tokio::test]
async fn targets_read_back_as_saved_and_new_ones_replace_them() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let inbox = &team.inbox;
        let mut reader = store.read().await.unwrap();
        assert_eq!(sla::get(&mut reader.conn(), &inbox.id).await.unwrap(), None);
        drop(reader);
        let first = SlaPolicy {
            normal: SlaTargets {
                first_response_mins: Some(60),
                next_response_mins: Some(240),
                resolution_mins: Some(2880),
            },
            ..SlaPolicy::default()
        };
        let second = SlaPolicy {
            urgent: SlaTargets {
                first_response_mins: Some(15),
                ..SlaTargets::default()
            },
            ..SlaPolicy::default()
        };
        for saved in [first, second] {
            let mut tx = store.begin().await.unwrap();
            sla::put(&mut tx, &inbox.id, &saved, millis_now())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let mut reader = store.read().await.unwrap();
            let read = sla::get(&mut reader.conn(), &inbox.id).await.unwrap();
            assert_eq!(read, Some(saved));
            let all = sla::of_workspace(&mut reader.conn(), &team.workspace.id)
                .await
                .unwrap();
            assert_eq!(all.get(&inbox.id), Some(&saved));
        }
    }
}

#[tokio::test]
async fn a_due_time_reads_back_with_the_conversation_and_its_breach_is_recorded_once() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let id = &conversation.id;
        let due = SlaDue {
            at: millis_now() + Duration::hours(1),
            target_secs: 3600,
        };
        let mut tx = store.begin().await.unwrap();
        sla::set_due(&mut tx, id, Some(due)).await.unwrap();
        tx.commit().await.unwrap();
        let read = |store: store::Store| {
            let id = id.clone();
            async move {
                let mut reader = store.read().await.unwrap();
                store::conversations::get(&mut reader.conn(), &id)
                    .await
                    .unwrap()
                    .unwrap()
                    .sla
            }
        };
        assert_eq!(
            read(store.clone()).await,
            Some(SlaClock {
                due_at: due.at,
                target_secs: 3600,
                breached: false,
            })
        );

        let breach = |at: domain::Timestamp| {
            let store = store.clone();
            let id = id.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                let won = sla::record_breach(&mut tx, &id, at).await.unwrap();
                tx.commit().await.unwrap();
                won
            }
        };
        assert!(
            !breach(due.at - Duration::minutes(5)).await,
            "not its due time"
        );
        assert!(breach(due.at).await, "the first run records it");
        assert!(!breach(due.at).await, "a second run does not");
        assert!(read(store.clone()).await.unwrap().breached);

        // Nothing due any more.
        let mut tx = store.begin().await.unwrap();
        sla::set_due(&mut tx, id, None).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(read(store.clone()).await, None);
    }
}

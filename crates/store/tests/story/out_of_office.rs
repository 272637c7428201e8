//! Out-of-office settings beside their inbox, and the once-per-period claim
//! of an automatic reply.

use chrono::Duration;
use domain::{OutOfOffice, OutOfOfficeText, WeekText};
use store::out_of_office;

use crate::support::{self, millis_now};

fn setting(message: &str, away_now: bool) -> OutOfOffice {
    OutOfOffice::parse(&OutOfOfficeText {
        enabled: true,
        time_zone: "America/New_York".into(),
        hours: WeekText {
            mon: vec![
                ["09:00".into(), "12:00".into()],
                ["13:00".into(), "17:00".into()],
            ],
            ..WeekText::default()
        },
        holidays: vec!["2026-12-25".into()],
        message: message.into(),
        away_now,
        every_hours: Some(6),
    })
    .unwrap()
}

#[tokio::test]
async fn a_setting_reads_back_as_saved_and_a_new_one_replaces_it() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let inbox = &team.inbox;
        let mut reader = store.read().await.unwrap();
        assert_eq!(
            out_of_office::get(&mut reader.conn(), &inbox.id)
                .await
                .unwrap(),
            None
        );
        drop(reader);

        for saved in [setting("Closed.", false), setting("Away today.", true)] {
            let mut tx = store.begin().await.unwrap();
            out_of_office::put(&mut tx, &inbox.id, &saved, millis_now())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let mut reader = store.read().await.unwrap();
            let read = out_of_office::get(&mut reader.conn(), &inbox.id)
                .await
                .unwrap();
            assert_eq!(read.as_ref(), Some(&saved));
            let all = out_of_office::of_workspace(&mut reader.conn(), &team.workspace.id)
                .await
                .unwrap();
            assert_eq!(all.len(), 1);
            assert_eq!(all.get(&inbox.id), Some(&saved));
        }
    }
}

#[tokio::test]
async fn one_automatic_reply_is_claimed_per_conversation_and_period() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let every = Duration::hours(12);
        let first = millis_now();
        let claim = |at: domain::Timestamp| {
            let store = store.clone();
            let id = conversation.id.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                let won = out_of_office::claim_auto_reply(&mut tx, &id, at, at - every)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                won
            }
        };
        assert!(claim(first).await, "the first reply");
        assert!(
            !claim(first + Duration::hours(1)).await,
            "within the period"
        );
        assert!(!claim(first + Duration::hours(12) - Duration::seconds(1)).await);
        assert!(
            claim(first + Duration::hours(12)).await,
            "the period is over"
        );
        assert!(
            !claim(first + Duration::hours(13)).await,
            "counted from the last reply"
        );
    }
}

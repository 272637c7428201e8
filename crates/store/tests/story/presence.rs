//! Presence: who is viewing a conversation, each on a short lease.

use store::presence;

use crate::support::{self, at_millis, new_conversation, new_team};

#[tokio::test]
async fn viewers_are_listed_until_their_lease_runs_out() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;

        let mut tx = store.begin().await.unwrap();
        presence::touch(&mut tx, &conversation.id, &team.ana.id, at_millis(10_000))
            .await
            .unwrap();
        presence::touch(&mut tx, &conversation.id, &team.bruno.id, at_millis(20_000))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        let mut both = vec![team.ana.id.clone(), team.bruno.id.clone()];
        both.sort();
        assert_eq!(
            presence::viewers(&mut r.conn(), &conversation.id, at_millis(5_000))
                .await
                .unwrap(),
            both
        );
        // Ana's tab closed without a goodbye: her lease simply ends.
        assert_eq!(
            presence::viewers(&mut r.conn(), &conversation.id, at_millis(10_000))
                .await
                .unwrap(),
            vec![team.bruno.id.clone()]
        );
        assert!(
            presence::viewers(&mut r.conn(), &conversation.id, at_millis(20_000))
                .await
                .unwrap()
                .is_empty()
        );
        drop(r);

        // Renewing extends the same lease rather than adding a second row.
        let mut tx = store.begin().await.unwrap();
        presence::touch(&mut tx, &conversation.id, &team.ana.id, at_millis(30_000))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        assert_eq!(
            presence::viewers(&mut r.conn(), &conversation.id, at_millis(25_000))
                .await
                .unwrap(),
            vec![team.ana.id.clone()]
        );
        drop(r);
        assert_eq!(
            support::count_where(&store, "presence", "user_id", team.ana.id.as_str()).await,
            1
        );

        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            presence::purge_expired(&mut tx, at_millis(25_000))
                .await
                .unwrap(),
            1
        );
        tx.commit().await.unwrap();
        assert_eq!(
            support::count_where(&store, "presence", "user_id", team.bruno.id.as_str()).await,
            0
        );
    }
}

#[tokio::test]
async fn a_viewer_who_leaves_is_no_longer_listed() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let other = new_conversation(
            &store,
            &team.inbox,
            &support::new_contact(&store, &team.workspace, "Dora", "+14155550102").await,
        )
        .await;

        let mut tx = store.begin().await.unwrap();
        presence::touch(&mut tx, &conversation.id, &team.ana.id, at_millis(10_000))
            .await
            .unwrap();
        presence::touch(&mut tx, &other.id, &team.ana.id, at_millis(10_000))
            .await
            .unwrap();
        presence::leave(&mut tx, &conversation.id, &team.ana.id)
            .await
            .unwrap();
        // Leaving twice (two tabs closing) is harmless.
        presence::leave(&mut tx, &conversation.id, &team.ana.id)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        assert!(
            presence::viewers(&mut r.conn(), &conversation.id, at_millis(1_000))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            presence::viewers(&mut r.conn(), &other.id, at_millis(1_000))
                .await
                .unwrap(),
            vec![team.ana.id.clone()]
        );
    }
}

//! The event log: appended in order, resumable by seq, scoped to inboxes.

use domain::event::NewEvent;
use domain::{EventKind, MessageKind};
use store::{events, InboxScope};

use crate::support::{self, count_where, millis_now};

#[tokio::test]
async fn the_stream_resumes_after_a_seq_and_shows_only_the_inboxes_in_scope() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let sales = support::new_inbox(&store, &team.workspace, "Sales", &[&team.ana]).await;
        let mut in_support = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let in_sales = support::new_conversation(&store, &sales, &team.contact).await;
        support::new_message(&store, &mut in_support, MessageKind::Inbound, "Hi").await;
        // Another workspace's events never show up.
        let elsewhere = support::new_team(&store).await;
        support::new_conversation(&store, &elsewhere.inbox, &elsewhere.contact).await;

        let mut reader = store.read().await.unwrap();
        let ws = &team.workspace.id;
        let all = events::since(&mut reader.conn(), ws, 0, &InboxScope::All, 100)
            .await
            .unwrap();
        let where_from: Vec<_> = all
            .iter()
            .map(|e| (&e.conversation_id, e.kind.name()))
            .collect();
        assert_eq!(
            where_from,
            [
                (&in_support.id, "created"),
                (&in_sales.id, "created"),
                (&in_support.id, "message"),
            ]
        );
        assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));

        let resumed = events::since(&mut reader.conn(), ws, all[0].seq, &InboxScope::All, 100)
            .await
            .unwrap();
        assert_eq!(resumed, all[1..]);
        let limited = events::since(&mut reader.conn(), ws, 0, &InboxScope::All, 2)
            .await
            .unwrap();
        assert_eq!(limited, all[..2]);

        let only_sales = InboxScope::Only(vec![sales.id.clone()]);
        let scoped = events::since(&mut reader.conn(), ws, 0, &only_sales, 100)
            .await
            .unwrap();
        assert_eq!(scoped, [all[1].clone()]);
        let both = InboxScope::Only(vec![sales.id.clone(), team.inbox.id.clone()]);
        let scoped = events::since(&mut reader.conn(), ws, 0, &both, 100)
            .await
            .unwrap();
        assert_eq!(scoped, all);
        let nothing = InboxScope::Only(Vec::new());
        let scoped = events::since(&mut reader.conn(), ws, 0, &nothing, 100)
            .await
            .unwrap();
        assert!(scoped.is_empty());
        let caught_up = events::since(&mut reader.conn(), ws, all[2].seq, &InboxScope::All, 100)
            .await
            .unwrap();
        assert!(caught_up.is_empty());
    }
}

#[tokio::test]
async fn an_event_reads_back_exactly_as_appended() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let call = NewEvent {
            workspace_id: team.workspace.id.clone(),
            inbox_id: team.inbox.id.clone(),
            conversation_id: conversation.id.clone(),
            actor_id: Some(team.bruno.id.clone()),
            kind: EventKind::Call {
                forwarded_to: Some("+14155550188".into()),
            },
            created_at: millis_now(),
        };
        let mut tx = store.begin().await.unwrap();
        let appended = events::append(&mut tx, call.clone()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(appended.kind, call.kind);
        assert_eq!(appended.actor_id, call.actor_id);

        let mut reader = store.read().await.unwrap();
        let history = events::for_conversation(&mut reader.conn(), &conversation.id, 0, 10)
            .await
            .unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[1], appended);
        let after_created =
            events::for_conversation(&mut reader.conn(), &conversation.id, history[0].seq, 10)
                .await
                .unwrap();
        assert_eq!(after_created, std::slice::from_ref(&appended));
        let first_only = events::for_conversation(&mut reader.conn(), &conversation.id, 0, 1)
            .await
            .unwrap();
        assert_eq!(first_only, history[..1]);
    }
}

#[tokio::test]
async fn events_of_a_dropped_transaction_are_never_seen() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let conversation = support::conversation_value(&team.inbox, &team.contact);
        let mut tx = store.begin().await.unwrap();
        let created = store::conversations::insert(&mut tx, &conversation, None, millis_now())
            .await
            .unwrap();
        assert!(created.seq > 0);
        drop(tx);

        assert_eq!(
            count_where(&store, "conversations", "id", conversation.id.as_str()).await,
            0
        );
        assert_eq!(
            count_where(&store, "events", "workspace_id", team.workspace.id.as_str()).await,
            0
        );
        let mut reader = store.read().await.unwrap();
        let stream = events::since(
            &mut reader.conn(),
            &team.workspace.id,
            0,
            &InboxScope::All,
            10,
        )
        .await
        .unwrap();
        assert!(stream.is_empty());
    }
}

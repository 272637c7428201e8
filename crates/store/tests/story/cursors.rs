//! Read cursors: how far each reader (or the team) has read a conversation.

use domain::UnreadMode;
use store::cursors::{self, ReadCursor};

use crate::support::{self, at_millis, new_conversation, new_team};

#[tokio::test]
async fn a_read_cursor_moves_forward_but_never_back() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let ana = ReadCursor::User(team.ana.id.clone());

        let mut r = store.read().await.unwrap();
        assert_eq!(
            cursors::get(&mut r.conn(), &conversation.id, &ana)
                .await
                .unwrap(),
            None
        );
        drop(r);

        let mut tx = store.begin().await.unwrap();
        assert!(
            cursors::mark_read(&mut tx, &conversation.id, &ana, at_millis(2_000))
                .await
                .unwrap()
        );
        // A late request from an older page load must not unread newer messages.
        assert!(
            !cursors::mark_read(&mut tx, &conversation.id, &ana, at_millis(1_000))
                .await
                .unwrap()
        );
        assert!(
            !cursors::mark_read(&mut tx, &conversation.id, &ana, at_millis(2_000))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        let read_at = cursors::get(&mut r.conn(), &conversation.id, &ana)
            .await
            .unwrap();
        assert_eq!(read_at, Some(at_millis(2_000)));
        drop(r);

        let mut tx = store.begin().await.unwrap();
        assert!(
            cursors::mark_read(&mut tx, &conversation.id, &ana, at_millis(3_000))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        let read_at = cursors::get(&mut r.conn(), &conversation.id, &ana)
            .await
            .unwrap();
        assert_eq!(read_at, Some(at_millis(3_000)));
    }
}

#[tokio::test]
async fn each_member_and_the_team_have_separate_cursors() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let ana = cursors::reader_for(UnreadMode::PerUser, &team.ana.id);
        let bruno = cursors::reader_for(UnreadMode::PerUser, &team.bruno.id);
        let shared = cursors::reader_for(UnreadMode::Shared, &team.ana.id);
        assert_eq!(ana, ReadCursor::User(team.ana.id.clone()));
        assert_eq!(shared, ReadCursor::Team);
        // Whoever reads a shared inbox moves the one team cursor.
        assert_eq!(
            cursors::reader_for(UnreadMode::Shared, &team.bruno.id),
            ReadCursor::Team
        );

        let mut tx = store.begin().await.unwrap();
        cursors::mark_read(&mut tx, &conversation.id, &ana, at_millis(5_000))
            .await
            .unwrap();
        cursors::mark_read(&mut tx, &conversation.id, &shared, at_millis(7_000))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        for (reader, expected) in [
            (&ana, Some(at_millis(5_000))),
            (&shared, Some(at_millis(7_000))),
            (&bruno, None),
        ] {
            let read_at = cursors::get(&mut r.conn(), &conversation.id, reader)
                .await
                .unwrap();
            assert_eq!(read_at, expected, "{reader:?}");
        }
    }
}

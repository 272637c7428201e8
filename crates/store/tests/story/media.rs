//! Media: uploads kept per workspace, the public links of sent files (by
//! token, until they expire), a message's files, and the sweep of uploads
//! no message carries.

use domain::{Media, MediaId, MediaType, MessageKind};
use store::media;
use store::secret::generate_token;

use crate::support::{self, at_millis, new_conversation, new_message, new_team, new_workspace};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nrest";

fn upload(workspace: &domain::Workspace, created_at: i64) -> Media {
    Media {
        id: MediaId::generate(),
        workspace_id: workspace.id.clone(),
        uploader_id: None,
        content_type: MediaType::Png,
        size: PNG.len() as u64,
        created_at: at_millis(created_at),
    }
}

#[tokio::test]
async fn a_sent_file_opens_by_its_token_until_it_expires_and_by_its_message_after() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let other = new_workspace(&store, "Elsewhere").await;
        let mut conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let message = new_message(&store, &mut conversation, MessageKind::Outbound, "Here").await;
        let file = upload(&team.workspace, 1_000);
        let token = generate_token("sbm");
        let mut tx = store.begin().await.unwrap();
        media::insert(&mut tx, &file, PNG).await.unwrap();
        media::link(&mut tx, &token, &file.id, &message.id, 0, at_millis(50_000))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        assert_eq!(
            media::get(&mut r.conn(), &team.workspace.id, &file.id)
                .await
                .unwrap(),
            Some(file.clone())
        );
        // Another workspace's upload reads as none.
        assert_eq!(
            media::get(&mut r.conn(), &other.id, &file.id)
                .await
                .unwrap(),
            None
        );
        let opened = media::by_token(&mut r.conn(), &token, at_millis(49_999))
            .await
            .unwrap()
            .expect("a live link opens");
        assert_eq!(opened.content_type, MediaType::Png);
        assert_eq!(opened.bytes, PNG);
        assert_eq!(
            media::by_token(&mut r.conn(), &token, at_millis(50_000))
                .await
                .unwrap(),
            None,
            "expired"
        );
        assert_eq!(
            media::by_token(&mut r.conn(), &generate_token("sbm"), at_millis(0))
                .await
                .unwrap(),
            None
        );
        let own = media::of_message(&mut r.conn(), &message.id, 0)
            .await
            .unwrap()
            .expect("the message's first file");
        assert_eq!(own.bytes, PNG);
        assert_eq!(
            media::of_message(&mut r.conn(), &message.id, 1)
                .await
                .unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn the_sweep_deletes_old_uploads_no_message_carries_only() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let mut conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let message = new_message(&store, &mut conversation, MessageKind::Outbound, "Here").await;
        let sent = upload(&team.workspace, 1_000);
        let old = upload(&team.workspace, 1_000);
        let recent = upload(&team.workspace, 9_000);
        let mut tx = store.begin().await.unwrap();
        for file in [&sent, &old, &recent] {
            media::insert(&mut tx, file, PNG).await.unwrap();
        }
        media::link(
            &mut tx,
            &generate_token("sbm"),
            &sent.id,
            &message.id,
            0,
            at_millis(2_000),
        )
        .await
        .unwrap();
        assert_eq!(
            media::prune_unsent(&mut tx, at_millis(5_000), 100)
                .await
                .unwrap(),
            1
        );
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        let ws = &team.workspace.id;
        assert!(media::get(&mut r.conn(), ws, &sent.id)
            .await
            .unwrap()
            .is_some());
        assert!(media::get(&mut r.conn(), ws, &old.id)
            .await
            .unwrap()
            .is_none());
        assert!(media::get(&mut r.conn(), ws, &recent.id)
            .await
            .unwrap()
            .is_some());
    }
}

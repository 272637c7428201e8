//! Login sessions: found by their cookie, expiring, stored only hashed.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use store::sessions;

use crate::support::{self, at_millis, new_user};

#[tokio::test]
async fn a_session_opens_with_its_cookie_until_it_expires_and_is_stored_only_hashed() {
    for store in support::stores().await {
        let ana = new_user(&store, "Ana").await;
        let t0 = at_millis(1_700_000_000_000);
        let mut tx = store.begin().await.unwrap();
        let (raw, session) = sessions::create(&mut tx, &ana.id, t0, Duration::from_secs(3600))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(session.expires_at, at_millis(1_700_003_600_000));
        assert_ne!(session.csrf_token, raw);

        let mut r = store.read().await.unwrap();
        let (found, user) = sessions::find(&mut r.conn(), &raw, at_millis(1_700_003_599_999))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, session);
        assert_eq!(user, ana);
        assert!(sessions::find(&mut r.conn(), &raw, session.expires_at)
            .await
            .unwrap()
            .is_none());
        assert!(sessions::find(&mut r.conn(), "sbs_forged", t0)
            .await
            .unwrap()
            .is_none());
        drop(r);

        let raw_anywhere =
            "SELECT COUNT(*) FROM sessions WHERE id = $1 OR csrf_token = $1 OR user_id = $1";
        assert_eq!(support::scalar(&store, raw_anywhere, &raw).await, 0);
        let by_hash = "SELECT COUNT(*) FROM sessions WHERE id = $1";
        assert_eq!(
            support::scalar(&store, by_hash, &store::secret::hash_token(&raw)).await,
            1
        );
    }
}

#[tokio::test]
async fn touching_a_session_extends_it_but_never_revives_an_expired_one() {
    for store in support::stores().await {
        let ana = new_user(&store, "Ana").await;
        let t0 = at_millis(1_700_000_000_000);
        let later = at_millis(1_700_000_060_000);
        let mut tx = store.begin().await.unwrap();
        let (raw, _) = sessions::create(&mut tx, &ana.id, t0, Duration::from_secs(120))
            .await
            .unwrap();
        assert!(
            sessions::touch(&mut tx, &raw, later, at_millis(1_700_000_900_000))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        let (session, _) = sessions::find(&mut r.conn(), &raw, at_millis(1_700_000_500_000))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(session.last_seen_at, later);
        assert_eq!(session.created_at, t0);
        drop(r);

        let mut tx = store.begin().await.unwrap();
        let after_expiry = at_millis(1_700_000_900_000);
        assert!(
            !sessions::touch(&mut tx, &raw, after_expiry, at_millis(1_800_000_000_000))
                .await
                .unwrap()
        );
        assert!(!sessions::touch(&mut tx, "sbs_unknown", t0, later)
            .await
            .unwrap());
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        assert!(sessions::find(&mut r.conn(), &raw, after_expiry)
            .await
            .unwrap()
            .is_none());
    }
}

#[tokio::test]
async fn logging_out_ends_one_session_and_a_user_can_end_all_of_theirs() {
    for store in support::stores().await {
        let ana = new_user(&store, "Ana").await;
        let bob = new_user(&store, "Bob").await;
        let t0 = at_millis(1_700_000_000_000);
        let day = Duration::from_secs(86_400);
        let mut tx = store.begin().await.unwrap();
        let (laptop, _) = sessions::create(&mut tx, &ana.id, t0, day).await.unwrap();
        let (phone, _) = sessions::create(&mut tx, &ana.id, t0, day).await.unwrap();
        let (tablet, _) = sessions::create(&mut tx, &ana.id, t0, day).await.unwrap();
        let (bobs, _) = sessions::create(&mut tx, &bob.id, t0, day).await.unwrap();
        assert!(sessions::delete(&mut tx, &laptop).await.unwrap());
        assert!(!sessions::delete(&mut tx, &laptop).await.unwrap());
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        assert!(sessions::find(&mut r.conn(), &laptop, t0)
            .await
            .unwrap()
            .is_none());
        assert!(sessions::find(&mut r.conn(), &phone, t0)
            .await
            .unwrap()
            .is_some());
        drop(r);

        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            sessions::delete_for_user(&mut tx, &ana.id).await.unwrap(),
            2
        );
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        assert!(sessions::find(&mut r.conn(), &tablet, t0)
            .await
            .unwrap()
            .is_none());
        assert!(sessions::find(&mut r.conn(), &bobs, t0)
            .await
            .unwrap()
            .is_some());
    }
}

#[tokio::test]
async fn expired_sessions_are_cleaned_up_and_live_ones_kept() {
    for store in support::stores().await {
        let ana = new_user(&store, "Ana").await;
        let t0 = at_millis(1_700_000_000_000);
        let mut tx = store.begin().await.unwrap();
        sessions::create(&mut tx, &ana.id, t0, Duration::from_secs(60))
            .await
            .unwrap();
        sessions::create(&mut tx, &ana.id, t0, Duration::from_secs(60))
            .await
            .unwrap();
        let (live, _) = sessions::create(&mut tx, &ana.id, t0, Duration::from_secs(3600))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            sessions::delete_expired(&mut tx, at_millis(1_700_000_060_000))
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            sessions::delete_expired(&mut tx, at_millis(1_700_000_060_000))
                .await
                .unwrap(),
            0
        );
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        assert!(sessions::find(&mut r.conn(), &live, t0)
            .await
            .unwrap()
            .is_some());
    }
}

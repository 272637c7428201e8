//! Personal API tokens: authenticate, revoke, stored only hashed.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use store::tokens;

use crate::support::{self, at_millis, millis_now, new_user};

#[tokio::test]
async fn an_api_token_authenticates_its_owner_and_is_stored_only_hashed() {
    for store in support::stores().await {
        let ana = new_user(&store, "Ana").await;
        let t0 = at_millis(1_700_000_000_000);
        let mut tx = store.begin().await.unwrap();
        let (zapier, raw) = tokens::create(&mut tx, &ana.id, "Zapier", t0)
            .await
            .unwrap();
        let (export, _) = tokens::create(
            &mut tx,
            &ana.id,
            "nightly export",
            at_millis(1_700_000_000_001),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(raw.starts_with("sb_"));
        assert_eq!(zapier.last_used_at, None);

        let mut r = store.read().await.unwrap();
        let (token, user) = tokens::authenticate(&mut r.conn(), &raw)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(token, zapier);
        assert_eq!(user, ana);
        assert!(tokens::authenticate(&mut r.conn(), "sb_forged")
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            tokens::for_user(&mut r.conn(), &ana.id).await.unwrap(),
            [zapier.clone(), export]
        );
        drop(r);

        let raw_anywhere =
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 OR id = $1 OR name = $1";
        assert_eq!(support::scalar(&store, raw_anywhere, &raw).await, 0);

        let used = at_millis(1_700_000_123_000);
        let mut tx = store.begin().await.unwrap();
        assert!(tokens::touch(&mut tx, &zapier.id, used).await.unwrap());
        assert!(!tokens::touch(&mut tx, "no-such-token", used).await.unwrap());
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        let (token, _) = tokens::authenticate(&mut r.conn(), &raw)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(token.last_used_at, Some(used));
    }
}

#[tokio::test]
async fn only_the_owner_can_revoke_a_token_and_a_revoked_token_opens_nothing() {
    for store in support::stores().await {
        let ana = new_user(&store, "Ana").await;
        let mallory = new_user(&store, "Mallory").await;
        let mut tx = store.begin().await.unwrap();
        let (token, raw) = tokens::create(&mut tx, &ana.id, "CLI", millis_now())
            .await
            .unwrap();
        assert!(!tokens::delete(&mut tx, &mallory.id, &token.id)
            .await
            .unwrap());
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        assert!(tokens::authenticate(&mut r.conn(), &raw)
            .await
            .unwrap()
            .is_some());
        assert!(tokens::for_user(&mut r.conn(), &mallory.id)
            .await
            .unwrap()
            .is_empty());
        drop(r);

        let mut tx = store.begin().await.unwrap();
        assert!(tokens::delete(&mut tx, &ana.id, &token.id).await.unwrap());
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        assert!(tokens::authenticate(&mut r.conn(), &raw)
            .await
            .unwrap()
            .is_none());
        assert!(tokens::for_user(&mut r.conn(), &ana.id)
            .await
            .unwrap()
            .is_empty());
    }
}

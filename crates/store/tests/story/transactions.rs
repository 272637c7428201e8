//! A write either happens whole or not at all.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use domain::{EmailAddress, User, UserId, Workspace, WorkspaceId};
use store::{users, workspaces, Store, StoreError};

use crate::support::{self, millis_now};

fn a_user(email: &str) -> User {
    User {
        id: UserId::generate(),
        email: EmailAddress::parse(email).unwrap(),
        name: "Someone".to_string(),
        created_at: millis_now(),
    }
}

async fn user_exists(store: &Store, id: &UserId) -> bool {
    users::get(&mut store.read().await.unwrap().conn(), id)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_leaves_nothing() {
    for store in support::stores().await {
        let ana = a_user("ana@example.com");
        let acme = Workspace {
            id: WorkspaceId::generate(),
            name: "Acme".into(),
            created_at: millis_now(),
        };
        {
            let mut tx = store.begin().await.unwrap();
            users::create(&mut tx, &ana, None).await.unwrap();
            workspaces::create(&mut tx, &acme).await.unwrap();
            // Inside the transaction the rows are there…
            assert!(users::get(&mut tx.conn(), &ana.id).await.unwrap().is_some());
        }
        // …and after the drop they never were.
        assert!(!user_exists(&store, &ana.id).await);
        assert!(!users::any_exist(&mut store.read().await.unwrap().conn())
            .await
            .unwrap());
        let mut r = store.read().await.unwrap();
        assert!(workspaces::get(&mut r.conn(), &acme.id)
            .await
            .unwrap()
            .is_none());
    }
}

/// Signs up two people in one transaction, the way a service does: the first
/// error returns early and drops the transaction.
async fn sign_up_both(store: &Store, first: &User, second: &User) -> Result<(), StoreError> {
    let mut tx = store.begin().await?;
    users::create(&mut tx, first, None).await?;
    users::create(&mut tx, second, None).await?;
    tx.commit().await
}

#[tokio::test]
async fn a_failing_statement_mid_transaction_leaves_nothing() {
    for store in support::stores().await {
        let taken = a_user("taken@example.com");
        let mut tx = store.begin().await.unwrap();
        users::create(&mut tx, &taken, None).await.unwrap();
        tx.commit().await.unwrap();

        let ana = a_user("ana@example.com");
        let clash = a_user("TAKEN@example.com");
        let err = sign_up_both(&store, &ana, &clash).await.unwrap_err();
        assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
        assert!(
            !user_exists(&store, &ana.id).await,
            "the first insert was rolled back"
        );
        assert!(user_exists(&store, &taken.id).await);

        // The writer is free again afterwards.
        let bob = a_user("bob@example.com");
        sign_up_both(&store, &bob, &a_user("cy@example.com"))
            .await
            .unwrap();
        assert!(user_exists(&store, &bob.id).await);
    }
}

#[tokio::test]
async fn a_held_writer_commits_one_transaction_after_another() {
    for store in support::stores().await {
        let (ana, bea) = (a_user("ana@example.com"), a_user("bea@example.com"));
        let mut held = store.hold_writer().await.unwrap();
        for user in [&ana, &bea] {
            let mut tx = held.begin().await.unwrap();
            users::create(&mut tx, user, None).await.unwrap();
            tx.commit().await.unwrap();
        }
        // One dropped without commit leaves nothing, as with `Store::begin`.
        let cid = a_user("cid@example.com");
        {
            let mut tx = held.begin().await.unwrap();
            users::create(&mut tx, &cid, None).await.unwrap();
        }
        drop(held);
        assert!(user_exists(&store, &ana.id).await);
        assert!(user_exists(&store, &bea.id).await);
        assert!(!user_exists(&store, &cid.id).await);
        // Given back, the writer serves everyone else again.
        let mut tx = store.begin().await.unwrap();
        users::create(&mut tx, &cid, None).await.unwrap();
        tx.commit().await.unwrap();
        assert!(user_exists(&store, &cid.id).await);
    }
}

/// On PostgreSQL, a position in its write-ahead log (`function`'s, in bytes);
/// 0 on SQLite.
async fn log_position(store: &Store, function: &str) -> i64 {
    match store.backend() {
        store::Backend::Sqlite => 0,
        store::Backend::Postgres => {
            let sql = format!("SELECT ({function}() - $1::pg_lsn)::bigint");
            support::scalar(store, &sql, "0/0").await
        }
    }
}

#[tokio::test]
async fn commits_made_before_an_fsync_share_it() {
    for store in support::stores().await {
        let (ana, bea) = (a_user("ana@example.com"), a_user("bea@example.com"));
        let fsyncs_before = store.log_flushes();
        let mut committed = Vec::new();
        for user in [&ana, &bea] {
            let mut tx = store.begin().await.unwrap();
            users::create(&mut tx, user, None).await.unwrap();
            committed.push(tx.commit_unsynced().await.unwrap());
        }
        // Committed is visible at once, before it is durable.
        assert!(user_exists(&store, &ana.id).await);
        // PostgreSQL: where its log ends now, past both commit records.
        let written = log_position(&store, "pg_current_wal_insert_lsn").await;
        let second = committed.pop().unwrap();
        let first = committed.pop().unwrap();
        second.durable().await.unwrap();
        first.durable().await.unwrap();
        // PostgreSQL flushed its log at least that far.
        assert!(log_position(&store, "pg_current_wal_flush_lsn").await >= written);
        let fsyncs = store.log_flushes() - fsyncs_before;
        // One flush of the log (SQLite: an fsync; PostgreSQL: a flushing
        // transaction), started after both commits, covered both.
        assert_eq!(fsyncs, 1, "{:?}", store.backend());
    }
}

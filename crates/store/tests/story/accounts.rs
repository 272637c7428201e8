//! Users, workspaces and members; sessions and API tokens in the submodules.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod sessions;
mod tokens;

use domain::{EmailAddress, Role, User, UserId, WorkspaceId};
use store::{users, workspaces, Store, StoreError};

use crate::support::{self, millis_now, new_member, new_user, new_workspace};

fn a_user(email: &str, name: &str) -> User {
    User {
        id: UserId::generate(),
        email: EmailAddress::parse(email).unwrap(),
        name: name.to_string(),
        created_at: millis_now(),
    }
}

#[tokio::test]
async fn a_user_is_found_by_id_and_by_email_in_any_case_with_their_password_hash() {
    for store in support::stores().await {
        let ana = a_user("Ana.Lima@Example.com", "Ana Lima");
        let mut tx = store.begin().await.unwrap();
        users::create(&mut tx, &ana, Some("$argon2id$hash"))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        assert_eq!(
            users::get(&mut r.conn(), &ana.id).await.unwrap(),
            Some(ana.clone())
        );
        let lookup = EmailAddress::parse("ana.lima@example.COM").unwrap();
        let (found, hash) = users::by_email(&mut r.conn(), &lookup)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found, ana);
        assert_eq!(hash.as_deref(), Some("$argon2id$hash"));
        let nobody = EmailAddress::parse("nobody@example.com").unwrap();
        assert!(users::by_email(&mut r.conn(), &nobody)
            .await
            .unwrap()
            .is_none());
        assert!(users::get(&mut r.conn(), &UserId::generate())
            .await
            .unwrap()
            .is_none());
    }
}

#[tokio::test]
async fn a_second_account_with_the_same_email_in_another_case_is_refused() {
    for store in support::stores().await {
        let mut tx = store.begin().await.unwrap();
        users::create(&mut tx, &a_user("ana@example.com", "Ana"), None)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        let err = users::create(&mut tx, &a_user("ANA@example.com", "Other Ana"), None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    }
}

#[tokio::test]
async fn a_users_password_and_name_can_be_changed_but_not_a_missing_users() {
    for store in support::stores().await {
        let ana = new_user(&store, "Ana").await;
        let mut tx = store.begin().await.unwrap();
        users::set_password_hash(&mut tx, &ana.id, Some("h1"))
            .await
            .unwrap();
        users::set_name(&mut tx, &ana.id, "Ana Lima").await.unwrap();
        let missing = UserId::generate();
        let err = users::set_name(&mut tx, &missing, "x").await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        let err = users::set_password_hash(&mut tx, &missing, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        let (user, hash) = users::by_email(&mut r.conn(), &ana.email)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.name, "Ana Lima");
        assert_eq!(hash.as_deref(), Some("h1"));
        drop(r);

        let mut tx = store.begin().await.unwrap();
        users::set_password_hash(&mut tx, &ana.id, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        let (_, hash) = users::by_email(&mut r.conn(), &ana.email)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(hash, None);
    }
}

#[tokio::test]
async fn first_run_setup_is_offered_until_the_first_user_exists() {
    for store in support::stores().await {
        assert!(!users::any_exist(&mut store.read().await.unwrap().conn())
            .await
            .unwrap());
        new_user(&store, "Ana").await;
        assert!(users::any_exist(&mut store.read().await.unwrap().conn())
            .await
            .unwrap());
    }
}

#[tokio::test]
async fn a_workspace_is_created_read_back_and_renamed() {
    for store in support::stores().await {
        let acme = new_workspace(&store, "Acme").await;
        let mut tx = store.begin().await.unwrap();
        workspaces::rename(&mut tx, &acme.id, "Acme Inc")
            .await
            .unwrap();
        let err = workspaces::rename(&mut tx, &WorkspaceId::generate(), "x")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        let read = workspaces::get(&mut r.conn(), &acme.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.name, "Acme Inc");
        assert_eq!(read.created_at, acme.created_at);
        assert!(workspaces::get(&mut r.conn(), &WorkspaceId::generate())
            .await
            .unwrap()
            .is_none());
    }
}

#[tokio::test]
async fn members_are_listed_by_name_with_their_roles_and_roles_can_change() {
    for store in support::stores().await {
        let acme = new_workspace(&store, "Acme").await;
        let zoe = new_member(&store, &acme, "zoe", Role::Owner).await;
        let ana = new_member(&store, &acme, "Ana", Role::Agent).await;
        let bob = new_member(&store, &acme, "Bob", Role::Agent).await;
        let outsider = new_user(&store, "Outsider").await;

        let mut r = store.read().await.unwrap();
        let members = workspaces::members(&mut r.conn(), &acme.id).await.unwrap();
        let names: Vec<(&str, Role)> = members
            .iter()
            .map(|(u, role)| (u.name.as_str(), *role))
            .collect();
        assert_eq!(
            names,
            [
                ("Ana", Role::Agent),
                ("Bob", Role::Agent),
                ("zoe", Role::Owner)
            ]
        );
        assert_eq!(
            workspaces::role_of(&mut r.conn(), &acme.id, &zoe.id)
                .await
                .unwrap(),
            Some(Role::Owner)
        );
        assert_eq!(
            workspaces::role_of(&mut r.conn(), &acme.id, &outsider.id)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            workspaces::count_with_role(&mut r.conn(), &acme.id, Role::Agent)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            workspaces::count_with_role(&mut r.conn(), &acme.id, Role::Admin)
                .await
                .unwrap(),
            0
        );
        drop(r);

        let mut tx = store.begin().await.unwrap();
        workspaces::set_role(&mut tx, &acme.id, &bob.id, Role::Admin)
            .await
            .unwrap();
        let err = workspaces::set_role(&mut tx, &acme.id, &outsider.id, Role::Admin)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        let err = workspaces::add_member(&mut tx, &acme.id, &ana.id, Role::Owner, millis_now())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
        drop(tx);

        let mut r = store.read().await.unwrap();
        assert_eq!(
            workspaces::role_of(&mut r.conn(), &acme.id, &bob.id)
                .await
                .unwrap(),
            Some(Role::Admin)
        );
        assert_eq!(
            workspaces::count_with_role(&mut r.conn(), &acme.id, Role::Admin)
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn a_user_sees_each_workspace_they_belong_to_with_their_role_there() {
    for store in support::stores().await {
        let beta = new_workspace(&store, "Beta").await;
        let acme = new_workspace(&store, "acme").await;
        new_workspace(&store, "Not mine").await;
        let ana = new_member(&store, &beta, "Ana", Role::Agent).await;
        let mut tx = store.begin().await.unwrap();
        workspaces::add_member(&mut tx, &acme.id, &ana.id, Role::Owner, millis_now())
            .await
            .unwrap();
        let err = workspaces::add_member(
            &mut tx,
            &WorkspaceId::generate(),
            &ana.id,
            Role::Agent,
            millis_now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StoreError::MissingReference(_)), "{err:?}");
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        workspaces::add_member(&mut tx, &acme.id, &ana.id, Role::Owner, millis_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        let mine = workspaces::for_user(&mut r.conn(), &ana.id).await.unwrap();
        assert_eq!(mine, [(acme, Role::Owner), (beta, Role::Agent)]);
    }
}

/// An inbox in `workspace` with `user` as a member, written behind the
/// inboxes module's back: only the membership matters here.
async fn inbox_with_member(store: &Store, workspace: &WorkspaceId, user: &UserId) {
    let inbox = uuid::Uuid::now_v7().to_string();
    let mut tx = store.begin().await.unwrap();
    store::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inboxes (id, workspace_id, kind, name, emoji, color, purpose, api_code, \
                              unread_mode, registration, auto_close_secs, created_at) \
         VALUES ($1, $2, 'shared', 'Support', '💬', 'blue', 'support', $1, 'per_user', 'none', 0, 0)",
    )
    .bind(&inbox)
    .bind(workspace.as_str())
    .execute(&mut *c)
    .await
    .map(|_| ()))
    .unwrap();
    store::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO inbox_members (inbox_id, user_id, created_at) VALUES ($1, $2, 0)",
    )
    .bind(&inbox)
    .bind(user.as_str())
    .execute(&mut *c)
    .await
    .map(|_| ()))
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_removed_member_leaves_the_workspaces_inboxes_but_not_other_workspaces() {
    for store in support::stores().await {
        let acme = new_workspace(&store, "Acme").await;
        let other = new_workspace(&store, "Other").await;
        let ana = new_member(&store, &acme, "Ana", Role::Agent).await;
        let mut tx = store.begin().await.unwrap();
        workspaces::add_member(&mut tx, &other.id, &ana.id, Role::Agent, millis_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        inbox_with_member(&store, &acme.id, &ana.id).await;
        inbox_with_member(&store, &acme.id, &ana.id).await;
        inbox_with_member(&store, &other.id, &ana.id).await;
        let inboxes = "SELECT COUNT(*) FROM inbox_members WHERE user_id = $1";
        assert_eq!(support::scalar(&store, inboxes, ana.id.as_str()).await, 3);

        let mut tx = store.begin().await.unwrap();
        assert!(workspaces::remove_member(&mut tx, &acme.id, &ana.id)
            .await
            .unwrap());
        assert!(!workspaces::remove_member(&mut tx, &acme.id, &ana.id)
            .await
            .unwrap());
        tx.commit().await.unwrap();

        assert_eq!(support::scalar(&store, inboxes, ana.id.as_str()).await, 1);
        let mut r = store.read().await.unwrap();
        assert_eq!(
            workspaces::role_of(&mut r.conn(), &acme.id, &ana.id)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            workspaces::role_of(&mut r.conn(), &other.id, &ana.id)
                .await
                .unwrap(),
            Some(Role::Agent)
        );
    }
}

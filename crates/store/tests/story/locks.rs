//! The reply lock: a lease in the database that at most one person holds.

use std::time::Duration;

use domain::{Conversation, EventKind, UserId};
use store::locks::{self, Acquired, Lock};
use store::Store;

use crate::support::{self, at_millis, new_conversation, new_team};

const LEASE: Duration = Duration::from_secs(90);

async fn acquire(
    store: &Store,
    conversation: &Conversation,
    user: &UserId,
    now_ms: i64,
) -> Acquired {
    let mut tx = store.begin().await.unwrap();
    let acquired = locks::acquire(&mut tx, conversation, user, at_millis(now_ms), LEASE)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    acquired
}

async fn release(store: &Store, conversation: &Conversation, user: &UserId) -> bool {
    let mut tx = store.begin().await.unwrap();
    let released = locks::release(&mut tx, conversation, user, at_millis(1_000_000))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    released
}

/// The conversation's lock and unlock events, oldest first.
async fn lock_events(store: &Store, conversation: &Conversation) -> Vec<EventKind> {
    let mut r = store.read().await.unwrap();
    store::events::for_conversation(&mut r.conn(), &conversation.id, 0, 1_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| matches!(k, EventKind::Locked { .. } | EventKind::Unlocked))
        .collect()
}

fn lock(conversation: &Conversation, holder: &UserId, expires_ms: i64) -> Lock {
    Lock {
        conversation_id: conversation.id.clone(),
        holder_id: holder.clone(),
        expires_at: at_millis(expires_ms),
    }
}

#[tokio::test]
async fn a_free_lock_is_taken_with_a_locked_event_and_renewed_without_one() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let ana = &team.ana.id;

        let taken = acquire(&store, &conversation, ana, 1_000).await;
        assert_eq!(taken, Acquired::Taken(lock(&conversation, ana, 91_000)));
        let renewed = acquire(&store, &conversation, ana, 60_000).await;
        assert_eq!(
            renewed,
            Acquired::Renewed(lock(&conversation, ana, 150_000))
        );
        assert_eq!(
            lock_events(&store, &conversation).await,
            vec![EventKind::Locked {
                holder_id: ana.clone()
            }]
        );

        let mut r = store.read().await.unwrap();
        let current = locks::current(&mut r.conn(), &conversation.id, at_millis(100_000))
            .await
            .unwrap();
        assert_eq!(current, Some(lock(&conversation, ana, 150_000)));
        let held = locks::held_by_other(&mut r.conn(), &conversation.id, ana, at_millis(100_000))
            .await
            .unwrap();
        assert_eq!(held, None, "the holder is not blocked by their own lock");
    }
}

#[tokio::test]
async fn a_live_lock_is_held_by_its_holder_against_everyone_else() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let (ana, bruno) = (&team.ana.id, &team.bruno.id);

        acquire(&store, &conversation, ana, 1_000).await;
        let refused = acquire(&store, &conversation, bruno, 50_000).await;
        assert_eq!(refused, Acquired::HeldBy(lock(&conversation, ana, 91_000)));
        assert_eq!(
            lock_events(&store, &conversation).await.len(),
            1,
            "a refusal appends nothing"
        );

        let mut r = store.read().await.unwrap();
        let held = locks::held_by_other(&mut r.conn(), &conversation.id, bruno, at_millis(50_000))
            .await
            .unwrap();
        assert_eq!(held, Some(lock(&conversation, ana, 91_000)));
        drop(r);
        assert!(
            !release(&store, &conversation, bruno).await,
            "only the holder releases"
        );
        let mut r = store.read().await.unwrap();
        let current = locks::current(&mut r.conn(), &conversation.id, at_millis(50_000))
            .await
            .unwrap();
        assert_eq!(current, Some(lock(&conversation, ana, 91_000)));
    }
}

#[tokio::test]
async fn an_expired_lock_is_no_lock_and_the_next_person_takes_it() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let (ana, bruno) = (&team.ana.id, &team.bruno.id);

        acquire(&store, &conversation, ana, 1_000).await;
        let mut r = store.read().await.unwrap();
        assert_eq!(
            locks::current(&mut r.conn(), &conversation.id, at_millis(91_000))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            locks::held_by_other(&mut r.conn(), &conversation.id, bruno, at_millis(91_000))
                .await
                .unwrap(),
            None
        );
        drop(r);

        let taken = acquire(&store, &conversation, bruno, 91_000).await;
        assert_eq!(taken, Acquired::Taken(lock(&conversation, bruno, 181_000)));
        // Ana comes back from lunch: her old lease is gone, Bruno holds it.
        let refused = acquire(&store, &conversation, ana, 100_000).await;
        assert_eq!(
            refused,
            Acquired::HeldBy(lock(&conversation, bruno, 181_000))
        );
        // A holder retaking their own expired lease takes a new lock (with its event).
        let retaken = acquire(&store, &conversation, bruno, 500_000).await;
        assert_eq!(
            retaken,
            Acquired::Taken(lock(&conversation, bruno, 590_000))
        );
        assert_eq!(
            lock_events(&store, &conversation).await,
            vec![
                EventKind::Locked {
                    holder_id: ana.clone()
                },
                EventKind::Locked {
                    holder_id: bruno.clone()
                },
                EventKind::Locked {
                    holder_id: bruno.clone()
                },
            ]
        );
    }
}

#[tokio::test]
async fn the_holder_releases_the_lock_with_an_unlocked_event() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;
        let (ana, bruno) = (&team.ana.id, &team.bruno.id);

        acquire(&store, &conversation, ana, 1_000).await;
        assert!(release(&store, &conversation, ana).await);
        assert!(
            !release(&store, &conversation, ana).await,
            "a second release finds nothing"
        );
        let mut r = store.read().await.unwrap();
        assert_eq!(
            locks::current(&mut r.conn(), &conversation.id, at_millis(2_000))
                .await
                .unwrap(),
            None
        );
        drop(r);
        assert_eq!(
            lock_events(&store, &conversation).await,
            vec![
                EventKind::Locked {
                    holder_id: ana.clone()
                },
                EventKind::Unlocked
            ]
        );
        let taken = acquire(&store, &conversation, bruno, 2_000).await;
        assert_eq!(taken, Acquired::Taken(lock(&conversation, bruno, 92_000)));
    }
}

#[tokio::test]
async fn two_people_racing_for_a_free_lock_never_both_get_it() {
    for store in support::stores().await {
        let team = new_team(&store).await;
        let conversation = new_conversation(&store, &team.inbox, &team.contact).await;

        let race = |user: UserId| {
            let (store, conversation) = (store.clone(), conversation.clone());
            async move {
                let mut tx = store.begin().await.unwrap();
                let acquired =
                    locks::acquire(&mut tx, &conversation, &user, at_millis(1_000), LEASE)
                        .await
                        .unwrap();
                // Keep the transaction open so that the other one runs meanwhile.
                tokio::time::sleep(Duration::from_millis(50)).await;
                tx.commit().await.unwrap();
                acquired
            }
        };
        let (a, b) = tokio::join!(
            tokio::spawn(race(team.ana.id.clone())),
            tokio::spawn(race(team.bruno.id.clone()))
        );
        let outcomes = [a.unwrap(), b.unwrap()];
        let taken: Vec<&Lock> = outcomes
            .iter()
            .filter_map(|o| match o {
                Acquired::Taken(lock) => Some(lock),
                _ => None,
            })
            .collect();
        assert_eq!(taken.len(), 1, "{outcomes:?}");
        assert!(
            outcomes
                .iter()
                .any(|o| matches!(o, Acquired::HeldBy(lock) if lock == taken[0])),
            "{outcomes:?}"
        );
        assert_eq!(lock_events(&store, &conversation).await.len(), 1);
    }
}

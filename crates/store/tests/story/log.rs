//! The event log as its consumers read it: in one order for everyone, never
//! skipping an event, even while many writers commit out of order, and the
//! reactions' cursors and leases.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use domain::event::NewEvent;
use domain::EventKind;
use store::log::{self, LogPosition};
use store::{InboxScope, Store};

use crate::support::{self, millis_now};

/// Writers that commit concurrently, each holding its transaction open a
/// little after its events took their numbers (so that on PostgreSQL lower
/// numbers commit after higher ones), and a reader polling the log meanwhile.
#[tokio::test]
async fn a_reader_polling_during_concurrent_writes_sees_every_event_once_in_one_order() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        // After the conversation's own event: its position, exactly (the
        // head could still be short of it while another test's transaction
        // runs on the shared PostgreSQL server).
        let start = {
            let mut reader = store.read().await.unwrap();
            log::position_of(&mut reader.conn(), i64::MAX)
                .await
                .unwrap()
        };
        let event = unlocked(&team, &conversation);
        let writers: Vec<_> = (0..8u64)
            .map(|writer| {
                let store = store.clone();
                let event = event.clone();
                tokio::spawn(async move {
                    let mut written = Vec::new();
                    for round in 0..25u64 {
                        let mut tx = store.begin().await.unwrap();
                        for _ in 0..=(round % 3) {
                            written.push(
                                store::events::append(&mut tx, event.clone())
                                    .await
                                    .unwrap()
                                    .seq,
                            );
                        }
                        // Hold the numbers taken for a while before committing.
                        tokio::time::sleep(Duration::from_millis((writer * 7 + round * 3) % 11))
                            .await;
                        tx.commit().await.unwrap();
                    }
                    written
                })
            })
            .collect();
        let done = Arc::new(AtomicBool::new(false));
        let reader = {
            let (store, done) = (store.clone(), done.clone());
            tokio::spawn(async move { poll_until_quiet(&store, start, &done).await })
        };
        let mut committed = BTreeSet::new();
        for writer in writers {
            committed.extend(writer.await.unwrap());
        }
        done.store(true, Ordering::SeqCst);
        let seen = reader.await.unwrap();
        let positions: Vec<LogPosition> = seen.iter().map(|(p, _)| *p).collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "positions only move forward"
        );
        let seqs: Vec<i64> = seen.iter().map(|(_, seq)| *seq).collect();
        let unique: BTreeSet<i64> = seqs.iter().copied().collect();
        assert_eq!(unique.len(), seqs.len(), "no event is read twice");
        assert_eq!(unique, committed, "every committed event is read");
        // A second reader from the start reads the very same order.
        let again = poll_until_quiet(&store, start, &done).await;
        assert_eq!(again, seen);
    }
}

/// Reads after `from` in small batches until the writers are `done` and
/// nothing new has come for a while.
async fn poll_until_quiet(
    store: &Store,
    from: LogPosition,
    done: &AtomicBool,
) -> Vec<(LogPosition, i64)> {
    let mut seen = Vec::new();
    let mut position = from;
    let mut quiet = 0;
    while !done.load(Ordering::SeqCst) || quiet < 50 {
        let batch = {
            let mut reader = store.read().await.unwrap();
            log::after(&mut reader.conn(), position, None, &InboxScope::All, 7)
                .await
                .unwrap()
        };
        if batch.is_empty() {
            // Only silence after the last commit says the reader is done.
            if done.load(Ordering::SeqCst) {
                quiet += 1;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        }
        quiet = 0;
        for logged in batch {
            position = logged.position;
            seen.push((logged.position, logged.event.seq));
        }
    }
    seen
}

#[tokio::test]
async fn a_stream_resumes_from_an_event_it_was_sent_by_its_position() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let elsewhere = support::new_team(&store).await;
        let first = support::new_conversation(&store, &team.inbox, &team.contact).await;
        support::new_conversation(&store, &elsewhere.inbox, &elsewhere.contact).await;
        let other = support::new_contact(&store, &team.workspace, "Dora", "+14155550102").await;
        let second = support::new_conversation(&store, &team.inbox, &other).await;
        let mut reader = store.read().await.unwrap();
        let mut conn = reader.conn();
        let ws = Some(&team.workspace.id);
        let all = log::after(&mut conn, LogPosition::default(), ws, &InboxScope::All, 100)
            .await
            .unwrap();
        let ids: Vec<_> = all.iter().map(|l| &l.event.conversation_id).collect();
        assert_eq!(ids, [&first.id, &second.id], "only the workspace's events");
        let at = log::position_of(&mut conn, all[0].event.seq).await.unwrap();
        assert_eq!(at, all[0].position);
        let rest = log::after(&mut conn, all[0].position, ws, &InboxScope::All, 100)
            .await
            .unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].event.conversation_id, second.id);
        let head = log::head(&mut conn).await.unwrap();
        assert!(head >= all[1].position);
        let none = InboxScope::Only(Vec::new());
        assert!(
            log::after(&mut conn, LogPosition::default(), ws, &none, 100)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn one_node_holds_a_reaction_until_its_lease_runs_out() {
    for store in support::stores().await {
        let now = millis_now();
        let later = now + chrono::Duration::seconds(30);
        let mut tx = store.begin().await.unwrap();
        let a = log::claim_reaction(
            &mut tx,
            "test",
            "node-a",
            LogPosition::default(),
            now,
            later,
        )
        .await
        .unwrap();
        assert_eq!(a.map(|l| l.after), Some(LogPosition::default()));
        let b = log::claim_reaction(
            &mut tx,
            "test",
            "node-b",
            LogPosition::default(),
            now,
            later,
        )
        .await
        .unwrap();
        assert!(b.is_none(), "node-a holds it");
        let to = LogPosition { xid: 0, seq: 42 };
        assert!(log::advance_reaction(&mut tx, "test", "node-a", to, now)
            .await
            .unwrap());
        assert!(!log::advance_reaction(&mut tx, "test", "node-b", to, now)
            .await
            .unwrap());
        // After the lease, node-b takes over where node-a got to.
        let after_lease = later + chrono::Duration::seconds(1);
        let b = log::claim_reaction(
            &mut tx,
            "test",
            "node-b",
            LogPosition::default(),
            after_lease,
            after_lease + chrono::Duration::seconds(30),
        )
        .await
        .unwrap();
        assert_eq!(b.map(|l| l.after), Some(to));
        // Released, it is anyone's at once.
        log::release_reaction(&mut tx, "test", "node-b")
            .await
            .unwrap();
        let a = log::claim_reaction(
            &mut tx,
            "test",
            "node-a",
            LogPosition::default(),
            after_lease,
            later,
        )
        .await
        .unwrap();
        assert!(a.is_some());
        tx.commit().await.unwrap();
    }
}

/// Transaction ids are shared by every database of a PostgreSQL server, but
/// only a transaction of this database can write into its log: one left
/// open in another database (another test's, another application's) does
/// not hold this log back, while one open in this database still does.
#[tokio::test]
async fn only_a_transaction_of_its_own_database_holds_back_the_log() {
    let (Some(here), Some(elsewhere)) = (postgres_store().await, postgres_store().await) else {
        return;
    };
    let (team, conversation) = team_with_conversation(&here).await;
    let (other_team, other_conversation) = team_with_conversation(&elsewhere).await;
    let start = {
        let mut reader = here.read().await.unwrap();
        log::position_of(&mut reader.conn(), i64::MAX)
            .await
            .unwrap()
    };

    // Left open in the other database, with a transaction id older than
    // anything written here from now on.
    let mut open_elsewhere = elsewhere.begin().await.unwrap();
    store::events::append(
        &mut open_elsewhere,
        unlocked(&other_team, &other_conversation),
    )
    .await
    .unwrap();
    let written = commit_one(&here, &team, &conversation).await;
    assert_eq!(
        readable_after(&here, start).await,
        [written],
        "another database's open transaction holds nothing back here"
    );

    // Open in this database, an older transaction still holds back a newer
    // one's event: it may yet commit below it.
    let position = log::position_of(&mut here.read().await.unwrap().conn(), written)
        .await
        .unwrap();
    let mut open_here = here.begin().await.unwrap();
    let older = store::events::append(&mut open_here, unlocked(&team, &conversation))
        .await
        .unwrap()
        .seq;
    let newer = commit_one(&here, &team, &conversation).await;
    {
        let mut reader = here.read().await.unwrap();
        let read = log::after(&mut reader.conn(), position, None, &InboxScope::All, 10)
            .await
            .unwrap();
        assert!(read.is_empty(), "held back behind the open transaction");
        assert!(log::held_back(&mut reader.conn(), position).await.unwrap());
    }
    open_here.commit().await.unwrap();
    assert_eq!(readable_after(&here, position).await, [older, newer]);
    drop(open_elsewhere);
}

/// A fresh PostgreSQL store, or `None` (said) where there is no server.
async fn postgres_store() -> Option<Store> {
    store::testing::fresh_store(store::Backend::Postgres)
        .await
        .unwrap()
}

async fn team_with_conversation(store: &Store) -> (support::Team, domain::Conversation) {
    let team = support::new_team(store).await;
    let conversation = support::new_conversation(store, &team.inbox, &team.contact).await;
    (team, conversation)
}

/// An event for `conversation` of `team`'s inbox.
fn unlocked(team: &support::Team, conversation: &domain::Conversation) -> NewEvent {
    NewEvent {
        workspace_id: team.workspace.id.clone(),
        inbox_id: team.inbox.id.clone(),
        conversation_id: conversation.id.clone(),
        actor_id: None,
        kind: EventKind::Unlocked,
        created_at: millis_now(),
    }
}

/// Commits one event and returns its sequence number.
async fn commit_one(
    store: &Store,
    team: &support::Team,
    conversation: &domain::Conversation,
) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let seq = store::events::append(&mut tx, unlocked(team, conversation))
        .await
        .unwrap()
        .seq;
    tx.commit().await.unwrap();
    seq
}

/// The events readable after `from`, waiting up to two seconds for any:
/// a transaction of this database may end a moment after the commit.
async fn readable_after(store: &Store, from: LogPosition) -> Vec<i64> {
    for _ in 0..200 {
        let mut reader = store.read().await.unwrap();
        let read = log::after(&mut reader.conn(), from, None, &InboxScope::All, 10)
            .await
            .unwrap();
        if !read.is_empty() {
            return read.iter().map(|l| l.event.seq).collect();
        }
        drop(reader);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Vec::new()
}

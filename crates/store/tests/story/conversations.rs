//! Conversations: one active thread per contact and inbox, optimistic
//! concurrency, tags, links, the jobs' due lists, and an event with every change.

use chrono::Duration;
use domain::{EventKind, Link, LinkId, LinkKind, Priority, Status, Tag};
use store::{conversations, events, links, StoreError};

use crate::support::{self, count_where, millis_now};

fn tags(words: &[&str]) -> Vec<Tag> {
    words.iter().map(|w| Tag::parse(w).expect("tag")).collect()
}

#[tokio::test]
async fn a_new_conversation_reads_back_with_its_tags_and_a_created_event() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut conversation = support::conversation_value(&team.inbox, &team.contact);
        conversation.tags = tags(&["billing", "vip"]);
        conversation.subject = Some("Refund".into());
        let mut tx = store.begin().await.unwrap();
        let created = conversations::insert(
            &mut tx,
            &conversation,
            Some(&team.ana.id),
            conversation.created_at,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        assert_eq!(created.kind, EventKind::Created { previous_id: None });
        assert_eq!(created.actor_id.as_ref(), Some(&team.ana.id));
        assert_eq!(created.inbox_id, team.inbox.id);
        let mut reader = store.read().await.unwrap();
        let stored = conversations::get(&mut reader.conn(), &conversation.id)
            .await
            .unwrap();
        assert_eq!(stored.as_ref(), Some(&conversation));
        let active =
            conversations::find_active(&mut reader.conn(), &team.inbox.id, &team.contact.id)
                .await
                .unwrap();
        assert_eq!(active, Some(conversation.clone()));
        let history = events::for_conversation(&mut reader.conn(), &conversation.id, 0, 100)
            .await
            .unwrap();
        assert_eq!(history, vec![created]);
        let missing = domain::ConversationId::generate();
        assert_eq!(
            conversations::get(&mut reader.conn(), &missing)
                .await
                .unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn a_contact_has_one_active_conversation_per_inbox_until_it_is_closed() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let first = support::new_conversation(&store, &team.inbox, &team.contact).await;

        let second = support::conversation_value(&team.inbox, &team.contact);
        let mut tx = store.begin().await.unwrap();
        let refused = conversations::insert(&mut tx, &second, None, millis_now()).await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate(_))),
            "{refused:?}"
        );
        // The refusal leaves the transaction usable (no aborted PostgreSQL transaction).
        let active = conversations::find_active(&mut tx.conn(), &team.inbox.id, &team.contact.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(active.id, first.id);
        tx.commit().await.unwrap();
        assert_eq!(
            count_where(&store, "events", "conversation_id", second.id.as_str()).await,
            0
        );

        // Another inbox of the same workspace may hold its own thread with the contact.
        let sales = support::new_inbox(&store, &team.workspace, "Sales", &[&team.ana]).await;
        support::new_conversation(&store, &sales, &team.contact).await;

        let mut closed = first.clone();
        closed.status = Status::Closed;
        let mut tx = store.begin().await.unwrap();
        let change = EventKind::StatusChanged {
            from: Status::New,
            to: Status::Closed,
            snoozed_until: None,
        };
        conversations::update(
            &mut tx,
            &closed,
            first.version,
            None,
            millis_now(),
            vec![change],
        )
        .await
        .unwrap();
        let mut next = support::conversation_value(&team.inbox, &team.contact);
        next.previous_id = Some(first.id.clone());
        let created = conversations::insert(&mut tx, &next, None, millis_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        assert_eq!(
            created.kind,
            EventKind::Created {
                previous_id: Some(first.id.clone())
            }
        );
        let mut reader = store.read().await.unwrap();
        let active =
            conversations::find_active(&mut reader.conn(), &team.inbox.id, &team.contact.id)
                .await
                .unwrap();
        assert_eq!(active.map(|c| c.id), Some(next.id.clone()));
        // The closed one points the way to the one that continues it.
        let follow_up = conversations::follow_up(&mut reader.conn(), &first.id)
            .await
            .unwrap();
        assert_eq!(follow_up.map(|c| c.id), Some(next.id.clone()));
        let none = conversations::follow_up(&mut reader.conn(), &next.id)
            .await
            .unwrap();
        assert!(none.is_none());
    }
}

#[tokio::test]
async fn an_update_stores_the_new_state_its_tags_and_its_events_together() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut before = support::conversation_value(&team.inbox, &team.contact);
        before.tags = tags(&["billing", "old"]);
        let mut tx = store.begin().await.unwrap();
        conversations::insert(&mut tx, &before, None, millis_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut after = before.clone();
        after.status = Status::Open;
        after.assignee_id = Some(team.ana.id.clone());
        after.priority = Priority::Urgent;
        after.subject = Some("Card declined".into());
        after.tags = tags(&["billing", "urgent"]);
        after.last_activity_at = millis_now() + Duration::seconds(5);
        let changes = vec![
            EventKind::Assigned {
                assignee_id: team.ana.id.clone(),
                auto: None,
            },
            EventKind::StatusChanged {
                from: Status::New,
                to: Status::Open,
                snoozed_until: None,
            },
            EventKind::PriorityChanged {
                from: Priority::None,
                to: Priority::Urgent,
            },
            EventKind::SubjectChanged {
                subject: after.subject.clone(),
            },
            EventKind::TagsChanged {
                tags: after.tags.clone(),
            },
        ];

        // Dropped without commit: neither the state nor any event is kept.
        let mut tx = store.begin().await.unwrap();
        conversations::update(
            &mut tx,
            &after,
            1,
            Some(&team.ana.id),
            millis_now(),
            changes.clone(),
        )
        .await
        .unwrap();
        drop(tx);
        let mut reader = store.read().await.unwrap();
        let unchanged = conversations::get(&mut reader.conn(), &before.id)
            .await
            .unwrap();
        assert_eq!(unchanged.as_ref(), Some(&before));
        assert_eq!(
            count_where(&store, "events", "conversation_id", before.id.as_str()).await,
            1
        );

        let mut tx = store.begin().await.unwrap();
        let appended = conversations::update(
            &mut tx,
            &after,
            1,
            Some(&team.ana.id),
            millis_now(),
            changes.clone(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        assert_eq!(
            appended.iter().map(|e| e.kind.clone()).collect::<Vec<_>>(),
            changes
        );
        assert!(appended.windows(2).all(|w| w[0].seq < w[1].seq));
        assert!(appended
            .iter()
            .all(|e| e.actor_id.as_ref() == Some(&team.ana.id)));
        let stored = conversations::get(&mut reader.conn(), &before.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stored,
            domain::Conversation {
                version: 2,
                ..after.clone()
            }
        );
        let history = events::for_conversation(&mut reader.conn(), &before.id, 0, 100)
            .await
            .unwrap();
        assert_eq!(history.len(), 6);
        assert_eq!(history[1..], appended[..]);
        assert_eq!(
            count_where(
                &store,
                "conversation_tags",
                "conversation_id",
                before.id.as_str()
            )
            .await,
            2
        );
    }
}

#[tokio::test]
async fn an_update_against_an_old_version_is_a_conflict_and_changes_nothing() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let read_by_ana = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let read_by_bruno = read_by_ana.clone();

        let mut mine = read_by_ana.clone();
        mine.assignee_id = Some(team.ana.id.clone());
        let mut tx = store.begin().await.unwrap();
        let assigned = vec![EventKind::Assigned {
            assignee_id: team.ana.id.clone(),
            auto: None,
        }];
        conversations::update(
            &mut tx,
            &mine,
            read_by_ana.version,
            Some(&team.ana.id),
            millis_now(),
            assigned,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let mut theirs = read_by_bruno.clone();
        theirs.assignee_id = Some(team.bruno.id.clone());
        let mut tx = store.begin().await.unwrap();
        let assigned = vec![EventKind::Assigned {
            assignee_id: team.bruno.id.clone(),
            auto: None,
        }];
        let late = conversations::update(
            &mut tx,
            &theirs,
            read_by_bruno.version,
            Some(&team.bruno.id),
            millis_now(),
            assigned,
        )
        .await;
        assert!(matches!(late, Err(StoreError::VersionConflict)), "{late:?}");
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let stored = conversations::get(&mut reader.conn(), &mine.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.assignee_id, Some(team.ana.id.clone()));
        assert_eq!(stored.version, 2);
        assert_eq!(
            count_where(&store, "events", "conversation_id", mine.id.as_str()).await,
            2
        );
    }
}

#[tokio::test]
async fn an_update_without_an_event_is_refused() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let mut changed = conversation.clone();
        changed.status = Status::Open;
        let mut tx = store.begin().await.unwrap();
        let refused =
            conversations::update(&mut tx, &changed, 1, None, millis_now(), Vec::new()).await;
        assert!(refused.is_err());
        tx.commit().await.unwrap();
        let mut reader = store.read().await.unwrap();
        let stored = conversations::get(&mut reader.conn(), &conversation.id)
            .await
            .unwrap();
        assert_eq!(
            stored.map(|c| (c.status, c.version)),
            Some((Status::New, 1))
        );
    }
}

#[tokio::test]
async fn snoozed_conversations_are_due_to_wake_once_their_time_has_passed() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let now = millis_now();
        let other = support::new_contact(&store, &team.workspace, "Dora", "+14155550102").await;
        let open = support::new_contact(&store, &team.workspace, "Eve", "+14155550103").await;
        let mut due = support::conversation_value(&team.inbox, &team.contact);
        due.status = Status::Snoozed;
        due.snoozed_until = Some(now - Duration::minutes(1));
        let mut later = support::conversation_value(&team.inbox, &other);
        later.status = Status::Snoozed;
        later.snoozed_until = Some(now + Duration::hours(1));
        let not_snoozed = support::conversation_value(&team.inbox, &open);
        let mut tx = store.begin().await.unwrap();
        for c in [&due, &later, &not_snoozed] {
            conversations::insert(&mut tx, c, None, now).await.unwrap();
        }
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let woken = conversations::due_to_wake(&mut reader.conn(), now, 10)
            .await
            .unwrap();
        assert_eq!(woken, vec![due.clone()]);
        let woken = conversations::due_to_wake(&mut reader.conn(), now + Duration::hours(2), 10)
            .await
            .unwrap();
        assert_eq!(
            woken.iter().map(|c| &c.id).collect::<Vec<_>>(),
            vec![&due.id, &later.id]
        );
        let woken = conversations::due_to_wake(&mut reader.conn(), now + Duration::hours(2), 1)
            .await
            .unwrap();
        assert_eq!(woken.len(), 1);
    }
}

#[tokio::test]
async fn resolved_conversations_are_due_to_close_after_their_inbox_wait() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut quick = support::inbox_value(&team.workspace, "Quick");
        quick.auto_close_secs = 60;
        let mut tx = store.begin().await.unwrap();
        store::inboxes::create(&mut tx, &quick).await.unwrap();
        tx.commit().await.unwrap();

        let now = millis_now();
        let resolved_at = Some(now - Duration::minutes(5));
        let mut in_quick = support::conversation_value(&quick, &team.contact);
        in_quick.status = Status::Resolved;
        in_quick.resolved_at = resolved_at;
        let mut in_support = support::conversation_value(&team.inbox, &team.contact);
        in_support.status = Status::Resolved;
        in_support.resolved_at = resolved_at;
        let mut tx = store.begin().await.unwrap();
        conversations::insert(&mut tx, &in_quick, None, now)
            .await
            .unwrap();
        conversations::insert(&mut tx, &in_support, None, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let due = conversations::due_to_close(&mut reader.conn(), now, 10)
            .await
            .unwrap();
        assert_eq!(due, vec![in_quick.clone()]);
        let in_five_days = now + Duration::days(5);
        let due = conversations::due_to_close(&mut reader.conn(), in_five_days, 10)
            .await
            .unwrap();
        assert_eq!(due.len(), 2);
    }
}

#[tokio::test]
async fn links_are_added_and_removed_with_their_events() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let link = Link {
            id: LinkId::generate(),
            conversation_id: conversation.id.clone(),
            kind: LinkKind::Deal,
            external_id: "D-42".into(),
            url: "https://crm.example.com/deals/42".into(),
            title: "Renewal".into(),
            created_at: millis_now(),
        };
        let mut tx = store.begin().await.unwrap();
        let linked = links::add(
            &mut tx,
            &link,
            &conversation,
            Some(&team.ana.id),
            millis_now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            linked.kind,
            EventKind::Linked {
                link_id: link.id.clone()
            }
        );

        let mut reader = store.read().await.unwrap();
        let stored = links::for_conversation(&mut reader.conn(), &conversation.id)
            .await
            .unwrap();
        assert_eq!(stored, vec![link.clone()]);

        // A link id of another conversation removes nothing there.
        let other_contact =
            support::new_contact(&store, &team.workspace, "Dora", "+14155550102").await;
        let other = support::new_conversation(&store, &team.inbox, &other_contact).await;
        let mut tx = store.begin().await.unwrap();
        let nothing = links::remove(&mut tx, &other, &link.id, None, millis_now())
            .await
            .unwrap();
        assert_eq!(nothing, None);
        let unlinked = links::remove(
            &mut tx,
            &conversation,
            &link.id,
            Some(&team.ana.id),
            millis_now(),
        )
        .await
        .unwrap()
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            unlinked.kind,
            EventKind::Unlinked {
                link_id: link.id.clone()
            }
        );
        assert!(
            links::for_conversation(&mut reader.conn(), &conversation.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            count_where(
                &store,
                "events",
                "conversation_id",
                conversation.id.as_str()
            )
            .await,
            3
        );
        assert_eq!(
            count_where(&store, "events", "conversation_id", other.id.as_str()).await,
            1
        );
    }
}

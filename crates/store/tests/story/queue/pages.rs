//! Sorting and paging through the list.

use domain::{Conversation, MessageKind, Priority, View};
use store::queue::{self, ConversationFilter, Sort};
use store::{InboxScope, Store, StoreError};

use super::{all_pages, contact, ids_of, value, T};
use crate::support::{self, at_millis, new_message_at, new_team, store_conversation, Team};

/// Nine conversations with ties in every sort key.
async fn sortable(store: &Store) -> (Team, Vec<Conversation>) {
    let team = new_team(store).await;
    // (created, activity, priority, last inbound)
    let shapes = [
        (1, 50, Priority::High, Some(40)),
        (2, 50, Priority::None, None),
        (3, 70, Priority::High, Some(10)),
        (3, 20, Priority::Urgent, Some(10)),
        (5, 50, Priority::High, Some(30)),
        (6, 90, Priority::Low, None),
        (7, 10, Priority::None, Some(5)),
        (7, 50, Priority::Urgent, Some(30)),
        (9, 30, Priority::High, Some(10)),
    ];
    let mut conversations = Vec::new();
    for (n, (created, activity, priority, inbound)) in shapes.into_iter().enumerate() {
        let who = contact(
            store,
            &team,
            &format!("Customer {n}"),
            &format!("+1415555020{n}"),
        )
        .await;
        let mut c = value(&team.inbox, &who, created);
        c.last_activity_at = at_millis(T + activity);
        c.priority = priority;
        c.last_inbound_at = inbound.map(|ms| at_millis(T + ms));
        store_conversation(store, &c).await;
        // The SLA due time follows the same shape as the last inbound (ties
        // and conversations with nothing due included).
        c.sla = inbound.map(|ms| domain::SlaClock {
            due_at: at_millis(T + 1000 + ms),
            target_secs: 3600,
            breached: false,
        });
        let due = c.sla.map(|s| domain::SlaDue {
            at: s.due_at,
            target_secs: s.target_secs,
        });
        let mut tx = store.begin().await.unwrap();
        store::sla::set_due(&mut tx, &c.id, due).await.unwrap();
        tx.commit().await.unwrap();
        conversations.push(c);
    }
    (team, conversations)
}

#[tokio::test]
async fn each_sort_pages_through_every_conversation_once_in_order() {
    for store in support::stores().await {
        let (team, conversations) = sortable(&store).await;
        let mut filter = ConversationFilter::new(
            team.workspace.id.clone(),
            team.ana.id.clone(),
            InboxScope::All,
        );
        filter.view = View::All;
        for sort in [
            Sort::LastActivity,
            Sort::Created,
            Sort::Priority,
            Sort::Waiting,
            Sort::Due,
        ] {
            let mut expected: Vec<&Conversation> = conversations.iter().collect();
            expected.sort_by(|a, b| match sort {
                Sort::LastActivity => (b.last_activity_at, &b.id).cmp(&(a.last_activity_at, &a.id)),
                Sort::Created => (b.created_at, &b.id).cmp(&(a.created_at, &a.id)),
                Sort::Priority => (b.priority, b.last_activity_at, &b.id).cmp(&(
                    a.priority,
                    a.last_activity_at,
                    &a.id,
                )),
                // Whoever waits longest first; those who never wrote last.
                Sort::Waiting => (a.last_inbound_at.is_none(), a.last_inbound_at, &a.id).cmp(&(
                    b.last_inbound_at.is_none(),
                    b.last_inbound_at,
                    &b.id,
                )),
                // Breaching soonest first; nothing due last.
                Sort::Due => {
                    let due = |c: &Conversation| c.sla.map(|s| s.due_at);
                    (due(a).is_none(), due(a), &a.id).cmp(&(due(b).is_none(), due(b), &b.id))
                }
            });
            filter.sort = sort;
            for page_size in [1, 2, 4, 9, 50] {
                let listed: Vec<_> = all_pages(&store, &filter, page_size)
                    .await
                    .into_iter()
                    .map(|i| i.conversation.id)
                    .collect();
                assert_eq!(
                    listed,
                    ids_of(&expected),
                    "{sort:?} by pages of {page_size} on {:?}",
                    store.backend()
                );
            }
        }
    }
}

#[tokio::test]
async fn activity_between_two_pages_neither_repeats_nor_skips_a_conversation() {
    for store in support::stores().await {
        let (team, mut conversations) = sortable(&store).await;
        let mut filter = ConversationFilter::new(
            team.workspace.id.clone(),
            team.ana.id.clone(),
            InboxScope::All,
        );
        filter.view = View::All;
        let mut r = store.read().await.unwrap();
        let first = queue::list(&mut r.conn(), &filter, 3, None).await.unwrap();
        drop(r);
        // The last conversation of the list gets a message: it jumps to the top.
        let quiet = conversations
            .iter_mut()
            .min_by_key(|c| (c.last_activity_at, c.id.clone()))
            .unwrap();
        new_message_at(
            &store,
            quiet,
            MessageKind::Inbound,
            "still there?",
            at_millis(T + 1_000),
        )
        .await;
        let mut r = store.read().await.unwrap();
        let (mut seen, mut cursor) = (first.items, first.next_cursor);
        while let Some(next) = cursor {
            let page = queue::list(&mut r.conn(), &filter, 3, Some(&next))
                .await
                .unwrap();
            seen.extend(page.items);
            cursor = page.next_cursor;
        }
        let mut ids: Vec<_> = seen.into_iter().map(|i| i.conversation.id).collect();
        let listed = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), listed, "no conversation twice");
        assert_eq!(
            listed, 8,
            "the one that moved above the cursor waits for a refresh; none other is lost"
        );
    }
}

#[tokio::test]
async fn a_cursor_that_this_list_did_not_hand_out_is_refused() {
    for store in support::stores().await {
        let (team, _) = sortable(&store).await;
        let mut filter = ConversationFilter::new(
            team.workspace.id.clone(),
            team.ana.id.clone(),
            InboxScope::All,
        );
        filter.view = View::All;
        let mut r = store.read().await.unwrap();
        let page = queue::list(&mut r.conn(), &filter, 2, None).await.unwrap();
        let cursor = page.next_cursor.expect("a second page");
        filter.sort = Sort::Priority;
        let truncated = &cursor[..cursor.len() - 2];
        for bad in [
            cursor.as_str(),
            "",
            "not hex",
            "abcd",
            truncated,
            "6c6173745f61637469766974793a313a32",
        ] {
            let err = queue::list(&mut r.conn(), &filter, 2, Some(bad))
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::InvalidCursor), "{bad:?}: {err:?}");
        }
    }
}

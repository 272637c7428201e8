//! The queue badges and the inbox sidebar counts, and what an agent may see.

use domain::{Priority, Tag, UserId, View};
use store::cursors::{self, ReadCursor};
use store::queue::{self, AssigneeFilter, ConversationFilter};
use store::InboxScope;

use super::{ids, seed, Seed, T};
use crate::support::{self, at_millis, new_inbox};

/// The filters the counts are checked under, for one viewer.
fn count_filters(s: &Seed, viewer: &UserId) -> Vec<ConversationFilter> {
    let base = s.filter(viewer);
    let mut filters = vec![base.clone()];
    let mut add = |change: &dyn Fn(&mut ConversationFilter)| {
        let mut filter = base.clone();
        change(&mut filter);
        filters.push(filter);
    };
    add(&|f| f.scope = InboxScope::Only(vec![s.team.inbox.id.clone()]));
    add(&|f| f.inbox = Some(s.sales.id.clone()));
    add(&|f| f.tag = Some(Tag::parse("vip").unwrap()));
    add(&|f| f.priority = Some(Priority::High));
    add(&|f| f.contact_owner = Some(s.team.bruno.id.clone()));
    add(&|f| f.unread = Some(true));
    add(&|f| f.q = Some("invoice".into()));
    add(&|f| f.q = Some("Carla".into()));
    filters
}

#[tokio::test]
async fn the_counts_are_what_the_list_shows_for_the_same_filter() {
    for store in support::stores().await {
        let s = seed(&store).await;
        for viewer in [&s.team.ana.id, &s.team.bruno.id] {
            for filter in count_filters(&s, viewer) {
                let mut r = store.read().await.unwrap();
                let counts = queue::counts(&mut r.conn(), &filter).await.unwrap();
                drop(r);
                let len = |view: View, assignee: Option<AssigneeFilter>| {
                    let mut lane = filter.clone();
                    (lane.view, lane.assignee) = (view, assignee);
                    let store = store.clone();
                    async move { ids(&store, &lane).await.len() as i64 }
                };
                let listed = queue::QueueCounts {
                    unassigned: len(View::Open, Some(AssigneeFilter::Nobody)).await,
                    mine: len(View::Open, Some(AssigneeFilter::Me)).await,
                    assigned_others: len(View::Open, Some(AssigneeFilter::Others)).await,
                    open: len(View::Open, None).await,
                    done: len(View::Done, None).await,
                    snoozed: len(View::Snoozed, None).await,
                };
                assert_eq!(counts, listed, "{filter:?} on {:?}", store.backend());
            }
        }
        // And the figures themselves, for the plain filter.
        let mut r = store.read().await.unwrap();
        let counts = queue::counts(&mut r.conn(), &s.filter(&s.team.ana.id))
            .await
            .unwrap();
        let expected = queue::QueueCounts {
            unassigned: 1,
            mine: 1,
            assigned_others: 2,
            open: 4,
            done: 2,
            snoozed: 1,
        };
        assert_eq!(counts, expected);
    }
}

#[tokio::test]
async fn each_inbox_gets_its_sidebar_badges_from_one_query() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let quiet = new_inbox(&store, &s.team.workspace, "Quiet", &[&s.team.ana]).await;
        let inboxes = [
            s.team.inbox.id.clone(),
            s.sales.id.clone(),
            quiet.id.clone(),
        ];
        let badges = |unassigned, mine, open, unread| queue::InboxCounts {
            unassigned,
            mine,
            open,
            unread,
        };
        let counts_for = |viewer: UserId| {
            let (store, workspace, inboxes) =
                (store.clone(), s.team.workspace.id.clone(), inboxes.clone());
            async move {
                let mut r = store.read().await.unwrap();
                queue::inbox_counts(&mut r.conn(), &workspace, &viewer, &inboxes)
                    .await
                    .unwrap()
            }
        };

        let ana = counts_for(s.team.ana.id.clone()).await;
        assert_eq!(ana.len(), 3);
        // Bruno's pending conversation is open but carries no badge for Ana.
        assert_eq!(ana[&s.team.inbox.id], badges(1, 1, 3, 2));
        assert_eq!(ana[&s.sales.id], badges(0, 0, 1, 0));
        assert_eq!(ana[&quiet.id], badges(0, 0, 0, 0));
        let bruno = counts_for(s.team.bruno.id.clone()).await;
        assert_eq!(bruno[&s.team.inbox.id], badges(1, 1, 3, 2));
        assert_eq!(bruno[&s.sales.id], badges(0, 1, 1, 1));

        let mut tx = store.begin().await.unwrap();
        let reader = ReadCursor::User(s.team.ana.id.clone());
        cursors::mark_read(&mut tx, &s.c2.id, &reader, at_millis(T + 200))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let ana = counts_for(s.team.ana.id.clone()).await;
        assert_eq!(ana[&s.team.inbox.id], badges(1, 1, 3, 1));

        let mut r = store.read().await.unwrap();
        let none = queue::inbox_counts(&mut r.conn(), &s.team.workspace.id, &s.team.ana.id, &[])
            .await
            .unwrap();
        assert!(none.is_empty());
    }
}

#[tokio::test]
async fn an_agent_never_sees_conversations_of_an_inbox_outside_their_scope() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let mut filter = s.filter(&s.team.ana.id);
        filter.scope = InboxScope::Only(vec![s.team.inbox.id.clone()]);
        filter.view = View::All;
        let listed = ids(&store, &filter).await;
        assert_eq!(listed.len(), 6);
        assert!(!listed.contains(&s.c6.id));

        // Asking for the other inbox by id, or searching for its words, finds nothing.
        let mut other = filter.clone();
        other.inbox = Some(s.sales.id.clone());
        assert!(ids(&store, &other).await.is_empty());
        let mut search = filter.clone();
        search.q = Some("quote".into());
        assert!(ids(&store, &search).await.is_empty());
        let mut r = store.read().await.unwrap();
        let counts = queue::counts(&mut r.conn(), &other).await.unwrap();
        assert_eq!(counts, queue::QueueCounts::default());

        // An agent in no inbox sees nothing at all.
        let mut nowhere = filter.clone();
        nowhere.scope = InboxScope::Only(Vec::new());
        let page = queue::list(&mut r.conn(), &nowhere, 50, None)
            .await
            .unwrap();
        assert!(page.items.is_empty() && page.next_cursor.is_none());
        assert_eq!(
            queue::counts(&mut r.conn(), &nowhere).await.unwrap(),
            queue::QueueCounts::default()
        );
        drop(r);

        // Nor another workspace's conversations, whatever the scope says.
        let stranger = seed(&store).await;
        assert_eq!(ids(&store, &s.filter(&s.team.ana.id)).await.len(), 4);
        assert_eq!(
            ids(&store, &stranger.filter(&stranger.team.ana.id))
                .await
                .len(),
            4
        );
    }
}

/// The counter rows and a recount agree for every viewer, in every inbox.
async fn assert_counters_equal_recount(store: &store::Store, s: &Seed, when: &str) {
    let inboxes = [s.team.inbox.id.clone(), s.sales.id.clone()];
    let mut r = store.read().await.unwrap();
    for viewer in [&s.team.ana.id, &s.team.bruno.id, &s.team.admin.id] {
        let mut filter = s.filter(viewer);
        for inbox in [
            None,
            Some(s.team.inbox.id.clone()),
            Some(s.sales.id.clone()),
        ] {
            filter.inbox = inbox;
            let counted = queue::counts(&mut r.conn(), &filter).await.unwrap();
            let recounted = queue::recount(&mut r.conn(), &filter).await.unwrap();
            assert_eq!(
                counted,
                recounted,
                "{when}: {filter:?} on {:?}",
                store.backend()
            );
        }
        let workspace = &s.team.workspace.id;
        let counted = queue::inbox_counts(&mut r.conn(), workspace, viewer, &inboxes)
            .await
            .unwrap();
        let recounted = queue::recount_inboxes(&mut r.conn(), workspace, viewer, &inboxes)
            .await
            .unwrap();
        assert_eq!(
            counted,
            recounted,
            "{when}: sidebar on {:?}",
            store.backend()
        );
    }
}

#[tokio::test]
async fn the_counters_follow_reads_and_deleted_contacts_and_inboxes() {
    for store in support::stores().await {
        let s = seed(&store).await;
        assert_counters_equal_recount(&store, &s, "seeded").await;

        // Reads by each reader, the team's shared cursor among them.
        let mut tx = store.begin().await.unwrap();
        for (conversation, reader) in [
            (&s.c1.id, ReadCursor::User(s.team.ana.id.clone())),
            (&s.c2.id, ReadCursor::User(s.team.bruno.id.clone())),
            (&s.c6.id, ReadCursor::Team),
            (&s.c6.id, ReadCursor::User(s.team.bruno.id.clone())),
        ] {
            cursors::mark_read(&mut tx, conversation, &reader, at_millis(T + 1_000))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        assert_counters_equal_recount(&store, &s, "after reads").await;

        // Carla's conversations (one per inbox) go with her, read or not.
        let mut tx = store.begin().await.unwrap();
        assert!(store::contacts::delete(&mut tx, &s.team.contact.id)
            .await
            .unwrap());
        tx.commit().await.unwrap();
        assert_counters_equal_recount(&store, &s, "after deleting a contact").await;

        let mut tx = store.begin().await.unwrap();
        assert!(store::inboxes::delete(&mut tx, &s.sales.id).await.unwrap());
        tx.commit().await.unwrap();
        assert_counters_equal_recount(&store, &s, "after deleting an inbox").await;
    }
}

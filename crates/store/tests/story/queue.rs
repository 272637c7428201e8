//! The conversation list: filters, sorts, pages, unread, counts and search.

mod bench;
mod counts;
mod due;
mod owner;
mod pages;
mod plans;
mod search;

use domain::{
    Contact, Conversation, EmailAddress, Inbox, MessageKind, Priority, Status, Tag, UnreadMode,
    UserId, View,
};
use store::cursors::{self, ReadCursor};
use store::queue::{self, AssigneeFilter, ConversationFilter, QueueItem};
use store::{InboxScope, Page, Store};

use crate::support::{
    self, at_millis, contact_value, conversation_value, new_inbox, new_message_at, new_team,
    store_contact, store_conversation, Team,
};

/// A recent instant, so that stored times look like real ones.
const T: i64 = 1_700_000_000_000;

/// Seven conversations in two inboxes, each picked out by some filter.
struct Seed {
    team: Team,
    sales: Inbox,
    /// Support, Carla, open, Ana's, high, `billing`; inbound "My invoice is wrong" at T+100.
    c1: Conversation,
    /// Support, Dan Smith (owned by Bruno), new, unassigned; inbound at T+200.
    c2: Conversation,
    /// Support, Eve, pending, Bruno's, urgent, `vip`; inbound, reply, then a note (T+300..320).
    c3: Conversation,
    /// Support, Fay, snoozed, unassigned, activity T+400.
    c4: Conversation,
    /// Support, Gus, resolved, Ana's, activity T+500.
    c5: Conversation,
    /// Sales, Carla, open, Bruno's; inbound "a quote for invoice software" at T+600.
    c6: Conversation,
    /// Support, Hal, closed, unassigned, activity T.
    c7: Conversation,
}

fn value(inbox: &Inbox, contact: &Contact, created: i64) -> Conversation {
    let mut conversation = conversation_value(inbox, contact);
    conversation.created_at = at_millis(T + created);
    conversation.last_activity_at = at_millis(T + created);
    conversation
}

async fn contact(store: &Store, team: &Team, name: &str, phone: &str) -> Contact {
    let contact = contact_value(&team.workspace, name, phone);
    store_contact(store, &contact).await;
    contact
}

async fn seed(store: &Store) -> Seed {
    let team = new_team(store).await;
    let sales = new_inbox(store, &team.workspace, "Sales", &[&team.bruno]).await;
    let mut dan = contact_value(&team.workspace, "Dan Smith", "+14155550103");
    dan.email = Some(EmailAddress::parse("dan@example.org").unwrap());
    dan.owner_id = Some(team.bruno.id.clone());
    store_contact(store, &dan).await;
    let eve = contact(store, &team, "Eve", "+14155550104").await;
    let fay = contact(store, &team, "Fay", "+14155550105").await;
    let gus = contact(store, &team, "Gus", "+14155550106").await;
    let hal = contact(store, &team, "Hal", "+14155550107").await;
    let (ana, bruno) = (team.ana.id.clone(), team.bruno.id.clone());
    let inbound = MessageKind::Inbound;

    let mut c1 = value(&team.inbox, &team.contact, 10);
    (c1.status, c1.assignee_id, c1.priority) = (Status::Open, Some(ana.clone()), Priority::High);
    c1.tags = vec![Tag::parse("billing").unwrap()];
    store_conversation(store, &c1).await;
    new_message_at(
        store,
        &mut c1,
        inbound,
        "My invoice is wrong",
        at_millis(T + 100),
    )
    .await;

    let mut c2 = value(&team.inbox, &dan, 20);
    store_conversation(store, &c2).await;
    new_message_at(
        store,
        &mut c2,
        inbound,
        "Hello, anyone there?",
        at_millis(T + 200),
    )
    .await;

    let mut c3 = value(&team.inbox, &eve, 30);
    (c3.status, c3.assignee_id, c3.priority) =
        (Status::Pending, Some(bruno.clone()), Priority::Urgent);
    c3.tags = vec![Tag::parse("vip").unwrap()];
    store_conversation(store, &c3).await;
    new_message_at(
        store,
        &mut c3,
        inbound,
        "Where is my refund?",
        at_millis(T + 300),
    )
    .await;
    new_message_at(
        store,
        &mut c3,
        MessageKind::Outbound,
        "Refund sent",
        at_millis(T + 310),
    )
    .await;
    new_message_at(
        store,
        &mut c3,
        MessageKind::Note,
        "customer is VIP",
        at_millis(T + 320),
    )
    .await;

    let mut c4 = value(&team.inbox, &fay, 40);
    c4.last_activity_at = at_millis(T + 400);
    (c4.status, c4.snoozed_until) = (Status::Snoozed, Some(at_millis(T + 10_000)));
    store_conversation(store, &c4).await;

    let mut c5 = value(&team.inbox, &gus, 50);
    c5.last_activity_at = at_millis(T + 500);
    (c5.status, c5.assignee_id, c5.resolved_at) =
        (Status::Resolved, Some(ana), Some(at_millis(T + 500)));
    store_conversation(store, &c5).await;

    let mut c6 = value(&sales, &team.contact, 60);
    (c6.status, c6.assignee_id) = (Status::Open, Some(bruno));
    store_conversation(store, &c6).await;
    new_message_at(
        store,
        &mut c6,
        inbound,
        "I want a quote for invoice software",
        at_millis(T + 600),
    )
    .await;

    let mut c7 = value(&team.inbox, &hal, 0);
    c7.status = Status::Closed;
    store_conversation(store, &c7).await;

    Seed {
        team,
        sales,
        c1,
        c2,
        c3,
        c4,
        c5,
        c6,
        c7,
    }
}

impl Seed {
    /// Every inbox, as an admin sees them, through `viewer`'s eyes.
    fn filter(&self, viewer: &UserId) -> ConversationFilter {
        ConversationFilter::new(
            self.team.workspace.id.clone(),
            viewer.clone(),
            InboxScope::All,
        )
    }
}

/// Every item of the list for `filter`, reading pages of `page_size`.
async fn all_pages(store: &Store, filter: &ConversationFilter, page_size: u32) -> Vec<QueueItem> {
    let mut r = store.read().await.unwrap();
    let (mut items, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let Page {
            items: page,
            next_cursor,
        } = queue::list(&mut r.conn(), filter, page_size, cursor.as_deref())
            .await
            .unwrap();
        assert!(page.len() <= page_size as usize);
        assert!(
            next_cursor.is_none() || page.len() == page_size as usize,
            "a short page is the last"
        );
        items.extend(page);
        match next_cursor {
            Some(next) => cursor = Some(next),
            None => return items,
        }
    }
}

async fn ids(store: &Store, filter: &ConversationFilter) -> Vec<domain::ConversationId> {
    all_pages(store, filter, 500)
        .await
        .into_iter()
        .map(|i| i.conversation.id)
        .collect()
}

fn ids_of(conversations: &[&Conversation]) -> Vec<domain::ConversationId> {
    conversations.iter().map(|c| c.id.clone()).collect()
}

#[tokio::test]
async fn every_filter_of_the_list_keeps_only_the_conversations_it_names() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let (ana, bruno) = (&s.team.ana.id, &s.team.bruno.id);
        let base = s.filter(ana);
        let with = |change: &dyn Fn(&mut ConversationFilter)| {
            let mut filter = base.clone();
            change(&mut filter);
            filter
        };
        let cases: Vec<(&str, ConversationFilter, Vec<&Conversation>)> = vec![
            ("open view", base.clone(), vec![&s.c6, &s.c3, &s.c2, &s.c1]),
            (
                "done view",
                with(&|f| f.view = View::Done),
                vec![&s.c5, &s.c7],
            ),
            (
                "snoozed view",
                with(&|f| f.view = View::Snoozed),
                vec![&s.c4],
            ),
            (
                "all",
                with(&|f| f.view = View::All),
                vec![&s.c6, &s.c5, &s.c4, &s.c3, &s.c2, &s.c1, &s.c7],
            ),
            (
                "status",
                with(&|f| (f.view, f.status) = (View::All, Some(Status::Pending))),
                vec![&s.c3],
            ),
            (
                "status outside the view",
                with(&|f| f.status = Some(Status::Resolved)),
                vec![],
            ),
            (
                "mine",
                with(&|f| (f.view, f.assignee) = (View::All, Some(AssigneeFilter::Me))),
                vec![&s.c5, &s.c1],
            ),
            (
                "unassigned",
                with(&|f| f.assignee = Some(AssigneeFilter::Nobody)),
                vec![&s.c2],
            ),
            (
                "others",
                with(&|f| f.assignee = Some(AssigneeFilter::Others)),
                vec![&s.c6, &s.c3],
            ),
            (
                "a user",
                with(&|f| f.assignee = Some(AssigneeFilter::User(bruno.clone()))),
                vec![&s.c6, &s.c3],
            ),
            (
                "priority",
                with(&|f| f.priority = Some(Priority::Urgent)),
                vec![&s.c3],
            ),
            (
                "tag",
                with(&|f| f.tag = Some(Tag::parse("billing").unwrap())),
                vec![&s.c1],
            ),
            (
                "contact owner",
                with(&|f| f.contact_owner = Some(bruno.clone())),
                vec![&s.c2],
            ),
            (
                "inbox",
                with(&|f| f.inbox = Some(s.sales.id.clone())),
                vec![&s.c6],
            ),
            (
                "scope",
                with(&|f| f.scope = InboxScope::Only(vec![s.team.inbox.id.clone()])),
                vec![&s.c3, &s.c2, &s.c1],
            ),
            (
                "unread",
                with(&|f| f.unread = Some(true)),
                vec![&s.c6, &s.c3, &s.c2, &s.c1],
            ),
            ("read", with(&|f| f.unread = Some(false)), vec![]),
            (
                "several at once",
                with(&|f| {
                    f.inbox = Some(s.team.inbox.id.clone());
                    f.assignee = Some(AssigneeFilter::Others);
                    f.priority = Some(Priority::Urgent);
                    f.tag = Some(Tag::parse("vip").unwrap());
                }),
                vec![&s.c3],
            ),
        ];
        for (name, filter, expected) in cases {
            assert_eq!(
                ids(&store, &filter).await,
                ids_of(&expected),
                "{name} on {:?}",
                store.backend()
            );
        }
    }
}

#[tokio::test]
async fn a_listed_conversation_carries_its_contact_tags_unread_flag_and_last_customer_message() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let mut filter = s.filter(&s.team.ana.id);
        filter.tag = Some(Tag::parse("vip").unwrap());
        let items = all_pages(&store, &filter, 10).await;
        assert_eq!(items.len(), 1);
        let item = &items[0];
        assert_eq!(item.conversation, s.c3);
        assert_eq!(item.contact.name, "Eve");
        assert_eq!(item.contact.id, s.c3.contact_id);
        assert!(item.unread);
        // The internal note came later, but the queue shows what the customer saw last.
        let last = item.last_message.as_ref().expect("a last message");
        assert_eq!(
            (last.kind, last.body.as_str()),
            (MessageKind::Outbound, "Refund sent")
        );

        filter.tag = None;
        filter.view = View::Snoozed;
        let items = all_pages(&store, &filter, 10).await;
        assert_eq!(items[0].conversation, s.c4);
        assert!(items[0].last_message.is_none() && !items[0].unread);
    }
}

#[tokio::test]
async fn in_a_per_user_inbox_each_member_reads_for_themselves() {
    for store in support::stores().await {
        let s = seed(&store).await;
        assert_eq!(s.team.inbox.unread_mode, UnreadMode::PerUser);
        let unread = |viewer: &UserId| {
            let mut filter = s.filter(viewer);
            filter.unread = Some(true);
            filter.inbox = Some(s.team.inbox.id.clone());
            filter
        };
        let ana = ReadCursor::User(s.team.ana.id.clone());
        let mut tx = store.begin().await.unwrap();
        cursors::mark_read(&mut tx, &s.c1.id, &ana, s.c1.last_inbound_at.unwrap())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            ids(&store, &unread(&s.team.ana.id)).await,
            ids_of(&[&s.c3, &s.c2])
        );
        assert_eq!(
            ids(&store, &unread(&s.team.bruno.id)).await,
            ids_of(&[&s.c3, &s.c2, &s.c1])
        );

        // The customer writes again: unread again for Ana too.
        let mut c1 = s.c1.clone();
        new_message_at(
            &store,
            &mut c1,
            MessageKind::Inbound,
            "hello?",
            at_millis(T + 700),
        )
        .await;
        assert_eq!(
            ids(&store, &unread(&s.team.ana.id)).await,
            ids_of(&[&c1, &s.c3, &s.c2])
        );
        // A note or a reply is not new activity from the customer.
        new_message_at(
            &store,
            &mut c1,
            MessageKind::Note,
            "on it",
            at_millis(T + 800),
        )
        .await;
        let mut tx = store.begin().await.unwrap();
        cursors::mark_read(&mut tx, &c1.id, &ana, at_millis(T + 750))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            ids(&store, &unread(&s.team.ana.id)).await,
            ids_of(&[&s.c3, &s.c2])
        );
    }
}

#[tokio::test]
async fn in_a_shared_inbox_one_read_clears_it_for_the_whole_team() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let mut inbox = s.team.inbox.clone();
        inbox.unread_mode = UnreadMode::Shared;
        let mut tx = store.begin().await.unwrap();
        store::inboxes::update(&mut tx, &inbox).await.unwrap();
        // Ana's own cursor is not the one that counts in a shared inbox.
        let own = ReadCursor::User(s.team.ana.id.clone());
        cursors::mark_read(&mut tx, &s.c2.id, &own, at_millis(T + 10_000))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let unread = |viewer: &UserId| {
            let mut filter = s.filter(viewer);
            (filter.unread, filter.inbox) = (Some(true), Some(inbox.id.clone()));
            filter
        };
        assert_eq!(
            ids(&store, &unread(&s.team.ana.id)).await,
            ids_of(&[&s.c3, &s.c2, &s.c1])
        );

        let team_cursor = cursors::reader_for(inbox.unread_mode, &s.team.bruno.id);
        let mut tx = store.begin().await.unwrap();
        cursors::mark_read(&mut tx, &s.c3.id, &team_cursor, at_millis(T + 320))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        for viewer in [&s.team.ana.id, &s.team.bruno.id, &s.team.admin.id] {
            assert_eq!(ids(&store, &unread(viewer)).await, ids_of(&[&s.c2, &s.c1]));
        }
    }
}

//! `contact_owner=`: the conversations of the contacts someone owns follow
//! the contact's owner as it changes, and a new conversation of an owned
//! contact is on its owner's list at once, however it was started
//! (migration 0023 copies the owner onto each conversation).

use domain::text::Word;
use domain::{Contact, ContactId, UserId, View};
use store::inbound::{self, NewThread};
use store::queue::{ConversationFilter, Sort};
use store::Store;

use super::{ids, ids_of, seed, value, Seed};
use crate::support::{self, contact_value, store_conversation};

/// `owner`'s contacts' conversations in the Open view, newest activity first.
fn owned_by(s: &Seed, owner: &UserId) -> ConversationFilter {
    ConversationFilter {
        contact_owner: Some(owner.clone()),
        ..s.filter(&s.team.admin.id)
    }
}

/// Saves `contact` with `owner`, as the contact service does.
async fn set_owner(store: &Store, contact: &Contact, owner: Option<&UserId>) -> Contact {
    let mut changed = contact.clone();
    changed.owner_id = owner.cloned();
    let mut tx = store.begin().await.unwrap();
    store::contacts::update(&mut tx, &changed).await.unwrap();
    tx.commit().await.unwrap();
    changed
}

/// The contact as stored.
async fn contact_of(store: &Store, id: &ContactId) -> Contact {
    let mut reader = store.read().await.unwrap();
    store::contacts::get(&mut reader.conn(), id)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_contacts_conversations_follow_their_owner_when_it_changes() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let (ana, bruno) = (&s.team.ana.id, &s.team.bruno.id);
        let backend = store.backend();
        assert_eq!(ids(&store, &owned_by(&s, ana)).await, ids_of(&[]));
        assert_eq!(ids(&store, &owned_by(&s, bruno)).await, ids_of(&[&s.c2]));

        // Carla (c1 in Support, c6 in Sales) gets an owner.
        let carla = set_owner(&store, &s.team.contact, Some(ana)).await;
        assert_eq!(
            ids(&store, &owned_by(&s, ana)).await,
            ids_of(&[&s.c6, &s.c1]),
            "{backend:?}"
        );

        // Dan moves from Bruno to Ana: off Bruno's list, onto Ana's.
        let dan = contact_of(&store, &s.c2.contact_id).await;
        set_owner(&store, &dan, Some(ana)).await;
        assert_eq!(
            ids(&store, &owned_by(&s, ana)).await,
            ids_of(&[&s.c6, &s.c2, &s.c1]),
            "{backend:?}"
        );
        assert_eq!(ids(&store, &owned_by(&s, bruno)).await, ids_of(&[]));

        // Every order lists the same conversations.
        for (sort, _) in Sort::ALL {
            let mut filter = owned_by(&s, ana);
            filter.sort = *sort;
            let mut listed = ids(&store, &filter).await;
            listed.sort();
            let mut expected = ids_of(&[&s.c1, &s.c2, &s.c6]);
            expected.sort();
            assert_eq!(listed, expected, "{sort:?} on {backend:?}");
        }

        // Saving Carla unchanged keeps her; taking her owner away drops her.
        set_owner(&store, &carla, Some(ana)).await;
        assert_eq!(ids(&store, &owned_by(&s, ana)).await.len(), 3);
        set_owner(&store, &carla, None).await;
        assert_eq!(
            ids(&store, &owned_by(&s, ana)).await,
            ids_of(&[&s.c2]),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_new_conversation_of_an_owned_contact_is_on_the_owners_list_at_once() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let bruno = &s.team.bruno.id;
        let backend = store.backend();

        // Hal's only conversation is closed; he gets an owner, then writes again.
        let hal = contact_of(&store, &s.c7.contact_id).await;
        let hal = set_owner(&store, &hal, Some(bruno)).await;
        let all = ConversationFilter {
            view: View::All,
            ..owned_by(&s, bruno)
        };
        assert_eq!(ids(&store, &all).await, ids_of(&[&s.c2, &s.c7]));
        let again = value(&s.team.inbox, &hal, 900);
        store_conversation(&store, &again).await;
        assert_eq!(
            ids(&store, &owned_by(&s, bruno)).await,
            ids_of(&[&again, &s.c2]),
            "{backend:?}"
        );

        // Ingest's batch: a new conversation of Dan (owned by Bruno) in
        // Sales, and a new customer the batch creates with an owner.
        let dan = contact_of(&store, &s.c2.contact_id).await;
        let mut ida = contact_value(&s.team.workspace, "Ida", "+14155550109");
        ida.owner_id = Some(bruno.clone());
        let nobodys = contact_value(&s.team.workspace, "Jo", "+14155550110");
        let dan_in_sales = value(&s.sales, &dan, 910);
        let ida_writes = value(&s.team.inbox, &ida, 920);
        let jo_writes = value(&s.team.inbox, &nobodys, 930);
        let mut tx = store.begin().await.unwrap();
        inbound::insert_many(
            &mut tx,
            &[
                NewThread {
                    contact: None,
                    conversation: &dan_in_sales,
                },
                NewThread {
                    contact: Some(&ida),
                    conversation: &ida_writes,
                },
                NewThread {
                    contact: Some(&nobodys),
                    conversation: &jo_writes,
                },
            ],
            &[],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            ids(&store, &owned_by(&s, bruno)).await,
            ids_of(&[&ida_writes, &dan_in_sales, &again, &s.c2]),
            "{backend:?}"
        );
    }
}

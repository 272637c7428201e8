//! Contacts: found by phone and email, unique per workspace, searched and paged.

use domain::{ContactId, EmailAddress, PhoneNumber};
use store::{contacts, StoreError};

use crate::support::{self, count_where, millis_now};

#[tokio::test]
async fn a_contact_is_found_by_phone_and_by_email_in_any_case() {
    for store in support::stores().await {
        let workspace = support::new_workspace(&store, "Acme").await;
        let mut ana = support::contact_value(&workspace, "Ana Lima", "+14155550110");
        ana.email = Some(EmailAddress::parse("Ana.Lima@Example.com").unwrap());
        let mut tx = store.begin().await.unwrap();
        contacts::create(&mut tx, &ana).await.unwrap();
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        assert_eq!(
            contacts::get(&mut reader.conn(), &ana.id)
                .await
                .unwrap()
                .as_ref(),
            Some(&ana)
        );
        let phone = PhoneNumber::parse("(415) 555-0110", "US").unwrap();
        let by_phone = contacts::by_phone(&mut reader.conn(), &workspace.id, &phone, false)
            .await
            .unwrap();
        assert_eq!(by_phone.as_ref(), Some(&ana));
        // A simulated phone with the same number is another contact.
        assert_eq!(
            contacts::by_phone(&mut reader.conn(), &workspace.id, &phone, true)
                .await
                .unwrap(),
            None
        );
        let shouted = EmailAddress::parse("ANA.LIMA@example.COM").unwrap();
        let by_email = contacts::by_email(&mut reader.conn(), &workspace.id, &shouted)
            .await
            .unwrap();
        assert_eq!(by_email.as_ref(), Some(&ana));

        // Another workspace's contacts are not found.
        let elsewhere = support::new_workspace(&store, "Globex").await;
        assert_eq!(
            contacts::by_phone(&mut reader.conn(), &elsewhere.id, &phone, false)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            contacts::by_email(&mut reader.conn(), &elsewhere.id, &shouted)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            contacts::get(&mut reader.conn(), &ContactId::generate())
                .await
                .unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn a_phone_or_email_already_used_in_the_workspace_is_a_duplicate() {
    for store in support::stores().await {
        let workspace = support::new_workspace(&store, "Acme").await;
        let mut ana = support::contact_value(&workspace, "Ana", "+14155550110");
        ana.email = Some(EmailAddress::parse("ana@example.com").unwrap());
        let bruno = support::contact_value(&workspace, "Bruno", "+14155550111");
        let mut tx = store.begin().await.unwrap();
        contacts::create(&mut tx, &ana).await.unwrap();
        contacts::create(&mut tx, &bruno).await.unwrap();

        let same_phone = support::contact_value(&workspace, "Ana again", "+14155550110");
        let refused = contacts::create(&mut tx, &same_phone).await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate(_))),
            "{refused:?}"
        );
        let mut same_email = support::contact_value(&workspace, "Ana again", "+14155550112");
        same_email.email = Some(EmailAddress::parse("ANA@example.com").unwrap());
        let refused = contacts::create(&mut tx, &same_email).await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate(_))),
            "{refused:?}"
        );
        tx.commit().await.unwrap();
        assert_eq!(
            count_where(&store, "contacts", "workspace_id", workspace.id.as_str()).await,
            2
        );

        // The same number in another workspace is another customer record.
        let elsewhere = support::new_workspace(&store, "Globex").await;
        support::new_contact(&store, &elsewhere, "Ana", "+14155550110").await;

        // Taking someone else's number by an update is refused too.
        let mut stolen = bruno.clone();
        stolen.phone = ana.phone.clone();
        let mut tx = store.begin().await.unwrap();
        let refused = contacts::update(&mut tx, &stolen).await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate(_))),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn a_contact_is_updated_opted_out_and_deleted_with_its_conversations() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut changed = team.contact.clone();
        changed.name = "Carla Souza".into();
        changed.email = Some(EmailAddress::parse("carla@example.com").unwrap());
        changed.owner_id = Some(team.ana.id.clone());
        changed.updated_at = millis_now();
        let mut tx = store.begin().await.unwrap();
        contacts::update(&mut tx, &changed).await.unwrap();
        tx.commit().await.unwrap();
        let mut reader = store.read().await.unwrap();
        assert_eq!(
            contacts::get(&mut reader.conn(), &changed.id)
                .await
                .unwrap()
                .as_ref(),
            Some(&changed)
        );

        let stop = millis_now();
        let mut tx = store.begin().await.unwrap();
        assert!(contacts::set_opted_out(&mut tx, &changed.id, Some(stop))
            .await
            .unwrap());
        tx.commit().await.unwrap();
        let opted_out = contacts::get(&mut reader.conn(), &changed.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(opted_out.opted_out_at, Some(stop));
        assert!(opted_out.is_opted_out());
        let mut tx = store.begin().await.unwrap();
        assert!(contacts::set_opted_out(&mut tx, &changed.id, None)
            .await
            .unwrap());
        assert!(
            !contacts::set_opted_out(&mut tx, &ContactId::generate(), None)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let back = contacts::get(&mut reader.conn(), &changed.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!back.is_opted_out());

        let ghost = support::contact_value(&team.workspace, "Ghost", "+14155550119");
        let mut tx = store.begin().await.unwrap();
        let refused = contacts::update(&mut tx, &ghost).await;
        assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
        drop(tx);

        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let mut tx = store.begin().await.unwrap();
        assert!(contacts::delete(&mut tx, &changed.id).await.unwrap());
        assert!(!contacts::delete(&mut tx, &changed.id).await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(
            contacts::get(&mut reader.conn(), &changed.id)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            count_where(&store, "conversations", "id", conversation.id.as_str()).await,
            0
        );
        assert_eq!(
            count_where(
                &store,
                "events",
                "conversation_id",
                conversation.id.as_str()
            )
            .await,
            0
        );
    }
}

/// Stores contacts with these names and numbers (`+1415555`+`suffix`) in a new workspace.
async fn directory(store: &store::Store, people: &[(&str, &str)]) -> domain::Workspace {
    let workspace = support::new_workspace(store, "Acme").await;
    let mut tx = store.begin().await.unwrap();
    for (name, suffix) in people {
        let contact = support::contact_value(&workspace, name, &format!("+1415555{suffix}"));
        contacts::create(&mut tx, &contact).await.unwrap();
    }
    tx.commit().await.unwrap();
    workspace
}

fn names(page: &store::Page<domain::Contact>) -> Vec<&str> {
    page.items.iter().map(|c| c.name.as_str()).collect()
}

#[tokio::test]
async fn contact_search_matches_name_phone_and_email_ignoring_case() {
    for store in support::stores().await {
        let people = [
            ("Ana Lima", "0120"),
            ("Bruno 100% Real", "0121"),
            ("Carla_Souza", "0122"),
            ("Dora", "0123"),
        ];
        let ws = directory(&store, &people).await;
        let mut eve = support::new_contact(&store, &ws, "Eve", "+14155550124").await;
        eve.email = Some(EmailAddress::parse("eve@Secret.example").unwrap());
        let mut tx = store.begin().await.unwrap();
        contacts::update(&mut tx, &eve).await.unwrap();
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let mut search = async |q: Option<&str>| {
            contacts::search(&mut reader.conn(), &ws.id, q, 50, None)
                .await
                .unwrap()
        };
        assert_eq!(names(&search(Some("LIMA")).await), ["Ana Lima"]);
        assert_eq!(names(&search(Some("secret")).await), ["Eve"]);
        assert_eq!(names(&search(Some("5550122")).await), ["Carla_Souza"]);
        assert_eq!(names(&search(Some("(415) 555-0123")).await), ["Dora"]);
        assert_eq!(names(&search(Some("+1415555012")).await).len(), 5);
        // LIKE wildcards in what people type match only themselves.
        assert_eq!(names(&search(Some("100%")).await), ["Bruno 100% Real"]);
        assert_eq!(names(&search(Some("_")).await), ["Carla_Souza"]);
        assert_eq!(names(&search(Some("%")).await), ["Bruno 100% Real"]);
        assert!(search(Some("zzz")).await.items.is_empty());
        assert_eq!(search(None).await.items.len(), 5);
        assert_eq!(search(Some("  ")).await.items.len(), 5);
    }
}

#[tokio::test]
async fn contact_search_pages_through_everyone_by_name_then_id() {
    for store in support::stores().await {
        let people = [
            ("Eve", "0130"),
            ("Ana", "0131"),
            ("Dora", "0132"),
            ("Ana", "0133"),
            ("Bruno", "0134"),
            ("Carla", "0135"),
            ("Ana", "0136"),
        ];
        let ws = directory(&store, &people).await;
        let mut reader = store.read().await.unwrap();
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = contacts::search(&mut reader.conn(), &ws.id, None, 3, cursor.as_deref())
                .await
                .unwrap();
            assert!(page.items.len() <= 3);
            pages += 1;
            seen.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        let order: Vec<&str> = seen.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            order,
            ["Ana", "Ana", "Ana", "Bruno", "Carla", "Dora", "Eve"]
        );
        let anas: Vec<&ContactId> = seen[..3].iter().map(|c| &c.id).collect();
        let mut sorted = anas.clone();
        sorted.sort();
        assert_eq!(anas, sorted, "same names are ordered by id");

        // A search pages too, and a full last page says there is no more.
        let page = contacts::search(&mut reader.conn(), &ws.id, Some("a"), 2, None)
            .await
            .unwrap();
        assert_eq!(names(&page), ["Ana", "Ana"]);
        let next = page.next_cursor.unwrap();
        let page = contacts::search(&mut reader.conn(), &ws.id, Some("a"), 2, Some(&next))
            .await
            .unwrap();
        assert_eq!(names(&page), ["Ana", "Carla"]);
        let next = page.next_cursor.unwrap();
        let page = contacts::search(&mut reader.conn(), &ws.id, Some("a"), 2, Some(&next))
            .await
            .unwrap();
        assert_eq!(names(&page), ["Dora"]);
        assert_eq!(page.next_cursor, None);
        let exact = contacts::search(&mut reader.conn(), &ws.id, None, 7, None)
            .await
            .unwrap();
        assert_eq!((exact.items.len(), exact.next_cursor), (7, None));

        for forged in ["not-hex", "00ff", "", "616263"] {
            let refused = contacts::search(&mut reader.conn(), &ws.id, None, 3, Some(forged)).await;
            assert!(
                matches!(refused, Err(StoreError::InvalidCursor)),
                "{forged}: {refused:?}"
            );
        }
    }
}

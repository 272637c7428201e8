//! Full-text search over messages and contacts.

use domain::{Conversation, MessageKind, View};
use store::queue::{self, ConversationFilter};
use store::InboxScope;

use super::{ids, ids_of, seed, value, Seed, T};
use crate::support::{
    self, at_millis, contact_value, new_message_at, store_contact, store_conversation,
};

#[tokio::test]
async fn search_finds_words_of_any_message_and_parts_of_the_contacts_name_phone_or_email() {
    for store in support::stores().await {
        let s = seed(&store).await;
        // Another workspace with the same words must stay out of the results.
        seed(&store).await;
        let cases: Vec<(&str, Vec<&Conversation>)> = vec![
            ("invoice", vec![&s.c6, &s.c1]),
            ("INVOICE", vec![&s.c6, &s.c1]),
            ("wrong invoice", vec![&s.c1]),
            ("refund", vec![&s.c3]),
            // A word typed halfway finds the whole one, as a search box is used.
            ("invo", vec![&s.c6, &s.c1]),
            ("REFU", vec![&s.c3]),
            ("wro invo", vec![&s.c1]),
            // Internal notes are searchable too.
            ("vip", vec![&s.c3]),
            ("smith", vec![&s.c2]),
            ("dAN sMi", vec![&s.c2]),
            ("dan@example", vec![&s.c2]),
            ("(415) 555-0104", vec![&s.c3]),
            // Names by the start of a word: not from the middle of one.
            ("mit", vec![]),
            ("carla", vec![&s.c6, &s.c1]),
            ("nothing like this", vec![]),
            ("   ", vec![&s.c6, &s.c5, &s.c4, &s.c3, &s.c2, &s.c1, &s.c7]),
        ];
        assert_ana_finds(&store, &s, &cases).await;
    }
}

#[tokio::test]
async fn hostile_search_input_is_searched_for_and_never_breaks_the_query() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let long = "invoice ".repeat(2_000);
        let inputs = [
            "\"",
            "\"\"",
            "'",
            "*",
            "invoice*",
            "NEAR(invoice wrong)",
            "-invoice",
            "invoice OR refund",
            "invoice AND",
            "NOT",
            "(",
            ")",
            "^invoice",
            "body:invoice",
            "{body}: x",
            "%",
            "_",
            "\\",
            "50%",
            "x%y",
            "a_b",
            "'; DROP TABLE conversations; --",
            "\0",
            "in\0voice",
            "😀",
            "!!!",
            long.as_str(),
        ];
        for q in inputs {
            let mut filter = s.filter(&s.team.ana.id);
            (filter.q, filter.view) = (Some(q.to_string()), View::All);
            let mut r = store.read().await.unwrap();
            let page = queue::list(&mut r.conn(), &filter, 50, None).await;
            let page = page.unwrap_or_else(|e| panic!("{q:?} on {:?}: {e}", store.backend()));
            queue::counts(&mut r.conn(), &filter).await.unwrap();
            if matches!(q, "%" | "_" | "\\" | "x%y" | "a_b" | "\"" | "*") {
                assert!(
                    page.items.is_empty(),
                    "{q:?} matched {} conversations",
                    page.items.len()
                );
            }
        }
        // Words inside the operators are still found.
        let mut filter = s.filter(&s.team.ana.id);
        (filter.q, filter.view) = (Some("\"wrong\" invoice*".into()), View::All);
        assert_eq!(ids(&store, &filter).await, ids_of(&[&s.c1]));
    }
}

#[tokio::test]
async fn the_message_a_search_found_is_given_for_each_conversation_it_matched() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let search = |q: &str| ana_searches(&s, q);
        let ids = [
            s.c1.id.clone(),
            s.c2.id.clone(),
            s.c3.id.clone(),
            s.c6.id.clone(),
        ];
        let mut r = store.read().await.unwrap();
        let hits = queue::hits(&mut r.conn(), &search("INVO"), &ids)
            .await
            .unwrap();
        let mut found: Vec<_> = hits.keys().cloned().collect();
        found.sort();
        let mut expected = vec![s.c1.id.clone(), s.c6.id.clone()];
        expected.sort();
        assert_eq!(found, expected, "on {:?}", store.backend());
        assert!(
            hits.values()
                .all(|body| body.to_lowercase().contains("invoice")),
            "{hits:?}"
        );
        // The newest message that matched, of the several in a conversation.
        let page = queue::list(&mut r.conn(), &search("refu"), 50, None)
            .await
            .unwrap();
        let found: Vec<_> = page.items.iter().map(|i| i.found.as_deref()).collect();
        assert_eq!(found, vec![Some("Refund sent")], "on {:?}", store.backend());
        // Matched by the contact only: nothing found in its messages.
        let page = queue::list(&mut r.conn(), &search("smith"), 50, None)
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].found, None);
        // Only punctuation, or no conversation asked about: nothing.
        assert!(queue::hits(&mut r.conn(), &search("\"*"), &ids)
            .await
            .unwrap()
            .is_empty());
        assert!(queue::hits(&mut r.conn(), &search("invoice"), &[])
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn contacts_are_found_by_the_start_of_any_word_of_their_name_and_by_digits_of_their_phone() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let mut jose = contact_value(&s.team.workspace, "José Núñez-Ortega", "+442079460958");
        jose.email = Some(domain::EmailAddress::parse("pepe@correo.es").unwrap());
        store_contact(&store, &jose).await;
        let c8 = value(&s.team.inbox, &jose, 70);
        store_conversation(&store, &c8).await;
        let search = |q: &str| ana_searches(&s, q);
        let found = ids_of(&[&c8]);
        for q in [
            // Any word of the name by its start, case and accents ignored.
            "jose",
            "JOSÉ",
            "nuñ",
            "nunez",
            "Ortega",
            "ort",
            "jo nu",
            "pepe",
            "correo",
            // The phone by any run of three or more digits, typed any way.
            "2079 460",
            "(207) 946-0958",
            "+44 20 7946 0958",
            "946 09",
            "460958",
            "0958",
        ] {
            assert_eq!(
                ids(&store, &search(q)).await,
                found,
                "{q:?} on {:?}",
                store.backend()
            );
        }
        for q in ["unez", "tega", "jose smith", "58", "946 xyz", "0958 pepe"] {
            assert!(
                !ids(&store, &search(q)).await.contains(&c8.id),
                "{q:?} on {:?}",
                store.backend()
            );
        }

        // A new name and number are found at once; the old ones no longer.
        jose.name = "Pepe Reyes".into();
        jose.phone = Some(domain::PhoneNumber::parse("+14155550199", "US").unwrap());
        let mut tx = store.begin().await.unwrap();
        store::contacts::update(&mut tx, &jose).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids(&store, &search("reye")).await, found);
        assert_eq!(ids(&store, &search("555 0199")).await, found);
        assert!(ids(&store, &search("ortega")).await.is_empty());
        assert!(ids(&store, &search("2079 460")).await.is_empty());
    }
}

#[tokio::test]
async fn a_member_finds_only_what_is_in_the_inboxes_they_may_see() {
    for store in support::stores().await {
        let s = seed(&store).await;
        // Ana sees Support only; the newest "invoice" is in Sales (c6).
        let filter = ConversationFilter {
            scope: InboxScope::Only(vec![s.team.inbox.id.clone()]),
            q: Some("invoice".into()),
            view: View::All,
            ..s.filter(&s.team.ana.id)
        };
        assert_eq!(ids(&store, &filter).await, ids_of(&[&s.c1]));
        let mut r = store.read().await.unwrap();
        let hits = queue::hits(&mut r.conn(), &filter, &[s.c1.id.clone(), s.c6.id.clone()])
            .await
            .unwrap();
        assert_eq!(hits.keys().collect::<Vec<_>>(), vec![&s.c1.id]);
        // Carla writes in Sales as well: her name finds only Support's thread.
        let by_name = ConversationFilter {
            q: Some("carl".into()),
            ..filter.clone()
        };
        assert_eq!(ids(&store, &by_name).await, ids_of(&[&s.c1]));
        let counts = queue::counts(&mut r.conn(), &filter).await.unwrap();
        assert_eq!(counts.open, 1, "on {:?}", store.backend());
    }
}

#[tokio::test]
async fn a_message_is_searchable_as_soon_as_it_is_stored_and_a_customers_markup_is_only_text() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let mut c2 = s.c2.clone();
        new_message_at(
            &store,
            &mut c2,
            MessageKind::Inbound,
            "<img src=x onerror=alert('hi')> zebra & co",
            at_millis(T + 700),
        )
        .await;
        let mut filter = s.filter(&s.team.ana.id);
        filter.q = Some("zeb".into());
        let mut r = store.read().await.unwrap();
        let page = queue::list(&mut r.conn(), &filter, 50, None).await.unwrap();
        assert_eq!(page.items.len(), 1, "on {:?}", store.backend());
        let found = page.items[0].found.as_deref().unwrap();
        assert_eq!(
            domain::highlight::snippet(found, &domain::highlight::words("zeb"), 160),
            "&lt;img src=x onerror=alert(&#39;hi&#39;)&gt; <mark>zebra</mark> &amp; co"
        );
    }
}

#[tokio::test]
async fn a_word_finds_every_word_it_starts_however_many_they_are_and_however_it_is_written() {
    for store in support::stores().await {
        let s = seed(&store).await;
        let (mut c1, mut c2, mut c4, mut c5, mut c6) = (
            s.c1.clone(),
            s.c2.clone(),
            s.c4.clone(),
            s.c5.clone(),
            s.c6.clone(),
        );
        let inbound = MessageKind::Inbound;
        new_message_at(&store, &mut c4, inbound, "thanks a lot", at_millis(T + 700)).await;
        new_message_at(
            &store,
            &mut c2,
            inbound,
            "Thanksgiving hours?",
            at_millis(T + 710),
        )
        .await;
        let long = "so thankful for the café crème and the quick reply today";
        new_message_at(&store, &mut c5, inbound, long, at_millis(T + 720)).await;
        // Twenty words that start with "zq": more than SQLite asks for by
        // name, so it asks for the prefix.
        for i in 0..20 {
            let c = if i % 2 == 0 { &mut c1 } else { &mut c6 };
            let body = format!("code zq{i}x");
            new_message_at(&store, c, inbound, &body, at_millis(T + 730 + i)).await;
        }
        let search = |q: &str| ana_searches(&s, q);
        let cases: Vec<(&str, Vec<&Conversation>)> = vec![
            // The word itself and every longer word it starts, nothing else.
            ("thanks", vec![&s.c2, &s.c4]),
            ("THANK", vec![&s.c5, &s.c2, &s.c4]),
            ("thanksg", vec![&s.c2]),
            ("thanksgivings", vec![]),
            ("thanks lot", vec![&s.c4]),
            ("zq", vec![&s.c6, &s.c1]),
            ("zq1", vec![&s.c6, &s.c1]),
            ("zq19x", vec![&s.c6]),
            ("zq18 code", vec![&s.c1]),
            // Letters beyond ASCII, and a search of many words.
            ("café crè", vec![&s.c5]),
            ("CAFÉ", vec![&s.c5]),
            (
                "so thankful for the café crème and quick reply",
                vec![&s.c5],
            ),
            ("so thankful for the café crème and quick zq", vec![]),
        ];
        assert_ana_finds(&store, &s, &cases).await;
        // The message found is the newest of those the words matched.
        let mut r = store.read().await.unwrap();
        let page = queue::list(&mut r.conn(), &search("zq1"), 50, None)
            .await
            .unwrap();
        let found: Vec<_> = page.items.iter().map(|i| i.found.as_deref()).collect();
        assert_eq!(
            found,
            vec![Some("code zq19x"), Some("code zq18x")],
            "on {:?}",
            store.backend()
        );
    }
}

/// What Ana (an agent) sees searching for `q` across every view.
fn ana_searches(s: &Seed, q: &str) -> ConversationFilter {
    let mut filter = s.filter(&s.team.ana.id);
    (filter.q, filter.view) = (Some(q.to_string()), View::All);
    filter
}

/// Each search of `cases` finds, for Ana, exactly its conversations in order.
async fn assert_ana_finds(store: &store::Store, s: &Seed, cases: &[(&str, Vec<&Conversation>)]) {
    for (q, expected) in cases {
        assert_eq!(
            ids(store, &ana_searches(s, q)).await,
            ids_of(expected),
            "{q:?} on {:?}",
            store.backend()
        );
    }
}

//! Full-text search over messages and contacts.

use domain::{Conversation, View};
use store::queue::{self};

use super::{ids, ids_of, seed};
use crate::support::{self};

#[tokio::test]
async fn search_finds_words_of_any_message_and_parts_of_the_contacts_name_phone_or_email() {
    for store in support::stores().await {
        let s = seed(&store).await;
        // Another workspace with the same words must stay out of the results.
        seed(&store).await;
        let search = |q: &str| {
            let mut filter = s.filter(&s.team.ana.id);
            (filter.q, filter.view) = (Some(q.to_string()), View::All);
            filter
        };
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
            ("carla", vec![&s.c6, &s.c1]),
            ("nothing like this", vec![]),
            ("   ", vec![&s.c6, &s.c5, &s.c4, &s.c3, &s.c2, &s.c1, &s.c7]),
        ];
        for (q, expected) in cases {
            assert_eq!(
                ids(&store, &search(q)).await,
                ids_of(&expected),
                "{q:?} on {:?}",
                store.backend()
            );
        }
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
        let ids = [
            s.c1.id.clone(),
            s.c2.id.clone(),
            s.c3.id.clone(),
            s.c6.id.clone(),
        ];
        let mut r = store.read().await.unwrap();
        let hits = queue::hits(&mut r.conn(), &ids, "INVO").await.unwrap();
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
        // Only punctuation, or no conversation asked about: nothing.
        assert!(queue::hits(&mut r.conn(), &ids, "\"*")
            .await
            .unwrap()
            .is_empty());
        assert!(queue::hits(&mut r.conn(), &[], "invoice")
            .await
            .unwrap()
            .is_empty());
    }
}

//! Reading: permalinks, the timeline, and read cursors.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use super::{get, ids, post};
use crate::helpers::{assert_problem, json_of, spawn_app};

on_both_backends!(
    a_message_has_a_permalink_only_its_inbox_can_open,
    the_timeline_pages_through_messages_notes_and_events,
    reading_a_conversation_clears_its_unread_flag_for_the_reader_only,
);

async fn a_message_has_a_permalink_only_its_inbox_can_open(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let ingested = app
        .text_from_customer(&seed, "+14155550123", "Where is my order?")
        .await;
    let switchboard_server::services::inbound::Ingested::Stored {
        conversation,
        message,
    } = ingested
    else {
        panic!("stored");
    };
    let path = format!("/messages/{}", message.id);
    let found = get(&app, &seed, &seed.ben, &path).await;
    assert_eq!(found["id"], message.id.as_str());
    assert_eq!(found["conversation_id"], conversation.id.as_str());
    assert_eq!(found["inbox_id"], seed.inbox_id.as_str());
    assert_eq!(found["kind"], "inbound");
    assert_eq!(found["body"], "Where is my order?");
    for who in [&seed.outsider, &seed.stranger] {
        assert_problem(
            app.api(&seed, Method::GET, &path, Some(who), None).await,
            404,
            "not_found",
        )
        .await;
    }
    let unknown = format!("/messages/{}", uuid::Uuid::now_v7());
    assert_problem(
        app.api(&seed, Method::GET, &unknown, Some(&seed.ana), None)
            .await,
        404,
        "not_found",
    )
    .await;
}

async fn the_timeline_pages_through_messages_notes_and_events(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    for body in ["one", "two", "three"] {
        let note = json!({ "kind": "note", "body": body });
        json_of(
            post(
                &app,
                &seed,
                &seed.ana,
                &format!("/conversations/{id}/messages"),
                Some(note),
            )
            .await,
            201,
        )
        .await;
    }
    // created, message, note (and new → open), note, note: six in all.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = cursor
            .as_ref()
            .map_or(String::new(), |c| format!("&cursor={c}"));
        let page = get(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{id}/timeline?limit=4{query}"),
        )
        .await;
        for item in page["items"].as_array().unwrap() {
            seen.push((
                item["seq"].as_i64().unwrap(),
                item["type"].as_str().unwrap().to_string(),
                item["message"]["body"].as_str().map(str::to_string),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let types: Vec<&str> = seen.iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "created",
            "message",
            "status_changed",
            "message",
            "message",
            "message"
        ]
    );
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "in order: {seen:?}"
    );
    let bodies: Vec<&str> = seen.iter().filter_map(|(_, _, b)| b.as_deref()).collect();
    assert_eq!(bodies, ["Hi", "one", "two", "three"]);
    let bad = app
        .api(
            &seed,
            Method::GET,
            &format!("/conversations/{id}/timeline?cursor=x"),
            Some(&seed.ana),
            None,
        )
        .await;
    assert_problem(bad, 400, "validation").await;
}

async fn reading_a_conversation_clears_its_unread_flag_for_the_reader_only(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    assert_eq!(
        get(&app, &seed, &seed.ana, &format!("/conversations/{id}")).await["unread"],
        true
    );
    let read = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/read"),
        None,
    )
    .await;
    assert_eq!(read.status(), 204);
    assert_eq!(
        get(&app, &seed, &seed.ana, &format!("/conversations/{id}")).await["unread"],
        false
    );
    assert!(ids(&get(&app, &seed, &seed.ana, "/conversations?unread=true").await).is_empty());
    // The inbox is per-user: Ben has not read it.
    assert_eq!(
        ids(&get(&app, &seed, &seed.ben, "/conversations?unread=true").await),
        [id.as_str()]
    );
    // A new message makes it unread again.
    app.state.clock.advance(chrono::Duration::seconds(1));
    app.text_from_customer(&seed, "+14155550123", "Hello?")
        .await;
    assert_eq!(
        ids(&get(&app, &seed, &seed.ana, "/conversations?unread=true").await),
        [id]
    );
}

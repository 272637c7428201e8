//! A closed conversation: final for everything but the team's notes
//! (DESIGN.md §3), and admins may hold any conversation.

use serde_json::json;
use store::Backend;

use super::{get, post};
use crate::helpers::{assert_problem, json_of, spawn_app};

on_both_backends!(
    a_closed_conversation_takes_a_note_but_not_a_reply,
    an_admin_outside_the_inbox_may_be_transferred_a_conversation,
);

async fn a_closed_conversation_takes_a_note_but_not_a_reply(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app
        .new_conversation(&seed, "+14155550123", "All good")
        .await;
    let closed = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/status"),
        Some(json!({ "status": "closed" })),
    )
    .await;
    json_of(closed, 200).await;
    let messages = format!("/conversations/{id}/messages");
    let note = post(
        &app,
        &seed,
        &seed.ana,
        &messages,
        Some(json!({ "kind": "note", "body": "Paid in full" })),
    )
    .await;
    let note = json_of(note, 201).await;
    assert_eq!(note["conversation"]["status"], "closed");
    let reply = post(
        &app,
        &seed,
        &seed.ana,
        &messages,
        Some(json!({ "kind": "reply", "body": "Anything else?" })),
    )
    .await;
    assert_eq!(reply.status(), 409);
    let status = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/reopen"),
        None,
    )
    .await;
    assert_eq!(status.status(), 409);
    let after = get(&app, &seed, &seed.ana, &format!("/conversations/{id}")).await;
    assert_eq!(after["status"], "closed");
}

async fn an_admin_outside_the_inbox_may_be_transferred_a_conversation(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Help").await;
    json_of(
        post(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{id}/assign-to-me"),
            None,
        )
        .await,
        200,
    )
    .await;
    // Adam is an admin in no inbox: he counts as a member for holding it.
    let transferred = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/transfer"),
        Some(json!({ "user_id": seed.admin.id })),
    )
    .await;
    let transferred = json_of(transferred, 200).await;
    assert_eq!(transferred["assignee_id"], seed.admin.id.as_str());
    // An agent outside the inbox still may not be handed it.
    let refused = post(
        &app,
        &seed,
        &seed.admin,
        &format!("/conversations/{id}/transfer"),
        Some(json!({ "user_id": seed.outsider.id })),
    )
    .await;
    assert_problem(refused, 422, "validation").await;
}

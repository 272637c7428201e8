//! Who may do what: non-members see nothing, agents touch only what is theirs, and malformed requests are refused naming the field.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::{get, ids, post};
use crate::helpers::{assert_problem, json_of, spawn_app};

on_both_backends!(
    a_non_member_gets_not_found_for_everything_in_the_inbox,
    agents_may_only_change_the_status_of_unassigned_or_their_own_conversations,
    an_unknown_json_field_is_refused_naming_the_field,
);

async fn a_non_member_gets_not_found_for_everything_in_the_inbox(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    // A conversation that never existed, to compare the answers with.
    let missing = domain::ConversationId::generate().to_string();
    for who in [&seed.outsider, &seed.stranger] {
        for (method, path, body) in [
            (Method::GET, format!("/conversations/{id}"), None),
            (Method::GET, format!("/conversations/{id}/timeline"), None),
            (
                Method::PATCH,
                format!("/conversations/{id}"),
                Some(json!({ "subject": "x" })),
            ),
            (
                Method::POST,
                format!("/conversations/{id}/assign-to-me"),
                None,
            ),
            (Method::POST, format!("/conversations/{id}/done"), None),
            (Method::POST, format!("/conversations/{id}/read"), None),
            (
                Method::POST,
                format!("/conversations/{id}/messages"),
                Some(json!({ "kind": "note", "body": "x" })),
            ),
            (
                Method::PUT,
                format!("/conversations/{id}/tags"),
                Some(json!({ "tags": [] })),
            ),
        ] {
            let hidden = app
                .api(&seed, method.clone(), &path, Some(who), body.clone())
                .await;
            let hidden = assert_problem(hidden, 404, "not_found").await;
            // "Not yours" reads word for word as "does not exist".
            let absent_path = path.replace(&id, &missing);
            let absent = app
                .api(&seed, method.clone(), &absent_path, Some(who), body)
                .await;
            let absent = assert_problem(absent, 404, "not_found").await;
            assert_eq!(
                hidden["detail"], absent["detail"],
                "{} {method} {path}",
                who.name
            );
        }
    }
    // The same for the inbox itself.
    let missing_inbox = domain::InboxId::generate().to_string();
    for path in [
        format!("/inboxes/{}", seed.inbox_id),
        format!("/inboxes/{}/members", seed.inbox_id),
    ] {
        let hidden = app
            .api(&seed, Method::GET, &path, Some(&seed.outsider), None)
            .await;
        let hidden = assert_problem(hidden, 404, "not_found").await;
        let absent_path = path.replace(&seed.inbox_id, &missing_inbox);
        let absent = app
            .api(&seed, Method::GET, &absent_path, Some(&seed.outsider), None)
            .await;
        let absent = assert_problem(absent, 404, "not_found").await;
        assert_eq!(hidden["detail"], absent["detail"], "{path}");
    }
    // Nor is it in their queue or their counts.
    assert!(ids(&get(&app, &seed, &seed.outsider, "/conversations?view=all").await).is_empty());
    assert_eq!(
        get(&app, &seed, &seed.outsider, "/conversations/counts").await["unassigned"],
        0
    );
    // The admin, who is in no inbox, sees it all.
    assert_eq!(
        ids(&get(&app, &seed, &seed.admin, "/conversations").await),
        [id.as_str()]
    );
    // Anonymous callers are not let in at all.
    let anonymous = app
        .api(&seed, Method::GET, "/conversations", None, None)
        .await;
    assert_problem(anonymous, 401, "unauthenticated").await;
}

async fn agents_may_only_change_the_status_of_unassigned_or_their_own_conversations(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
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
    for (action, body) in [
        ("done", None),
        ("status", Some(json!({ "status": "pending" }))),
        ("return-to-inbox", None),
        ("transfer", Some(json!({ "user_id": seed.ben.id }))),
        ("assign", Some(json!({ "user_id": seed.ben.id }))),
    ] {
        let response = post(
            &app,
            &seed,
            &seed.ben,
            &format!("/conversations/{id}/{action}"),
            body,
        )
        .await;
        assert_problem(response, 403, "forbidden").await;
    }
    // Transfers go to members of the inbox only.
    let outside = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/transfer"),
        Some(json!({ "user_id": seed.outsider.id })),
    )
    .await;
    assert_problem(outside, 422, "validation").await;
    // A snooze must end in the future.
    let past = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/snooze"),
        Some(json!({ "until": "2001-01-01T00:00:00Z" })),
    )
    .await;
    assert_problem(past, 422, "validation").await;
    // The admin may assign to anyone in the inbox, or to nobody.
    let assigned = json_of(
        post(
            &app,
            &seed,
            &seed.admin,
            &format!("/conversations/{id}/assign"),
            Some(json!({ "user_id": seed.ben.id })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(assigned["assignee_id"], seed.ben.id.as_str());
    let unassigned = json_of(
        post(
            &app,
            &seed,
            &seed.admin,
            &format!("/conversations/{id}/assign"),
            Some(json!({ "user_id": null })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(unassigned["assignee_id"], Value::Null);
    // Closed is final: no more replies or buttons.
    json_of(
        post(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{id}/status"),
            Some(json!({ "status": "closed" })),
        )
        .await,
        200,
    )
    .await;
    let reply = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/messages"),
        Some(json!({ "kind": "reply", "body": "x" })),
    )
    .await;
    assert_problem(reply, 409, "invalid_transition").await;
    assert_problem(
        post(
            &app,
            &seed,
            &seed.ana,
            &format!("/conversations/{id}/reopen"),
            None,
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
}

async fn an_unknown_json_field_is_refused_naming_the_field(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    let cases = [
        (
            format!("/conversations/{id}/messages"),
            json!({ "kind": "reply", "body": "Hi", "colour": "red" }),
            "colour",
        ),
        (
            format!("/conversations/{id}/transfer"),
            json!({ "user": seed.ben.id }),
            "user",
        ),
        (
            format!("/conversations/{id}/snooze"),
            json!({ "until": "2999-01-01T00:00:00Z", "why": "later" }),
            "why",
        ),
        (
            "/conversations".to_string(),
            json!({ "inbox_id": seed.inbox_id, "to": "+14155550999", "body": "Hi", "from": "x" }),
            "from",
        ),
    ];
    for (path, body, field) in cases {
        let problem = assert_problem(
            post(&app, &seed, &seed.ana, &path, Some(body)).await,
            422,
            "validation",
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap().contains(field),
            "{path}: {problem}"
        );
    }
    // A missing field and a wrong word are named too.
    let missing = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/messages"),
        Some(json!({ "kind": "reply" })),
    )
    .await;
    let problem = assert_problem(missing, 422, "validation").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("body"),
        "{problem}"
    );
    let wrong = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/messages"),
        Some(json!({ "kind": "email", "body": "x" })),
    )
    .await;
    let problem = assert_problem(wrong, 422, "validation").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("kind"),
        "{problem}"
    );
    let status = post(
        &app,
        &seed,
        &seed.ana,
        &format!("/conversations/{id}/status"),
        Some(json!({ "status": "snoozed" })),
    )
    .await;
    assert_problem(status, 409, "invalid_transition").await;
}

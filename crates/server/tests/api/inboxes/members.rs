//! Who belongs to an inbox: admins add and remove people of the workspace.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::{list, names};
use crate::helpers::{assert_problem, spawn_app};

on_both_backends!(admins_add_and_remove_inbox_members,);

async fn admins_add_and_remove_inbox_members(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let members = format!("/inboxes/{}/members", seed.inbox_id);
    let response = app
        .api(&seed, Method::GET, &members, Some(&seed.ana), None)
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        names(body["items"].as_array().unwrap()),
        ["Ana Lima", "Ben Okafor"]
    );
    assert_eq!(body["items"][0]["role"], "agent");

    let oscar = json!({"user_id": seed.outsider.id});
    let response = app
        .api(
            &seed,
            Method::POST,
            &members,
            Some(&seed.admin),
            Some(oscar.clone()),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.json::<Value>().await.unwrap()["name"],
        "Oscar Outside"
    );
    assert_eq!(names(&list(&app, &seed, &seed.outsider).await), ["Support"]);

    let response = app
        .api(&seed, Method::POST, &members, Some(&seed.ana), Some(oscar))
        .await;
    assert_problem(response, 403, "forbidden").await;
    for user in [seed.stranger.id.clone(), uuid::Uuid::now_v7().to_string()] {
        let body = json!({"user_id": user});
        let response = app
            .api(&seed, Method::POST, &members, Some(&seed.admin), Some(body))
            .await;
        assert_problem(response, 422, "validation").await;
    }

    let oscar = format!("{members}/{}", seed.outsider.id);
    let response = app
        .api(&seed, Method::DELETE, &oscar, Some(&seed.ana), None)
        .await;
    assert_problem(response, 403, "forbidden").await;
    let response = app
        .api(&seed, Method::DELETE, &oscar, Some(&seed.admin), None)
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .api(&seed, Method::DELETE, &oscar, Some(&seed.admin), None)
        .await;
    assert_problem(response, 404, "not_found").await;
    let inbox = format!("/inboxes/{}", seed.inbox_id);
    let response = app
        .api(&seed, Method::GET, &inbox, Some(&seed.outsider), None)
        .await;
    assert_problem(response, 404, "not_found").await;
}

on_both_backends!(someone_who_leaves_hands_their_conversations_back_to_the_inbox,);

/// Removed from the inbox, then from the workspace: each time, what Ben was
/// assigned (and is not closed) goes back to the Unassigned queue, returned
/// by the admin who removed him, and the others' conversations stay theirs.
async fn someone_who_leaves_hands_their_conversations_back_to_the_inbox(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let take = |who: &'static str, phone: &'static str| {
        let (app, seed) = (&app, &seed);
        async move {
            let id = app.new_conversation(seed, phone, "Hello?").await;
            let user = if who == "ana" { &seed.ana } else { &seed.ben };
            let path = format!("/conversations/{id}/assign-to-me");
            let response = app.api(seed, Method::POST, &path, Some(user), None).await;
            assert_eq!(response.status(), 200);
            id
        }
    };
    let bens = take("ben", "+14155550101").await;
    let anas = take("ana", "+14155550102").await;
    let assignee = |id: String| {
        let (app, seed) = (&app, &seed);
        async move {
            let path = format!("/conversations/{id}");
            let response = app
                .api(seed, Method::GET, &path, Some(&seed.admin), None)
                .await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()["assignee_id"].clone()
        }
    };

    let leave_inbox = format!("/inboxes/{}/members/{}", seed.inbox_id, seed.ben.id);
    let response = app
        .api(&seed, Method::DELETE, &leave_inbox, Some(&seed.admin), None)
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(assignee(bens.clone()).await, Value::Null);
    assert_eq!(assignee(anas.clone()).await, seed.ana.id.as_str());
    let timeline = app
        .api(
            &seed,
            Method::GET,
            &format!("/conversations/{bens}/timeline"),
            Some(&seed.admin),
            None,
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let last = timeline["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["type"], "returned");
    assert_eq!(last["from_id"], seed.ben.id.as_str());
    assert_eq!(last["actor_id"], seed.admin.id.as_str());

    // Back in the inbox, he takes another; leaving the workspace hands it back too.
    let members = format!("/inboxes/{}/members", seed.inbox_id);
    let ben = json!({"user_id": seed.ben.id});
    let response = app
        .api(&seed, Method::POST, &members, Some(&seed.admin), Some(ben))
        .await;
    assert_eq!(response.status(), 201);
    let later = take("ben", "+14155550103").await;
    assert_eq!(assignee(later.clone()).await, seed.ben.id.as_str());
    let leave_workspace = format!("/members/{}", seed.ben.id);
    let response = app
        .api(
            &seed,
            Method::DELETE,
            &leave_workspace,
            Some(&seed.admin),
            None,
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(assignee(later).await, Value::Null);
    assert_eq!(assignee(anas).await, seed.ana.id.as_str());
}

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

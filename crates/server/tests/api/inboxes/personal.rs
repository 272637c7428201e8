//! Each person's own order and mute of their inboxes.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::{add_member, create_inbox, list, names};
use crate::helpers::{assert_problem, spawn_app, TestUser};

on_both_backends!(mute_and_order_belong_to_each_person_and_persist,);

async fn mute_and_order_belong_to_each_person_and_persist(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let sales = create_inbox(&app, &seed, "Sales").await;
    add_member(&app, &seed, &sales, &seed.ana).await;
    add_member(&app, &seed, &sales, &seed.ben).await;
    let support = seed.inbox_id.clone();
    let put = |user: &TestUser, path: String, body: Value| {
        let (app, seed, user) = (&app, &seed, user.clone());
        async move {
            app.api(seed, Method::PUT, &path, Some(&user), Some(body))
                .await
        }
    };
    let order = "/inboxes/order".to_string();
    let mute = format!("/inboxes/{support}/mute");

    let response = put(
        &seed.ana,
        order.clone(),
        json!({"inbox_ids": [sales, support]}),
    )
    .await;
    assert_eq!(response.status(), 204);
    let response = put(&seed.ana, mute.clone(), json!({"muted": true})).await;
    assert_eq!(response.status(), 204);

    let ana = list(&app, &seed, &seed.ana).await;
    assert_eq!(names(&ana), ["Sales", "Support"]);
    assert_eq!(
        (&ana[0]["muted"], &ana[1]["muted"]),
        (&json!(false), &json!(true))
    );
    let ben = list(&app, &seed, &seed.ben).await;
    assert_eq!(names(&ben), ["Support", "Sales"]);
    assert!(ben.iter().all(|i| i["muted"] == false));

    // Inboxes left out keep their order after the ones listed.
    let response = put(&seed.ana, order.clone(), json!({"inbox_ids": [support]})).await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        names(&list(&app, &seed, &seed.ana).await),
        ["Support", "Sales"]
    );

    let billing = create_inbox(&app, &seed, "Billing").await;
    let unknown = uuid::Uuid::now_v7().to_string();
    for bad in [
        json!({"inbox_ids": [billing]}),
        json!({"inbox_ids": [unknown]}),
        json!({"inbox_ids": ["not-an-id"]}),
        json!({"inbox_ids": [sales, sales]}),
    ] {
        let response = put(&seed.ana, order.clone(), bad).await;
        assert_problem(response, 422, "validation").await;
    }
    let response = put(&seed.admin, mute.clone(), json!({"muted": true})).await;
    assert_problem(response, 422, "validation").await;
    let response = put(&seed.outsider, mute, json!({"muted": true})).await;
    assert_problem(response, 404, "not_found").await;
}

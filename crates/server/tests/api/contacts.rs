//! Contacts over HTTP: adding, finding, changing and deleting customers, and
//! importing them from CSV (in [`import`]).

mod import;

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, spawn_app, Seed, TestApp, TestUser};

on_both_backends!(
    a_contact_is_created_read_changed_and_deleted,
    contacts_are_found_by_name_phone_or_email_a_page_at_a_time,
    a_phone_or_email_that_another_contact_has_is_refused,
    invalid_contact_fields_are_refused_naming_the_field,
    only_an_admin_deletes_a_contact_who_has_conversations,
);

async fn post(app: &TestApp, seed: &Seed, user: &TestUser, body: Value) -> reqwest::Response {
    app.api(seed, Method::POST, "/contacts", Some(user), Some(body))
        .await
}

pub(crate) async fn create(app: &TestApp, seed: &Seed, body: Value) -> Value {
    let response = post(app, seed, &seed.ana, body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// `GET /contacts{query}` as Ana: the names and the next cursor.
pub(crate) async fn search(app: &TestApp, seed: &Seed, query: &str) -> (Vec<String>, Value) {
    let path = format!("/contacts{query}");
    let response = app
        .api(seed, Method::GET, &path, Some(&seed.ana), None)
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let names = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    (names, body["next_cursor"].clone())
}

async fn a_contact_is_created_read_changed_and_deleted(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let jane = json!({
        "name": " Jane Doe ", "phone": "(415) 555-0123", "email": "Jane@Example.COM",
        "owner_id": seed.ana.id,
    });
    let created = create(&app, &seed, jane).await;
    assert_eq!(created["name"], "Jane Doe");
    assert_eq!(created["phone"], "+14155550123");
    assert_eq!(created["email"], "Jane@example.com");
    assert_eq!(created["owner_id"], seed.ana.id.as_str());
    assert_eq!(created["opted_out"], false);

    let path = format!("/contacts/{}", created["id"].as_str().unwrap());
    let read = app
        .api(&seed, Method::GET, &path, Some(&seed.ben), None)
        .await;
    assert_eq!(read.json::<Value>().await.unwrap(), created);

    let change = json!({"name": "Jane D.", "email": null, "owner_id": seed.ben.id});
    let response = app
        .api(&seed, Method::PATCH, &path, Some(&seed.ben), Some(change))
        .await;
    assert_eq!(response.status(), 200);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(
        (
            &changed["name"],
            &changed["email"],
            &changed["phone"],
            &changed["owner_id"]
        ),
        (
            &json!("Jane D."),
            &Value::Null,
            &json!("+14155550123"),
            &json!(seed.ben.id)
        )
    );
    // Without a phone or an email a contact cannot be reached.
    let response = app
        .api(
            &seed,
            Method::PATCH,
            &path,
            Some(&seed.ben),
            Some(json!({"phone": null})),
        )
        .await;
    assert_problem(response, 422, "validation").await;

    let response = app
        .api(&seed, Method::GET, &path, Some(&seed.stranger), None)
        .await;
    assert_problem(response, 404, "not_found").await;
    let response = app
        .api(&seed, Method::DELETE, &path, Some(&seed.ana), None)
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .api(&seed, Method::GET, &path, Some(&seed.ana), None)
        .await;
    assert_problem(response, 404, "not_found").await;
}

async fn contacts_are_found_by_name_phone_or_email_a_page_at_a_time(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    for (n, name) in ["Eve", "Carol", "Alice", "Dave", "Bob"].iter().enumerate() {
        let contact = json!({
            "name": name, "phone": format!("+1415555010{n}"),
            "email": format!("{}@example.org", name.to_lowercase()),
        });
        create(&app, &seed, contact).await;
    }

    assert_eq!(search(&app, &seed, "?q=CAR").await.0, ["Carol"]);
    assert_eq!(search(&app, &seed, "?q=(415)%20555-0103").await.0, ["Dave"]);
    assert_eq!(search(&app, &seed, "?q=bob@").await.0, ["Bob"]);
    assert_eq!(search(&app, &seed, "?q=example.org").await.0.len(), 5);

    let (first, cursor) = search(&app, &seed, "?limit=2").await;
    assert_eq!(first, ["Alice", "Bob"]);
    let (second, cursor) = search(
        &app,
        &seed,
        &format!("?limit=2&cursor={}", cursor.as_str().unwrap()),
    )
    .await;
    assert_eq!(second, ["Carol", "Dave"]);
    let (last, cursor) = search(
        &app,
        &seed,
        &format!("?limit=2&cursor={}", cursor.as_str().unwrap()),
    )
    .await;
    assert_eq!((last, cursor), (vec!["Eve".to_string()], Value::Null));

    for query in ["?limit=0", "?limit=201"] {
        let path = format!("/contacts{query}");
        let response = app
            .api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await;
        assert_problem(response, 422, "validation").await;
    }
    let response = app
        .api(
            &seed,
            Method::GET,
            "/contacts?cursor=zz",
            Some(&seed.ana),
            None,
        )
        .await;
    assert_problem(response, 400, "validation").await;
}

async fn a_phone_or_email_that_another_contact_has_is_refused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let jane = create(
        &app,
        &seed,
        json!({"name": "Jane", "phone": "+14155550123", "email": "jane@example.com"}),
    )
    .await;
    let same_phone = json!({"name": "Other", "phone": "+1 415 555 0123"});
    let body = assert_problem(
        post(&app, &seed, &seed.ana, same_phone).await,
        409,
        "contact_exists",
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains(jane["id"].as_str().unwrap()),
        "{body}"
    );
    let same_email = json!({"name": "Other", "email": "JANE@example.com"});
    assert_problem(
        post(&app, &seed, &seed.ana, same_email).await,
        409,
        "contact_exists",
    )
    .await;

    let other = create(
        &app,
        &seed,
        json!({"name": "Other", "phone": "+14155550124"}),
    )
    .await;
    let path = format!("/contacts/{}", other["id"].as_str().unwrap());
    let response = app
        .api(
            &seed,
            Method::PATCH,
            &path,
            Some(&seed.ana),
            Some(json!({"email": "jane@example.com"})),
        )
        .await;
    assert_problem(response, 409, "contact_exists").await;
    // Keeping one's own number is no conflict.
    let response = app
        .api(
            &seed,
            Method::PATCH,
            &path,
            Some(&seed.ana),
            Some(json!({"phone": "+14155550124"})),
        )
        .await;
    assert_eq!(response.status(), 200);
}

async fn invalid_contact_fields_are_refused_naming_the_field(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    for (body, field) in [
        (json!({"name": "Jane", "phone": "12345"}), "phone"),
        (json!({"name": "Jane", "phone": "+1415555012a"}), "phone"),
        (json!({"name": "Jane", "email": "not-an-address"}), "email"),
        (
            json!({"name": "Jane", "phone": "+14155550123", "owner_id": seed.stranger.id}),
            "owner_id",
        ),
        (
            json!({"name": "Jane", "phone": "+14155550123", "owner_id": "nobody"}),
            "owner_id",
        ),
        (json!({"name": "Jane"}), "phone, email"),
        (
            json!({"name": "x".repeat(201), "phone": "+14155550123"}),
            "name",
        ),
    ] {
        let response = post(&app, &seed, &seed.ana, body.clone()).await;
        let problem = assert_problem(response, 422, "validation").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with(&format!("{field}:")), "{body}: {detail}");
    }
    let unknown = json!({"name": "Jane", "phone": "+14155550123", "company": "Acme"});
    assert_eq!(post(&app, &seed, &seed.ana, unknown).await.status(), 422);
}

async fn only_an_admin_deletes_a_contact_who_has_conversations(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let texted = app.text_from_customer(&seed, "+14155550123", "hello").await;
    let conversation = texted.conversation_id().unwrap().clone();
    let response = app
        .api(
            &seed,
            Method::GET,
            "/contacts?q=0123",
            Some(&seed.ana),
            None,
        )
        .await;
    let found: Value = response.json().await.unwrap();
    let path = format!("/contacts/{}", found["items"][0]["id"].as_str().unwrap());

    let response = app
        .api(&seed, Method::DELETE, &path, Some(&seed.ana), None)
        .await;
    let body = assert_problem(response, 403, "forbidden").await;
    assert!(
        body["detail"].as_str().unwrap().contains("1 conversation"),
        "{body}"
    );
    let response = app
        .api(&seed, Method::DELETE, &path, Some(&seed.admin), None)
        .await;
    assert_eq!(response.status(), 204);
    let mut reader = app.store.read().await.unwrap();
    let gone = store::conversations::get(&mut reader.conn(), &conversation)
        .await
        .unwrap();
    assert!(gone.is_none());
}

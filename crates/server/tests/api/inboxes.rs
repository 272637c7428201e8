//! Inboxes over HTTP: who sees which, their badges, creating, changing and
//! registering them. Each person's order and mute, members, channels and
//! deleting an inbox are in the submodules.

mod channels;
mod deletion;
mod members;
mod out_of_office;
mod personal;
mod sla;
mod sla_breaches;

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, spawn_app, Seed, TestApp, TestUser};

on_both_backends!(
    agents_see_only_the_approved_inboxes_they_belong_to,
    admins_see_every_inbox_with_the_ones_they_are_not_in_last,
    the_badges_count_an_inbound_message_as_unassigned_open_and_unread,
    admins_create_inboxes_and_agents_may_not,
    members_restyle_an_inbox_and_only_admins_change_its_policy,
    admins_set_the_registration_and_agents_see_only_approved_inboxes,
);

/// The caller's `GET /inboxes` items.
pub(crate) async fn list(app: &TestApp, seed: &Seed, user: &TestUser) -> Vec<Value> {
    let response = app
        .api(seed, Method::GET, "/inboxes", Some(user), None)
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

pub(crate) fn names(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["name"].as_str().unwrap()).collect()
}

/// `POST /inboxes` as the admin (who becomes its member); returns its id.
pub(crate) async fn create_inbox(app: &TestApp, seed: &Seed, name: &str) -> String {
    let body = json!({"name": name, "kind": "shared", "purpose": "sales"});
    let response = app
        .api(
            seed,
            Method::POST,
            "/inboxes",
            Some(&seed.admin),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), 201);
    let inbox: Value = response.json().await.unwrap();
    inbox["id"].as_str().unwrap().to_string()
}

pub(crate) async fn add_member(app: &TestApp, seed: &Seed, inbox: &str, user: &TestUser) {
    let path = format!("/inboxes/{inbox}/members");
    let body = json!({"user_id": user.id});
    let response = app
        .api(seed, Method::POST, &path, Some(&seed.admin), Some(body))
        .await;
    assert_eq!(response.status(), 201);
}

async fn agents_see_only_the_approved_inboxes_they_belong_to(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let sales = create_inbox(&app, &seed, "Sales").await;
    add_member(&app, &seed, &sales, &seed.ana).await;

    let ana = list(&app, &seed, &seed.ana).await;
    assert_eq!(names(&ana), ["Support", "Sales"]);
    let support = &ana[0];
    for key in [
        "id",
        "name",
        "emoji",
        "color",
        "api_code",
        "kind",
        "purpose",
        "muted",
        "unread_mode",
        "registration",
        "member",
        "counts",
    ] {
        assert!(support.get(key).is_some(), "{key} missing from {support}");
    }
    assert_eq!(support["api_code"], "support");
    assert_eq!(support["member"], true);
    assert_eq!(names(&list(&app, &seed, &seed.ben).await), ["Support"]);
    assert!(list(&app, &seed, &seed.outsider).await.is_empty());

    // An inbox waiting on carrier registration is shown to admins only.
    let path = format!("/inboxes/{sales}/registration");
    let pending = json!({"state": "pending"});
    let response = app
        .api(&seed, Method::PUT, &path, Some(&seed.admin), Some(pending))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(names(&list(&app, &seed, &seed.ana).await), ["Support"]);
    let hidden = app
        .api(
            &seed,
            Method::GET,
            &format!("/inboxes/{sales}"),
            Some(&seed.ana),
            None,
        )
        .await;
    assert_problem(hidden, 404, "not_found").await;
}

async fn admins_see_every_inbox_with_the_ones_they_are_not_in_last(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    create_inbox(&app, &seed, "Billing").await;
    create_inbox(&app, &seed, "Accounts").await;

    let admin = list(&app, &seed, &seed.admin).await;
    assert_eq!(names(&admin), ["Billing", "Accounts", "Support"]);
    let member: Vec<&Value> = admin.iter().map(|i| &i["member"]).collect();
    assert_eq!(member, [true, true, false]);
    // The owner is in none of them: every inbox, by name.
    assert_eq!(
        names(&list(&app, &seed, &seed.owner).await),
        ["Accounts", "Billing", "Support"]
    );

    let stranger = app
        .api(&seed, Method::GET, "/inboxes", Some(&seed.stranger), None)
        .await;
    assert_problem(stranger, 404, "not_found").await;
    let anonymous = app.api(&seed, Method::GET, "/inboxes", None, None).await;
    assert_problem(anonymous, 401, "unauthenticated").await;
}

async fn the_badges_count_an_inbound_message_as_unassigned_open_and_unread(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let zero = json!({"unassigned": 0, "mine": 0, "open": 0, "unread": 0});
    assert_eq!(list(&app, &seed, &seed.ana).await[0]["counts"], zero);

    app.text_from_customer(&seed, "+14155550123", "my sink is leaking")
        .await;
    app.text_from_customer(&seed, "+14155550124", "and my tap")
        .await;

    let one = json!({"unassigned": 2, "mine": 0, "open": 2, "unread": 2});
    assert_eq!(list(&app, &seed, &seed.ana).await[0]["counts"], one);
    assert_eq!(list(&app, &seed, &seed.admin).await[0]["counts"], one);
    let path = format!("/inboxes/{}", seed.inbox_id);
    let single = app
        .api(&seed, Method::GET, &path, Some(&seed.ben), None)
        .await;
    assert_eq!(single.status(), 200);
    assert_eq!(single.json::<Value>().await.unwrap()["counts"], one);
}

async fn admins_create_inboxes_and_agents_may_not(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let sales = json!({"name": " Sales East ", "kind": "shared", "purpose": "sales"});
    let response = app
        .api(
            &seed,
            Method::POST,
            "/inboxes",
            Some(&seed.admin),
            Some(sales.clone()),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["name"], "Sales East");
    assert_eq!(created["api_code"], "sales-east");
    assert_eq!(created["kind"], "shared");
    assert_eq!(created["registration"], "approved");
    assert_eq!(created["unread_mode"], "per_user");
    assert_eq!(created["member"], true);
    assert!(created["owner_id"].is_null());
    assert_eq!(created["counts"]["open"], 0);

    // The same name again gets the next free code; a code asked for is not bent.
    let again = app
        .api(
            &seed,
            Method::POST,
            "/inboxes",
            Some(&seed.admin),
            Some(sales),
        )
        .await;
    assert_eq!(
        again.json::<Value>().await.unwrap()["api_code"],
        "sales-east-2"
    );
    let taken =
        json!({"name": "Help", "kind": "shared", "purpose": "support", "api_code": "support"});
    let response = app
        .api(
            &seed,
            Method::POST,
            "/inboxes",
            Some(&seed.admin),
            Some(taken),
        )
        .await;
    assert_problem(response, 409, "api_code_taken").await;

    let personal = json!({
        "name": "Adam's line", "kind": "personal", "purpose": "general", "emoji": "📞",
        "color": "#FF8800", "api_code": "adam", "unread_mode": "shared",
    });
    let response = app
        .api(
            &seed,
            Method::POST,
            "/inboxes",
            Some(&seed.admin),
            Some(personal),
        )
        .await;
    assert_eq!(response.status(), 201);
    let line: Value = response.json().await.unwrap();
    assert_eq!(line["owner_id"], seed.admin.id.as_str());
    assert_eq!(
        (&line["emoji"], &line["color"], &line["unread_mode"]),
        (&json!("📞"), &json!("#ff8800"), &json!("shared"))
    );

    let by_agent = json!({"name": "Mine", "kind": "shared", "purpose": "sales"});
    let response = app
        .api(
            &seed,
            Method::POST,
            "/inboxes",
            Some(&seed.ana),
            Some(by_agent),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
    let bad_colour = json!({"name": "X", "kind": "shared", "purpose": "sales", "color": "red"});
    let response = app
        .api(
            &seed,
            Method::POST,
            "/inboxes",
            Some(&seed.admin),
            Some(bad_colour),
        )
        .await;
    let body = assert_problem(response, 422, "validation").await;
    assert!(
        body["detail"].as_str().unwrap().starts_with("color"),
        "{body}"
    );
    let bad_kind = json!({"name": "X", "kind": "team", "purpose": "sales"});
    let response = app
        .api(
            &seed,
            Method::POST,
            "/inboxes",
            Some(&seed.admin),
            Some(bad_kind),
        )
        .await;
    assert_problem(response, 422, "validation").await;
}

async fn members_restyle_an_inbox_and_only_admins_change_its_policy(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}", seed.inbox_id);
    let patch = |user: &TestUser, body: Value| {
        let (app, seed, path, user) = (&app, &seed, path.clone(), user.clone());
        async move {
            app.api(seed, Method::PATCH, &path, Some(&user), Some(body))
                .await
        }
    };

    let style = json!({"name": "Help Desk", "emoji": "🎧", "color": "#123ABC"});
    let response = patch(&seed.ana, style).await;
    assert_eq!(response.status(), 200);
    let ben = list(&app, &seed, &seed.ben).await;
    assert_eq!(
        (&ben[0]["name"], &ben[0]["emoji"], &ben[0]["color"]),
        (&json!("Help Desk"), &json!("🎧"), &json!("#123abc"))
    );

    let response = patch(&seed.ana, json!({"unread_mode": "shared"})).await;
    let body = assert_problem(response, 403, "forbidden").await;
    assert!(
        body["detail"].as_str().unwrap().contains("unread_mode"),
        "{body}"
    );
    let response = patch(&seed.ana, json!({"name": "Sneaky", "auto_close_secs": 60})).await;
    let body = assert_problem(response, 403, "forbidden").await;
    assert!(
        body["detail"].as_str().unwrap().contains("auto_close_secs"),
        "{body}"
    );
    assert_eq!(list(&app, &seed, &seed.ana).await[0]["name"], "Help Desk");
    let response = patch(&seed.outsider, json!({"name": "Mine"})).await;
    assert_problem(response, 404, "not_found").await;

    let policy = json!({
        "unread_mode": "shared", "forward_to_email": "team@acme.test",
        "voice_forward_to": "(415) 555-0100", "auto_close_secs": 3600,
    });
    let response = patch(&seed.admin, policy).await;
    assert_eq!(response.status(), 200);
    let inbox: Value = response.json().await.unwrap();
    assert_eq!(inbox["unread_mode"], "shared");
    assert_eq!(inbox["forward_to_email"], "team@acme.test");
    assert_eq!(inbox["voice_forward_to"], "+14155550100");
    assert_eq!(inbox["auto_close_secs"], 3600);

    // `null` clears a field; leaving a field out keeps it.
    let response = patch(&seed.admin, json!({"forward_to_email": null})).await;
    let inbox: Value = response.json().await.unwrap();
    assert!(inbox["forward_to_email"].is_null());
    assert_eq!(inbox["voice_forward_to"], "+14155550100");
    let response = patch(&seed.admin, json!({"voice_forward_to": "12"})).await;
    let body = assert_problem(response, 422, "validation").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("voice_forward_to"),
        "{body}"
    );
    let stored = app
        .api(&seed, Method::GET, &path, Some(&seed.ana), None)
        .await;
    assert_eq!(
        stored.json::<Value>().await.unwrap()["unread_mode"],
        "shared"
    );
}

async fn admins_set_the_registration_and_agents_see_only_approved_inboxes(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}/registration", seed.inbox_id);
    let inbox = format!("/inboxes/{}", seed.inbox_id);
    let set = |user: &TestUser, state: &str| {
        let (app, seed, path, user) = (&app, &seed, path.clone(), user.clone());
        let body = json!({"state": state});
        async move {
            app.api(seed, Method::PUT, &path, Some(&user), Some(body))
                .await
        }
    };

    assert_problem(set(&seed.ana, "pending").await, 403, "forbidden").await;
    let response = set(&seed.admin, "pending").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap()["registration"],
        "pending"
    );
    assert!(list(&app, &seed, &seed.ana).await.is_empty());
    let response = app
        .api(&seed, Method::GET, &inbox, Some(&seed.ana), None)
        .await;
    assert_problem(response, 404, "not_found").await;
    assert_eq!(
        list(&app, &seed, &seed.admin).await[0]["registration"],
        "pending"
    );

    assert_problem(set(&seed.admin, "archived").await, 422, "validation").await;
    assert_eq!(set(&seed.admin, "approved").await.status(), 200);
    let response = app
        .api(&seed, Method::GET, &inbox, Some(&seed.ana), None)
        .await;
    assert_eq!(response.status(), 200);
}

/// The configured auto-close wait is where new inboxes start; each inbox
/// then keeps its own.
#[tokio::test]
async fn a_new_inbox_starts_with_the_configured_auto_close_wait() {
    let Some(app) =
        crate::helpers::spawn_app_with(Backend::Sqlite, |s| s.auto_close_after_secs = 3600).await
    else {
        return;
    };
    let seed = app.seed().await;
    let id = create_inbox(&app, &seed, "Night line").await;
    let response = app
        .api(
            &seed,
            Method::GET,
            &format!("/inboxes/{id}"),
            Some(&seed.admin),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let inbox: Value = response.json().await.unwrap();
    assert_eq!(inbox["auto_close_secs"], 3600);
}

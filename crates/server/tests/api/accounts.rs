//! Accounts: the first owner (setup and the CLI's create-owner) here;
//! logging in and out, API tokens and workspace members in the submodules.

mod members;
mod profile_and_links;
mod sessions;
mod throttling;
mod tokens;

use domain::{EmailAddress, Role};
use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;
use switchboard_server::services::accounts::{self, NewOwner, Password};

use crate::helpers::{assert_problem, spawn_app, TestApp};

on_both_backends!(
    creating_an_owner_makes_the_workspace_and_its_owner_with_a_usable_password,
    an_address_already_taken_in_any_case_is_refused,
    setup_makes_the_owner_and_logs_them_in_once_and_then_answers_409,
    setup_refuses_a_short_password_a_blank_name_and_a_bad_address,
);

/// The password the stories give the people who log in.
const PASSWORD: &str = "correct horse battery";

fn owner(email: &str) -> NewOwner {
    NewOwner {
        email: EmailAddress::parse(email).unwrap(),
        workspace: "  Acme Plumbing ".into(),
        name: None,
        password: Password::parse("correct horse".into()).unwrap(),
    }
}

impl TestApp {
    /// `{address}{path}`.
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `POST /api/v1/session` with this client.
    pub(super) async fn post_session(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/session"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// `GET /api/v1/me` with whatever cookie the client holds.
    pub(super) async fn me(&self) -> reqwest::Response {
        self.get("/api/v1/me").await
    }
}

/// The `Set-Cookie` header for the session cookie, if the response has one.
pub(super) fn session_set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("switchboard_session="))
        .map(str::to_string)
}

async fn creating_an_owner_makes_the_workspace_and_its_owner_with_a_usable_password(
    backend: Backend,
) {
    let Some(store) = store::testing::fresh_store(backend).await.unwrap() else {
        return;
    };
    let created = accounts::create_owner(&store, owner("ana@acme.test"), chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(created.workspace.name, "Acme Plumbing");
    assert_eq!(created.user.name, "ana");

    let mut reader = store.read().await.unwrap();
    let role =
        store::workspaces::role_of(&mut reader.conn(), &created.workspace.id, &created.user.id)
            .await
            .unwrap();
    assert_eq!(role, Some(Role::Owner));
    let (user, hash) = store::users::by_email(&mut reader.conn(), &created.user.email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, created.user.id);
    let typed = Password::typed("correct horse".into());
    assert!(accounts::verify_password(typed, hash.unwrap()).await);
}

async fn an_address_already_taken_in_any_case_is_refused(backend: Backend) {
    let Some(store) = store::testing::fresh_store(backend).await.unwrap() else {
        return;
    };
    accounts::create_owner(&store, owner("ana@acme.test"), chrono::Utc::now())
        .await
        .unwrap();
    let again = accounts::create_owner(&store, owner("Ana@acme.test"), chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(
        again.kind(),
        switchboard_server::services::ErrorKind::Conflict
    );
    assert_eq!(again.code(), "email_taken");
}

async fn setup_makes_the_owner_and_logs_them_in_once_and_then_answers_409(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let setup = json!({
        "email": "olivia@acme.example",
        "password": PASSWORD,
        "name": " Olivia Owner ",
        "workspace_name": "Acme Plumbing",
    });
    let response = app
        .request(
            Method::POST,
            &app.url("/api/v1/setup"),
            None,
            Some(setup.clone()),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert!(session_set_cookie(&response).is_some());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["name"], "Olivia Owner");
    assert_eq!(body["user"]["email"], "olivia@acme.example");
    assert_eq!(body["workspace"]["name"], "Acme Plumbing");
    assert_eq!(body["workspace"]["role"], "owner");
    assert!(body["csrf_token"].is_string());

    // Logged in by the cookie setup set.
    let me: Value = app.me().await.json().await.unwrap();
    assert_eq!(me["id"], body["user"]["id"]);
    assert_eq!(me["csrf_token"], body["csrf_token"]);
    assert_eq!(me["workspaces"][0]["id"], body["workspace"]["id"]);

    let mut other = setup.clone();
    other["email"] = json!("mallory@evil.example");
    let again = app
        .request(Method::POST, &app.url("/api/v1/setup"), None, Some(other))
        .await;
    assert_problem(again, 409, "already_set_up").await;
}

async fn setup_refuses_a_short_password_a_blank_name_and_a_bad_address(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let url = app.url("/api/v1/setup");
    for (field, value) in [("password", "short"), ("name", "   "), ("email", "nope")] {
        let mut body = json!({
            "email": "olivia@acme.example",
            "password": PASSWORD,
            "name": "Olivia",
            "workspace_name": "Acme",
        });
        body[field] = json!(value);
        let response = app.request(Method::POST, &url, None, Some(body)).await;
        assert_problem(response, 422, "validation").await;
    }
    // Nothing was made: setup is still open.
    let body = json!({
        "email": "olivia@acme.example",
        "password": PASSWORD,
        "name": "Olivia",
        "workspace_name": "Acme",
    });
    let response = app.request(Method::POST, &url, None, Some(body)).await;
    assert_eq!(response.status(), 201);
}

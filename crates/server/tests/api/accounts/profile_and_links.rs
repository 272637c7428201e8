//! Invitation links (`/invite/{token}`), the workspace's open invitations,
//! and each person's profile: name, time zone, availability, password.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::PASSWORD;
use crate::helpers::{assert_problem, spawn_app, Seed, TestApp};

on_both_backends!(
    an_invitation_link_sets_a_new_accounts_password_and_lands_in_the_workspace,
    a_link_never_changes_the_password_of_an_account_that_has_one,
    admins_list_and_revoke_open_invitations_and_a_revoked_link_stops_working,
    a_person_sets_their_name_time_zone_and_availability,
    a_password_changes_only_with_the_current_one,
);

/// Invites `email` as an agent (as the admin); the answer's link.
async fn invite(app: &TestApp, seed: &Seed, email: &str) -> String {
    let made = app
        .api(
            seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(json!({"email": email, "name": "Nia New", "role": "agent"})),
        )
        .await;
    assert_eq!(made.status(), 202);
    let made: Value = made.json().await.unwrap();
    let link = made["link"].as_str().unwrap().to_string();
    assert!(
        link.starts_with(&format!("{}/invite/sbi_", app.address)),
        "{link}"
    );
    link
}

/// The signed-out form's CSRF token in `html`.
fn form_token(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a CSRF field")
        + 25;
    html[at..].split('"').next().unwrap().to_string()
}

async fn an_invitation_link_sets_a_new_accounts_password_and_lands_in_the_workspace(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let link = invite(&app, &seed, "nia@example.com").await;
    let page = app.client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Choose a password"), "{html}");
    // A password too short is refused on the page, the name kept.
    let short = app
        .client
        .post(&link)
        .form(&[
            ("csrf_token", form_token(&html).as_str()),
            ("name", "Nia N."),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 200);
    let html = short.text().await.unwrap();
    assert!(html.contains("at least 8 characters"), "{html}");
    assert!(html.contains("value=\"Nia N.\""), "{html}");
    let accepted = app
        .client
        .post(&link)
        .form(&[
            ("csrf_token", form_token(&html).as_str()),
            ("name", "Nia Newton"),
            ("password", "nia's own password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 303);
    assert_eq!(
        accepted.headers()["location"],
        format!("/w/{}", seed.workspace_id).as_str()
    );
    // Signed in and a member, under the name she chose.
    let me: Value = app
        .client
        .get(format!("{}/api/v1/me", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Nia Newton");
    assert_eq!(me["workspaces"][0]["id"], seed.workspace_id);
    assert_eq!(me["workspaces"][0]["role"], "agent");
    // She can log in with it, and the link is spent.
    app.login("nia@example.com", "nia's own password").await;
    let spent = app.client.get(&link).send().await.unwrap();
    assert_eq!(spent.status(), 404);
    let html = spent.text().await.unwrap();
    assert!(html.contains("already used, revoked"), "{html}");
    assert!(html.contains("\"code\":\"not_found\""), "{html}");
}

async fn a_link_never_changes_the_password_of_an_account_that_has_one(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    // The stranger (another workspace's owner) has an account and a password.
    app.set_password(&seed.stranger, PASSWORD).await;
    let link = invite(&app, &seed, &seed.stranger.email).await;
    let html = app
        .client
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign in to join"), "{html}");
    // Posting a password anyway (with the login page's token) is refused;
    // the old password still works.
    let login = app
        .client
        .get(format!("{}/login", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let forced = app
        .client
        .post(&link)
        .form(&[
            ("csrf_token", form_token(&login).as_str()),
            ("name", "Taken Over"),
            ("password", "attacker's password"),
        ])
        .send()
        .await
        .unwrap();
    let status = forced.status();
    let html = forced.text().await.unwrap();
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("already has a password"), "{html}");
    let csrf = app.login(&seed.stranger.email, PASSWORD).await;
    // Signed in as the invitee, the page offers to join.
    let html = app
        .client
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"join-workspace\""), "{html}");
    let joined = app
        .client
        .post(format!("{link}/join"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), 303);
    assert_eq!(
        joined.headers()["location"],
        format!("/w/{}", seed.workspace_id).as_str()
    );
    let me: Value = app
        .client
        .get(format!("{}/api/v1/me", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let joined_here = me["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["id"] == seed.workspace_id.as_str() && w["role"] == "agent");
    assert!(joined_here, "{me}");
}

async fn admins_list_and_revoke_open_invitations_and_a_revoked_link_stops_working(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let link = invite(&app, &seed, "nia@example.com").await;
    let listed = app
        .api(&seed, Method::GET, "/invitations", Some(&seed.admin), None)
        .await;
    assert_eq!(listed.status(), 200);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["items"][0]["email"], "nia@example.com");
    assert_eq!(listed["items"][0]["role"], "agent");
    let id = listed["items"][0]["id"].as_str().unwrap().to_string();
    let by_agent = app
        .api(&seed, Method::GET, "/invitations", Some(&seed.ana), None)
        .await;
    assert_problem(by_agent, 403, "forbidden").await;
    // Inviting again makes a new link; the old one stops working.
    let newer = invite(&app, &seed, "nia@example.com").await;
    assert_ne!(newer, link);
    assert_eq!(app.client.get(&link).send().await.unwrap().status(), 404);
    let revoked = app
        .api(
            &seed,
            Method::DELETE,
            &format!("/invitations/{id}"),
            Some(&seed.admin),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    assert_eq!(app.client.get(&newer).send().await.unwrap().status(), 404);
    let again = app
        .api(
            &seed,
            Method::DELETE,
            &format!("/invitations/{id}"),
            Some(&seed.admin),
            None,
        )
        .await;
    assert_problem(again, 404, "not_found").await;
}

async fn a_person_sets_their_name_time_zone_and_availability(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let url = format!("{}/api/v1/me/profile", app.address);
    let fresh: Value = app
        .request(Method::GET, &url, Some(&seed.ana), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fresh["time_zone"], Value::Null);
    assert_eq!(fresh["availability"], "available");
    let changed = app
        .request(
            Method::PATCH,
            &url,
            Some(&seed.ana),
            Some(json!({"name": "Ana L.", "time_zone": "Europe/Lisbon"})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["name"], "Ana L.");
    assert_eq!(changed["time_zone"], "Europe/Lisbon");
    let away = app
        .request(
            Method::PUT,
            &format!("{}/api/v1/me/availability", app.address),
            Some(&seed.ana),
            Some(json!({"availability": "away"})),
        )
        .await;
    assert_eq!(away.status(), 200);
    assert_eq!(away.json::<Value>().await.unwrap()["availability"], "away");
    let unknown = app
        .request(
            Method::PATCH,
            &url,
            Some(&seed.ana),
            Some(json!({"time_zone": "Mars/Olympus"})),
        )
        .await;
    assert_problem(unknown, 422, "validation").await;
}

async fn a_password_changes_only_with_the_current_one(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.ana, PASSWORD).await;
    let url = format!("{}/api/v1/me/password", app.address);
    let wrong = app
        .request(
            Method::PUT,
            &url,
            Some(&seed.ana),
            Some(json!({"current_password": "not it at all", "new_password": "a brand new one"})),
        )
        .await;
    assert_problem(wrong, 422, "wrong_password").await;
    let changed = app
        .request(
            Method::PUT,
            &url,
            Some(&seed.ana),
            Some(json!({"current_password": PASSWORD, "new_password": "a brand new one"})),
        )
        .await;
    assert_eq!(changed.status(), 204);
    app.login(&seed.ana.email, "a brand new one").await;
}

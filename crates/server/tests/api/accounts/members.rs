//! Workspace members and the role rules: admins manage members, only owners
//! touch owners, the last owner stays.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::PASSWORD;
use crate::helpers::{assert_problem, spawn_app};

on_both_backends!(
    any_member_lists_the_members_and_a_non_member_gets_404,
    agents_cannot_manage_members,
    admins_add_agents_and_admins_but_only_owners_make_owners,
    a_member_added_without_a_password_cannot_log_in_and_one_with_a_password_can,
    an_admin_can_neither_pull_in_an_existing_account_nor_learn_that_it_exists,
    an_invitation_can_be_declined,
    roles_change_with_the_owner_rule_and_the_last_owner_is_protected,
    members_are_removed_with_the_owner_rule_and_the_last_owner_stays,
);

async fn any_member_lists_the_members_and_a_non_member_gets_404(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let listed = app
        .api(&seed, Method::GET, "/members", Some(&seed.outsider), None)
        .await;
    assert_eq!(listed.status(), 200);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["next_cursor"], Value::Null);
    let items = listed["items"].as_array().unwrap();
    let cast: Vec<(&str, &str)> = items
        .iter()
        .map(|m| (m["name"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        cast,
        [
            ("Adam Admin", "admin"),
            ("Ana Lima", "agent"),
            ("Ben Okafor", "agent"),
            ("Olivia Owner", "owner"),
            ("Oscar Outside", "agent"),
        ]
    );
    assert_eq!(items[1]["email"], "ana@example.com");
    assert_eq!(items[1]["id"], seed.ana.id);

    let stranger = app
        .api(&seed, Method::GET, "/members", Some(&seed.stranger), None)
        .await;
    assert_problem(stranger, 404, "not_found").await;
    let anonymous = app.api(&seed, Method::GET, "/members", None, None).await;
    assert_problem(anonymous, 401, "unauthenticated").await;
}

async fn agents_cannot_manage_members(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let add = json!({ "email": "new@example.com", "name": "New", "role": "agent" });
    let response = app
        .api(&seed, Method::POST, "/members", Some(&seed.ana), Some(add))
        .await;
    assert_problem(response, 403, "forbidden").await;
    let path = format!("/members/{}", seed.ben.id);
    let promote = app
        .api(
            &seed,
            Method::PATCH,
            &path,
            Some(&seed.ana),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_problem(promote, 403, "forbidden").await;
    let remove = app
        .api(&seed, Method::DELETE, &path, Some(&seed.ana), None)
        .await;
    assert_problem(remove, 403, "forbidden").await;
    // A stranger learns nothing about the workspace at all.
    let stranger = app
        .api(&seed, Method::DELETE, &path, Some(&seed.stranger), None)
        .await;
    assert_problem(stranger, 404, "not_found").await;
}

async fn admins_add_agents_and_admins_but_only_owners_make_owners(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let add =
        |email: &str, role: &str| json!({ "email": email, "name": " Nia New ", "role": role });

    let agent = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(add("nia@example.com", "agent")),
        )
        .await;
    assert_eq!(agent.status(), 202);
    let agent: Value = agent.json().await.unwrap();
    assert_eq!(agent["email"], "nia@example.com");
    assert_eq!(agent["role"], "agent");
    assert_eq!(agent["status"], "invited");
    assert!(agent["id"].is_string());

    let admin = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(add("al@example.com", "admin")),
        )
        .await;
    assert_eq!(admin.status(), 202);

    let owner_by_admin = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(add("oz@example.com", "owner")),
        )
        .await;
    assert_problem(owner_by_admin, 403, "forbidden").await;
    let owner_by_owner = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.owner),
            Some(add("oz@example.com", "owner")),
        )
        .await;
    assert_eq!(owner_by_owner.status(), 202);

    // Inviting again renews the same invitation.
    let twice = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(add("NIA@example.com", "agent")),
        )
        .await;
    assert_eq!(twice.status(), 202);
    assert_eq!(twice.json::<Value>().await.unwrap()["id"], agent["id"]);
    let member = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(add("ANA@example.com", "agent")),
        )
        .await;
    assert_problem(member, 409, "already_member").await;
    let bad_role = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(add("x@example.com", "boss")),
        )
        .await;
    assert_eq!(bad_role.status(), 422);
    let short =
        json!({ "email": "y@example.com", "name": "Y", "role": "agent", "password": "short" });
    let short = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(short),
        )
        .await;
    assert_problem(short, 422, "validation").await;
}

async fn a_member_added_without_a_password_cannot_log_in_and_one_with_a_password_can(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let without = json!({ "email": "nia@example.com", "name": "Nia", "role": "agent" });
    let response = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(without),
        )
        .await;
    assert_eq!(response.status(), 202);
    let refused = app.post_session("nia@example.com", "").await;
    assert_problem(refused, 401, "unauthenticated").await;

    let with =
        json!({ "email": "max@example.com", "name": "Max", "role": "admin", "password": PASSWORD });
    let response = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.owner),
            Some(with),
        )
        .await;
    assert_eq!(response.status(), 202);
    app.login("max@example.com", PASSWORD).await;
    let me: Value = app.me().await.json().await.unwrap();
    assert_eq!(me["name"], "Max");
    // Max joins when he accepts.
    assert_eq!(me["workspaces"], json!([]));
    let invitations: Value = app
        .get("/api/v1/me/invitations")
        .await
        .json()
        .await
        .unwrap();
    let id = invitations["items"][0]["id"].as_str().unwrap().to_string();
    let csrf = me["csrf_token"].as_str().unwrap().to_string();
    let accepted = app
        .client
        .post(format!("{}/api/v1/me/invitations/{id}/accept", app.address))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
    let me: Value = app.me().await.json().await.unwrap();
    assert_eq!(me["workspaces"][0]["role"], "admin");
}

async fn an_admin_can_neither_pull_in_an_existing_account_nor_learn_that_it_exists(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.stranger, PASSWORD).await;
    let invite = |email: &str| json!({ "email": email, "name": "Someone", "role": "agent", "password": "taken over!" });
    let existing = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(invite("Stella@Example.com")),
        )
        .await;
    let new = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(invite("nobody@example.com")),
        )
        .await;
    // The same answer either way: no name, no account id, no hint.
    assert_eq!(existing.status(), 202);
    assert_eq!(new.status(), 202);
    let existing: Value = existing.json().await.unwrap();
    let new: Value = new.json().await.unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&existing), keys(&new));
    assert_eq!(existing["email"], "stella@example.com");
    assert_eq!(existing["status"], new["status"]);
    assert!(!existing.to_string().contains(&seed.stranger.id));
    assert!(!existing.to_string().contains("Stranger"));

    // She is not a member until she accepts, and her password is her own.
    let members = app
        .api(&seed, Method::GET, "/members", Some(&seed.admin), None)
        .await;
    let members: Value = members.json().await.unwrap();
    assert!(
        !members.to_string().contains("stella@example.com"),
        "{members}"
    );
    assert_eq!(
        app.post_session("stella@example.com", "taken over!")
            .await
            .status(),
        401
    );

    // Someone else cannot accept her invitation.
    let mine = format!("{}/api/v1/me/invitations", app.address);
    let listed: Value = app
        .request(Method::GET, &mine, Some(&seed.stranger), None)
        .await
        .json()
        .await
        .unwrap();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["workspace_name"], "Acme Plumbing");
    assert_eq!(items[0]["role"], "agent");
    let accept = format!("{mine}/{}/accept", items[0]["id"].as_str().unwrap());
    let stolen = app
        .request(Method::POST, &accept, Some(&seed.ana), None)
        .await;
    assert_problem(stolen, 404, "not_found").await;

    // She accepts, and sees both workspaces.
    let accepted = app
        .request(Method::POST, &accept, Some(&seed.stranger), None)
        .await;
    assert_eq!(accepted.status(), 200);
    app.login("stella@example.com", PASSWORD).await;
    let me: Value = app.me().await.json().await.unwrap();
    let roles: Vec<(&str, &str)> = me["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["name"].as_str().unwrap(), w["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [("Acme Plumbing", "agent"), ("Elsewhere Ltd", "owner")]
    );
    let listed: Value = app
        .request(Method::GET, &mine, Some(&seed.stranger), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
}

async fn an_invitation_can_be_declined(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let invite = json!({ "email": "stella@example.com", "name": "S", "role": "admin" });
    let response = app
        .api(
            &seed,
            Method::POST,
            "/members",
            Some(&seed.admin),
            Some(invite),
        )
        .await;
    let id = response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("{}/api/v1/me/invitations/{id}", app.address);
    let declined = app
        .request(Method::DELETE, &url, Some(&seed.stranger), None)
        .await;
    assert_eq!(declined.status(), 204);
    let again = app
        .request(
            Method::POST,
            &format!("{url}/accept"),
            Some(&seed.stranger),
            None,
        )
        .await;
    assert_problem(again, 404, "not_found").await;
}

async fn roles_change_with_the_owner_rule_and_the_last_owner_is_protected(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let role = |r: &str| Some(json!({ "role": r }));
    let ana = format!("/members/{}", seed.ana.id);
    let owner = format!("/members/{}", seed.owner.id);
    let admin = format!("/members/{}", seed.admin.id);

    let promoted = app
        .api(&seed, Method::PATCH, &ana, Some(&seed.admin), role("admin"))
        .await;
    assert_eq!(promoted.status(), 200);
    let promoted: Value = promoted.json().await.unwrap();
    assert_eq!(promoted["role"], "admin");
    assert_eq!(promoted["name"], "Ana Lima");

    let to_owner = app
        .api(&seed, Method::PATCH, &ana, Some(&seed.admin), role("owner"))
        .await;
    assert_problem(to_owner, 403, "forbidden").await;
    let demote_owner = app
        .api(
            &seed,
            Method::PATCH,
            &owner,
            Some(&seed.admin),
            role("agent"),
        )
        .await;
    assert_problem(demote_owner, 403, "forbidden").await;

    let last = app
        .api(
            &seed,
            Method::PATCH,
            &owner,
            Some(&seed.owner),
            role("admin"),
        )
        .await;
    assert_problem(last, 409, "last_owner").await;

    // With a second owner the first may step down.
    let second = app
        .api(
            &seed,
            Method::PATCH,
            &admin,
            Some(&seed.owner),
            role("owner"),
        )
        .await;
    assert_eq!(second.status(), 200);
    let step_down = app
        .api(
            &seed,
            Method::PATCH,
            &owner,
            Some(&seed.owner),
            role("admin"),
        )
        .await;
    assert_eq!(step_down.status(), 200);

    let nobody = format!("/members/{}", seed.stranger.id);
    let stranger = app
        .api(
            &seed,
            Method::PATCH,
            &nobody,
            Some(&seed.admin),
            role("agent"),
        )
        .await;
    assert_problem(stranger, 404, "not_found").await;
    let garbage = app
        .api(
            &seed,
            Method::PATCH,
            "/members/not-an-id",
            Some(&seed.admin),
            role("agent"),
        )
        .await;
    assert_problem(garbage, 404, "not_found").await;
}

async fn members_are_removed_with_the_owner_rule_and_the_last_owner_stays(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let ben = format!("/members/{}", seed.ben.id);
    let owner = format!("/members/{}", seed.owner.id);

    let by_admin = app
        .api(&seed, Method::DELETE, &owner, Some(&seed.admin), None)
        .await;
    assert_problem(by_admin, 403, "forbidden").await;
    let last = app
        .api(&seed, Method::DELETE, &owner, Some(&seed.owner), None)
        .await;
    assert_problem(last, 409, "last_owner").await;

    let removed = app
        .api(&seed, Method::DELETE, &ben, Some(&seed.admin), None)
        .await;
    assert_eq!(removed.status(), 204);
    let again = app
        .api(&seed, Method::DELETE, &ben, Some(&seed.admin), None)
        .await;
    assert_problem(again, 404, "not_found").await;
    // Ben's account stays, but the workspace is closed to him now.
    let gone = app
        .api(&seed, Method::GET, "/members", Some(&seed.ben), None)
        .await;
    assert_problem(gone, 404, "not_found").await;
    let mut reader = app.store.read().await.unwrap();
    let inbox = domain::InboxId::parse(&seed.inbox_id).unwrap();
    let ben_id = domain::UserId::parse(&seed.ben.id).unwrap();
    assert!(
        !store::inboxes::is_member(&mut reader.conn(), &inbox, &ben_id)
            .await
            .unwrap()
    );
}

//! Auto-assignment: an inbox's policy (admins), and what each mode does
//! when conversations enter the Unassigned queue: round robin among the
//! available, balanced with a cap and freed capacity, contact owner with its
//! fallback; never taking a conversation someone owns; fair across two nodes.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app, Seed, TestApp, TestUser};

mod hand_out;
mod two_nodes;

on_both_backends!(
    admins_choose_the_policy_and_bad_input_names_the_field,
    round_robin_takes_turns_among_the_available_members,
    balanced_respects_the_cap_and_freed_capacity_pulls_in_the_oldest,
    contact_owner_gets_their_customers_else_the_fallback_decides,
    a_conversation_someone_took_is_never_auto_assigned,
    returned_and_reopened_conversations_are_handed_out_again,
);

/// Sets the seeded inbox's policy as the admin.
pub async fn set_policy(app: &TestApp, seed: &Seed, assignment: Value) -> Value {
    let body = json!({ "assignment": assignment });
    json_of(app.patch_support_inbox(seed, body).await, 200).await
}

/// Sets `who`'s availability (`available` or `away`).
pub async fn set_availability(app: &TestApp, who: &TestUser, availability: &str) {
    let body = json!({ "availability": availability });
    let response = app
        .request(
            Method::PUT,
            &format!("{}/api/v1/me/availability", app.address),
            Some(who),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

/// The conversation as `who` (the admin) sees it.
async fn conversation(app: &TestApp, seed: &Seed, id: &str) -> Value {
    let path = format!("/conversations/{id}");
    json_of(
        app.api(seed, Method::GET, &path, Some(&seed.admin), None)
            .await,
        200,
    )
    .await
}

async fn assignee(app: &TestApp, seed: &Seed, id: &str) -> Option<String> {
    conversation(app, seed, id).await["assignee_id"]
        .as_str()
        .map(str::to_string)
}

/// A new customer's text, then the reactions and jobs run.
async fn arrives(app: &TestApp, seed: &Seed, from: &str) -> String {
    let id = app.new_conversation(seed, from, "Hello?").await;
    app.run_due_jobs().await;
    id
}

async fn act(app: &TestApp, seed: &Seed, who: &TestUser, id: &str, action: &str) {
    let path = format!("/conversations/{id}/{action}");
    json_of(
        app.api(seed, Method::POST, &path, Some(who), None).await,
        200,
    )
    .await;
    app.run_due_jobs().await;
}

/// The `assigned` events of a conversation's timeline.
async fn assigned_events(app: &TestApp, seed: &Seed, id: &str) -> Vec<Value> {
    app.timeline_items(seed, &seed.admin, id, "assigned").await
}

async fn admins_choose_the_policy_and_bad_input_names_the_field(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}", seed.inbox_id);
    let before = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    assert_eq!(
        before["assignment"],
        json!({ "mode": "manual", "cap": null, "fallback": null })
    );

    let set = set_policy(
        &app,
        &seed,
        json!({ "mode": "contact_owner", "cap": 5, "fallback": "balanced" }),
    )
    .await;
    assert_eq!(
        set["assignment"],
        json!({ "mode": "contact_owner", "cap": 5, "fallback": "balanced" })
    );
    let listed = json_of(
        app.api(&seed, Method::GET, "/inboxes", Some(&seed.admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["assignment"]["mode"], "contact_owner");

    // Agents may not change it.
    let body = json!({ "assignment": { "mode": "manual" } });
    let refused = app
        .api(&seed, Method::PATCH, &path, Some(&seed.ana), Some(body))
        .await;
    let problem = assert_problem(refused, 403, "forbidden").await;
    assert!(problem["detail"].as_str().unwrap().contains("assignment"));

    // Bad input names the field, and nothing of the request is saved.
    for (assignment, field) in [
        (json!({ "mode": "round_robin", "cap": 0 }), "assignment.cap"),
        (json!({ "mode": "fastest" }), "assignment.mode"),
        (json!({ "mode": "contact_owner" }), "assignment.fallback"),
        (
            json!({ "mode": "contact_owner", "fallback": "contact_owner" }),
            "assignment.fallback",
        ),
        (
            json!({ "mode": "balanced", "fallback": "round_robin" }),
            "assignment.fallback",
        ),
    ] {
        let body = json!({ "name": "Renamed", "assignment": assignment });
        let problem = assert_problem(
            app.api(&seed, Method::PATCH, &path, Some(&seed.admin), Some(body))
                .await,
            422,
            "validation",
        )
        .await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(field), "{field} in {detail}");
    }
    let after = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(after["name"], "Support");
    assert_eq!(after["assignment"], set["assignment"]);
}

async fn round_robin_takes_turns_among_the_available_members(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    set_policy(&app, &seed, json!({ "mode": "round_robin" })).await;
    let mut got = Vec::new();
    for n in 0..4 {
        let id = arrives(&app, &seed, &format!("+1415555020{n}")).await;
        got.push(assignee(&app, &seed, &id).await.unwrap());
    }
    assert_ne!(got[0], got[1], "each member takes a turn");
    assert_eq!(got[0], got[2]);
    assert_eq!(got[1], got[3]);

    // The event says what assigned it; the timeline says it in words.
    let first = app.new_conversation(&seed, "+14155550210", "Hi").await;
    app.run_due_jobs().await;
    let events = assigned_events(&app, &seed, &first).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["auto"], "round_robin");
    assert_eq!(events[0]["actor_id"], Value::Null);
    let status = conversation(&app, &seed, &first).await["status"].clone();
    assert_eq!(status, "new", "it stays new for its assignee");

    // Away members get nothing new.
    set_availability(&app, &seed.ben, "away").await;
    for n in 0..3 {
        let id = arrives(&app, &seed, &format!("+1415555030{n}")).await;
        assert_eq!(
            assignee(&app, &seed, &id).await.as_deref(),
            Some(seed.ana.id.as_str())
        );
    }
    // Nobody available: it waits in the queue.
    set_availability(&app, &seed.ana, "away").await;
    let waiting = arrives(&app, &seed, "+14155550400").await;
    assert_eq!(assignee(&app, &seed, &waiting).await, None);
}

async fn balanced_respects_the_cap_and_freed_capacity_pulls_in_the_oldest(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    set_policy(&app, &seed, json!({ "mode": "balanced", "cap": 2 })).await;
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(arrives(&app, &seed, &format!("+1415555050{n}")).await);
    }
    let mut load = std::collections::HashMap::<String, usize>::new();
    for id in &ids[..4] {
        *load
            .entry(assignee(&app, &seed, id).await.unwrap())
            .or_default() += 1;
    }
    assert_eq!(load.get(&seed.ana.id), Some(&2));
    assert_eq!(load.get(&seed.ben.id), Some(&2));
    assert_eq!(
        assignee(&app, &seed, &ids[4]).await,
        None,
        "everyone is at the cap"
    );
    assert_eq!(assignee(&app, &seed, &ids[5]).await, None);

    // Ana finishes one: the oldest waiting conversation becomes hers.
    let mut anas = Vec::new();
    for id in &ids[..4] {
        if assignee(&app, &seed, id).await.as_deref() == Some(seed.ana.id.as_str()) {
            anas.push(id.clone());
        }
    }
    act(&app, &seed, &seed.ana, &anas[0], "done").await;
    assert_eq!(
        assignee(&app, &seed, &ids[4]).await.as_deref(),
        Some(seed.ana.id.as_str())
    );
    assert_eq!(assignee(&app, &seed, &ids[5]).await, None);
    let events = assigned_events(&app, &seed, &ids[4]).await;
    assert_eq!(events[0]["auto"], "balanced");

    let bens: Vec<String> = {
        let mut v = Vec::new();
        for id in &ids[..4] {
            if assignee(&app, &seed, id).await.as_deref() == Some(seed.ben.id.as_str()) {
                v.push(id.clone());
            }
        }
        v
    };
    act(&app, &seed, &seed.ben, &bens[0], "return-to-inbox").await;
    // Returned: not back to Ben, and Ana is full; Ben's freed place takes the
    // oldest other waiting conversation.
    assert_eq!(assignee(&app, &seed, &bens[0]).await, None);
    assert_eq!(
        assignee(&app, &seed, &ids[5]).await.as_deref(),
        Some(seed.ben.id.as_str())
    );
}

async fn contact_owner_gets_their_customers_else_the_fallback_decides(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    set_policy(
        &app,
        &seed,
        json!({ "mode": "contact_owner", "fallback": "round_robin" }),
    )
    .await;
    let owned = owned_by(&app, &seed, "+14155550600", &seed.ben).await;
    assert_eq!(
        assignee(&app, &seed, &owned).await.as_deref(),
        Some(seed.ben.id.as_str())
    );
    assert_eq!(
        assigned_events(&app, &seed, &owned).await[0]["auto"],
        "contact_owner"
    );

    // Reopened while still assigned: it stays with its owner.
    act(&app, &seed, &seed.admin, &owned, "done").await;
    set_availability(&app, &seed.ben, "away").await;
    app.text_from_customer(&seed, "+14155550600", "Me again")
        .await;
    app.run_due_jobs().await;
    assert_eq!(
        assignee(&app, &seed, &owned).await.as_deref(),
        Some(seed.ben.id.as_str())
    );

    // The owner away: the fallback (round robin) gives it to someone available.
    let fallback = owned_by(&app, &seed, "+14155550601", &seed.ben).await;
    assert_eq!(
        assignee(&app, &seed, &fallback).await.as_deref(),
        Some(seed.ana.id.as_str())
    );
    assert_eq!(
        assigned_events(&app, &seed, &fallback).await[0]["auto"],
        "round_robin"
    );
    // Nobody owns this one: the fallback too.
    let unowned = arrives(&app, &seed, "+14155550602").await;
    assert_eq!(
        assignee(&app, &seed, &unowned).await.as_deref(),
        Some(seed.ana.id.as_str())
    );
}

/// A new customer whose contact `owner` owns (set before the jobs run);
/// returns the conversation once they have.
async fn owned_by(app: &TestApp, seed: &Seed, from: &str, owner: &TestUser) -> String {
    let id = app.new_conversation(seed, from, "Hello?").await;
    let contact = conversation(app, seed, &id).await["contact"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/contacts/{contact}");
    let body = json!({ "owner_id": owner.id });
    json_of(
        app.api(seed, Method::PATCH, &path, Some(&seed.admin), Some(body))
            .await,
        200,
    )
    .await;
    app.run_due_jobs().await;
    id
}

async fn a_conversation_someone_took_is_never_auto_assigned(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    set_policy(&app, &seed, json!({ "mode": "round_robin" })).await;
    let id = app.new_conversation(&seed, "+14155550700", "Anyone?").await;
    // Ben takes it before the job runs.
    let path = format!("/conversations/{id}/assign-to-me");
    json_of(
        app.api(&seed, Method::POST, &path, Some(&seed.ben), None)
            .await,
        200,
    )
    .await;
    app.run_due_jobs().await;
    assert_eq!(
        assignee(&app, &seed, &id).await.as_deref(),
        Some(seed.ben.id.as_str())
    );
    let events = assigned_events(&app, &seed, &id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["auto"], Value::Null);
}

async fn returned_and_reopened_conversations_are_handed_out_again(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    // Done while the inbox was manual, nobody assigned.
    let old = app.new_conversation(&seed, "+14155550800", "Hi").await;
    act(&app, &seed, &seed.ana, &old, "done").await;
    set_policy(&app, &seed, json!({ "mode": "round_robin" })).await;

    // Reopened unassigned by the customer's next message: handed out.
    app.text_from_customer(&seed, "+14155550800", "Still broken")
        .await;
    app.run_due_jobs().await;
    let holder = assignee(&app, &seed, &old).await.unwrap();

    // Returned: handed to someone else than who returned it.
    let (returner, other) = if holder == seed.ana.id {
        (&seed.ana, &seed.ben)
    } else {
        (&seed.ben, &seed.ana)
    };
    act(&app, &seed, returner, &old, "return-to-inbox").await;
    assert_eq!(
        assignee(&app, &seed, &old).await.as_deref(),
        Some(other.id.as_str())
    );
}

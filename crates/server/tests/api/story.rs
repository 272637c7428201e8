//! The seeds' story over HTTP, end to end: a customer writes, the team
//! takes, passes and closes the conversation, and the timeline tells it all.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app, Seed, TestApp, TestUser};

on_both_backends!(a_conversation_goes_through_its_whole_life_over_http);

/// `POST /conversations/{id}/{action}` as `user`, expecting 200.
async fn act(
    app: &TestApp,
    seed: &Seed,
    user: &TestUser,
    id: &str,
    action: &str,
    body: Option<Value>,
) -> Value {
    let path = format!("/conversations/{id}/{action}");
    json_of(
        app.api(seed, Method::POST, &path, Some(user), body).await,
        200,
    )
    .await
}

async fn get(app: &TestApp, seed: &Seed, user: &TestUser, path: &str) -> Value {
    json_of(
        app.api(seed, Method::GET, path, Some(user), None).await,
        200,
    )
    .await
}

fn ids(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

async fn a_conversation_goes_through_its_whole_life_over_http(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let (ana, ben, admin) = (&seed.ana, &seed.ben, &seed.admin);

    // A customer writes: the conversation waits in Unassigned, new.
    let id = app
        .new_conversation(&seed, "+14155550123", "My sink is leaking")
        .await;
    let unassigned = get(&app, &seed, ana, "/conversations?assignee=none").await;
    assert_eq!(ids(&unassigned), [id.as_str()]);
    let item = &unassigned["items"][0];
    assert_eq!(item["status"], "new");
    assert_eq!(item["assignee_id"], Value::Null);
    assert_eq!(item["unread"], true);
    assert_eq!(item["contact"]["phone"], "+14155550123");
    assert_eq!(item["last_message"]["body"], "My sink is leaking");
    let counts = get(&app, &seed, ana, "/conversations/counts").await;
    assert_eq!(counts["unassigned"], 1);
    assert_eq!(counts["mine"], 0);
    assert_eq!(counts["open"], 1);

    // Ana takes it: it opens and is hers.
    let taken = act(&app, &seed, ana, &id, "assign-to-me", None).await;
    assert_eq!(taken["status"], "open");
    assert_eq!(taken["assignee_id"], ana.id.as_str());
    let counts = get(&app, &seed, ana, "/conversations/counts").await;
    assert_eq!(
        (counts["unassigned"].as_i64(), counts["mine"].as_i64()),
        (Some(0), Some(1))
    );

    // Ben cannot take what Ana holds.
    let refused = app
        .api(
            &seed,
            Method::POST,
            &format!("/conversations/{id}/assign-to-me"),
            Some(ben),
            None,
        )
        .await;
    assert_problem(refused, 409, "conflict_assigned").await;

    // The admin can; then hands it to Ben, who puts it back in the inbox.
    let taken_over = act(&app, &seed, admin, &id, "assign-to-me", None).await;
    assert_eq!(taken_over["assignee_id"], admin.id.as_str());
    let transferred = act(
        &app,
        &seed,
        admin,
        &id,
        "transfer",
        Some(json!({ "user_id": ben.id })),
    )
    .await;
    assert_eq!(transferred["assignee_id"], ben.id.as_str());
    let returned = act(&app, &seed, ben, &id, "return-to-inbox", None).await;
    assert_eq!(returned["assignee_id"], Value::Null);

    // Done: it leaves the Open view for Done.
    let done = act(&app, &seed, ana, &id, "done", None).await;
    assert_eq!(done["status"], "resolved");
    assert_eq!(
        ids(&get(&app, &seed, ana, "/conversations?view=done").await),
        [id.as_str()]
    );
    assert!(ids(&get(&app, &seed, ana, "/conversations").await).is_empty());

    // The customer writes again: it reopens.
    app.text_from_customer(&seed, "+14155550123", "Still leaking!")
        .await;
    let reopened = get(&app, &seed, ana, &format!("/conversations/{id}")).await;
    assert_eq!(reopened["status"], "open");

    // Snoozed for an hour; two hours later the wake job has reopened it.
    let until = app.state.clock.now() + chrono::Duration::hours(1);
    let snoozed = act(
        &app,
        &seed,
        ana,
        &id,
        "snooze",
        Some(json!({ "until": until })),
    )
    .await;
    assert_eq!(snoozed["status"], "snoozed");
    assert_eq!(
        ids(&get(&app, &seed, ana, "/conversations?view=snoozed").await),
        [id.as_str()]
    );
    app.state.clock.advance(chrono::Duration::hours(2));
    assert!(app.run_due_jobs().await >= 1);
    let woken = get(&app, &seed, ana, &format!("/conversations/{id}")).await;
    assert_eq!(woken["status"], "open");
    assert_eq!(woken["snoozed_until"], Value::Null);

    // Closed is final: the next message starts a new conversation pointing back.
    let closed = act(
        &app,
        &seed,
        ana,
        &id,
        "status",
        Some(json!({ "status": "closed" })),
    )
    .await;
    assert_eq!(closed["status"], "closed");
    let next = app
        .new_conversation(&seed, "+14155550123", "Hello again")
        .await;
    assert_ne!(next, id);
    let next = get(&app, &seed, ana, &format!("/conversations/{next}")).await;
    assert_eq!(next["previous_id"], id.as_str());
    assert_eq!(next["status"], "new");

    // The timeline tells each step, in order.
    let timeline = get(&app, &seed, ana, &format!("/conversations/{id}/timeline")).await;
    let steps: Vec<String> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| match item["type"].as_str().unwrap() {
            "status_changed" => format!("status:{}", item["to"].as_str().unwrap()),
            other => other.to_string(),
        })
        .collect();
    assert_eq!(
        steps,
        [
            "created",
            "message",
            "assigned",
            "status:open",
            "transferred",
            "transferred",
            "returned",
            "status:resolved",
            "status:open",
            "message",
            "status:snoozed",
            "status:open",
            "status:closed",
        ]
    );
    let items = timeline["items"].as_array().unwrap();
    assert_eq!(items[1]["message"]["body"], "My sink is leaking");
    assert_eq!(items[2]["actor_id"], ana.id.as_str());
    assert_eq!(items[4]["from_id"], ana.id.as_str());
    assert_eq!(items[4]["to_id"], admin.id.as_str());
    assert_eq!(
        items[11]["actor_id"],
        Value::Null,
        "the wake job acts for nobody"
    );
    assert_eq!(timeline["next_cursor"], Value::Null);
}

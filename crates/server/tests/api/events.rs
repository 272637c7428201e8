//! Live events over SSE: what arrives, what a reconnecting client is
//! replayed, what an agent outside an inbox never sees, and events crossing
//! from one node to another through PostgreSQL.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::helpers::{
    assert_problem, json_of, spawn_app, spawn_app_with, Seed, SseClient, TestApp,
};

on_both_backends!(
    a_member_sees_a_change_arrive_as_it_happens,
    a_client_reconnecting_with_last_event_id_gets_exactly_what_it_missed,
    an_agent_outside_an_inbox_receives_none_of_its_events,
    a_last_event_id_that_is_not_an_event_id_is_refused,
    the_stream_ends_when_the_server_shuts_down,
    a_feed_that_fell_behind_the_hub_catches_up_from_the_store,
    a_stream_ends_once_its_session_is_logged_out_or_its_token_revoked,
);

/// A short wait that proves a negative: nothing more was sent.
const QUIET: Duration = Duration::from_millis(300);

async fn change(app: &TestApp, seed: &Seed, method: Method, path: &str, body: Option<Value>) {
    let response = app.api(seed, method, path, Some(&seed.ana), body).await;
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.text().await.unwrap()
    );
}

async fn a_member_sees_a_change_arrive_as_it_happens(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let mut stream = app.events(&seed, &seed.ana, None).await;

    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    let created = stream.next().await;
    assert_eq!(created.event.as_deref(), Some("created"));
    let data = created.json();
    assert_eq!(data["type"], "created");
    assert_eq!(data["conversation_id"], id.as_str());
    assert_eq!(data["inbox_id"], seed.inbox_id.as_str());
    assert_eq!(data["workspace_id"], seed.workspace_id.as_str());
    assert_eq!(data["seq"], created.seq());
    assert!(data["created_at"].is_string());
    let message = stream.next().await;
    assert_eq!(message.event.as_deref(), Some("message"));
    assert_eq!(message.json()["message_kind"], "inbound");
    assert!(message.seq() > created.seq());

    change(
        &app,
        &seed,
        Method::POST,
        &format!("/conversations/{id}/assign-to-me"),
        None,
    )
    .await;
    let assigned = stream.next().await;
    assert_eq!(assigned.event.as_deref(), Some("assigned"));
    assert_eq!(assigned.json()["assignee_id"], seed.ana.id.as_str());
    assert_eq!(assigned.json()["actor_id"], seed.ana.id.as_str());
    let opened = stream.next().await;
    assert_eq!(opened.event.as_deref(), Some("status_changed"));
    assert_eq!(
        (opened.json()["from"].as_str(), opened.json()["to"].as_str()),
        (Some("new"), Some("open"))
    );
    assert!(stream.next_within(QUIET).await.is_none());
}

async fn a_client_reconnecting_with_last_event_id_gets_exactly_what_it_missed(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    // The stream must start after the conversation's first events (as in
    // `a_feed_that_fell_behind_the_hub_catches_up_from_the_store`): on
    // PostgreSQL other databases' transactions can hold them back, and they
    // would arrive first.
    app.settle_jobs().await;
    let mut stream = app.events(&seed, &seed.ana, None).await;
    change(
        &app,
        &seed,
        Method::POST,
        &format!("/conversations/{id}/assign-to-me"),
        None,
    )
    .await;
    stream.next().await;
    let last = stream.next().await.seq();
    drop(stream);

    // Two changes while disconnected, each one event.
    change(
        &app,
        &seed,
        Method::PUT,
        &format!("/conversations/{id}/tags"),
        Some(json!({ "tags": ["vip"] })),
    )
    .await;
    change(
        &app,
        &seed,
        Method::PATCH,
        &format!("/conversations/{id}"),
        Some(json!({ "subject": "Leak" })),
    )
    .await;

    let mut stream = app.events(&seed, &seed.ana, Some(last)).await;
    let first = stream.next().await;
    let second = stream.next().await;
    assert_eq!(first.event.as_deref(), Some("tags_changed"));
    assert_eq!(first.json()["tags"], json!(["vip"]));
    assert_eq!(second.event.as_deref(), Some("subject_changed"));
    assert!(last < first.seq() && first.seq() < second.seq());
    assert!(stream.next_within(QUIET).await.is_none(), "no repeats");

    // Then it is live again, with no gap.
    change(
        &app,
        &seed,
        Method::POST,
        &format!("/conversations/{id}/lock"),
        None,
    )
    .await;
    let locked = stream.next().await;
    assert_eq!(locked.event.as_deref(), Some("locked"));
    assert!(locked.seq() > second.seq());

    // The query parameter works for clients that cannot set the header.
    let url = format!(
        "{}/api/v1/workspaces/{}/events?last_event_id={last}",
        app.address, seed.workspace_id
    );
    let response = app
        .client
        .get(url)
        .bearer_auth(&seed.ana.token)
        .send()
        .await
        .unwrap();
    let mut polyfill = SseClient::from_response(response);
    assert_eq!(polyfill.next().await.seq(), first.seq());
    assert_eq!(polyfill.next().await.seq(), second.seq());
    assert_eq!(polyfill.next().await.seq(), locked.seq());
}

async fn an_agent_outside_an_inbox_receives_none_of_its_events(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let billing = app.extra_inbox(&seed, "Billing", &[&seed.outsider]).await;
    let mut outsider = app.events(&seed, &seed.outsider, None).await;
    let mut admin = app.events(&seed, &seed.admin, None).await;

    // Activity in Support, then in Billing.
    let id = app
        .new_conversation(&seed, "+14155550123", "Support question")
        .await;
    change(
        &app,
        &seed,
        Method::POST,
        &format!("/conversations/{id}/assign-to-me"),
        None,
    )
    .await;
    app.text_channel(&billing, "+14155550124", "Billing question")
        .await;

    // The outsider's first event is Billing's: nothing of Support came before.
    let first = outsider.next().await;
    assert_eq!(first.event.as_deref(), Some("created"));
    assert_eq!(first.json()["inbox_id"], billing.inbox_id.as_str());
    assert_eq!(
        outsider.next().await.json()["inbox_id"],
        billing.inbox_id.as_str()
    );
    assert!(outsider.next_within(QUIET).await.is_none());

    // Replaying from the start shows them Billing only, too.
    let mut replay = app.events(&seed, &seed.outsider, Some(0)).await;
    for _ in 0..2 {
        assert_eq!(
            replay.next().await.json()["inbox_id"],
            billing.inbox_id.as_str()
        );
    }
    assert!(replay.next_within(QUIET).await.is_none());

    // The admin sees every inbox.
    let mut inboxes = Vec::new();
    for _ in 0..6 {
        inboxes.push(
            admin.next().await.json()["inbox_id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(inboxes.iter().filter(|i| **i == seed.inbox_id).count(), 4);
    assert_eq!(
        inboxes
            .iter()
            .filter(|i| **i == billing.inbox_id.as_str())
            .count(),
        2
    );
}

async fn a_last_event_id_that_is_not_an_event_id_is_refused(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let url = format!(
        "{}/api/v1/workspaces/{}/events",
        app.address, seed.workspace_id
    );
    let response = app
        .client
        .get(&url)
        .bearer_auth(&seed.ana.token)
        .header("Last-Event-ID", "yesterday")
        .send()
        .await
        .unwrap();
    assert_problem(response, 400, "validation").await;
    let anonymous = app.api(&seed, Method::GET, "/events", None, None).await;
    assert_problem(anonymous, 401, "unauthenticated").await;
    let stranger = app
        .api(&seed, Method::GET, "/events", Some(&seed.stranger), None)
        .await;
    assert_problem(stranger, 404, "not_found").await;
}

async fn the_stream_ends_when_the_server_shuts_down(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let stream = app.events(&seed, &seed.ana, None).await;
    app.state.shutdown.cancel();
    assert!(stream.ends_within(Duration::from_secs(5)).await);
}

#[tokio::test]
async fn a_stream_outlives_the_request_timeout() {
    let Some(app) = crate::helpers::spawn_app_with(Backend::Sqlite, |settings| {
        settings.request_timeout_secs = 1;
    })
    .await
    else {
        return;
    };
    let seed = app.seed().await;
    let mut stream = app.events(&seed, &seed.ana, None).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let id = app
        .new_conversation(&seed, "+14155550123", "Still there?")
        .await;
    let created = stream.next().await;
    assert_eq!(created.json()["conversation_id"], id.as_str());
}

/// Two nodes share one PostgreSQL: a change made through one reaches the
/// stream of the other, once; and the other's own changes are not doubled.
#[tokio::test]
async fn events_made_on_one_node_reach_the_clients_of_another() {
    let Some(first) = spawn_app(Backend::Postgres).await else {
        return;
    };
    let second = first.second_node().await;
    let seed = first.seed().await;
    let mut on_second = second.events(&seed, &seed.ana, None).await;
    let mut on_first = first.events(&seed, &seed.ana, None).await;

    // A customer writes to the first node; then Ana acts on the second.
    let id = first.new_conversation(&seed, "+14155550123", "Hi").await;
    let created = on_second.next().await;
    assert_eq!(created.event.as_deref(), Some("created"));
    assert_eq!(created.json()["conversation_id"], id.as_str());
    assert_eq!(on_second.next().await.event.as_deref(), Some("message"));
    let response = second
        .api(
            &seed,
            Method::POST,
            &format!("/conversations/{id}/assign-to-me"),
            Some(&seed.ana),
            None,
        )
        .await;
    json_of(response, 200).await;
    let mut seen_on_second = Vec::new();
    let mut seen_on_first = Vec::new();
    for _ in 0..2 {
        seen_on_second.push(on_second.next().await.event.unwrap());
    }
    for _ in 0..4 {
        seen_on_first.push(on_first.next().await.event.unwrap());
    }
    assert_eq!(seen_on_second, ["assigned", "status_changed"]);
    assert_eq!(
        seen_on_first,
        ["created", "message", "assigned", "status_changed"]
    );
    assert!(on_second.next_within(QUIET).await.is_none(), "no doubles");
    assert!(on_first.next_within(QUIET).await.is_none(), "no doubles");
}

/// A node whose hub keeps only two events: a feed not read while six are
/// published falls behind, and must read what it missed from the store.
async fn a_feed_that_fell_behind_the_hub_catches_up_from_the_store(backend: Backend) {
    use futures_util::StreamExt;
    use switchboard_server::http::sse;
    use switchboard_server::realtime::Hub;
    use switchboard_server::services::access::Principal;
    use switchboard_server::services::messages::{self, Post};

    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let id = app.new_conversation(&seed, "+14155550123", "Hi").await;
    let id = domain::ConversationId::parse(&id).unwrap();
    // On PostgreSQL the log is read below the oldest running transaction of
    // the whole cluster, which other tests' databases hold back for a while:
    // wait until the conversation's first events are readable, so that the
    // feed opened next starts after them.
    app.run_due_jobs().await;
    let mut node = app.state.clone();
    node.hub = Hub::with_capacity(2);
    let ana = {
        let mut reader = app.store.read().await.unwrap();
        let id = domain::UserId::parse(&seed.ana.id).unwrap();
        store::users::get(&mut reader.conn(), &id)
            .await
            .unwrap()
            .unwrap()
    };
    let who = Principal {
        user: ana,
        workspace_id: domain::WorkspaceId::parse(&seed.workspace_id).unwrap(),
        role: domain::Role::Agent,
    };
    let mut feed = Box::pin(
        // The proof is only checked after `live_recheck_secs` (30 s), long after this test.
        sse::open(
            &node,
            who.clone(),
            sse::Proof::Token("unchecked".into()),
            None,
        )
        .await
        .unwrap()
        .into_stream(),
    );

    // Five notes: the first also opens the conversation. Six events, unread.
    for n in 0..5 {
        let note = Post {
            attachments: Vec::new(),
            kind: domain::MessageKind::Note,
            body: domain::MessageBody::parse(&format!("note {n}"), false).unwrap(),
            expected_version: None,
            send_at: None,
        };
        messages::post(&node, &who, &id, note).await.unwrap();
    }
    let mut received = Vec::new();
    for _ in 0..6 {
        let event = tokio::time::timeout(Duration::from_secs(10), feed.next())
            .await
            .expect("an event")
            .expect("the feed goes on");
        received.push(event);
    }
    let kinds: Vec<&str> = received.iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "status_changed",
            "message",
            "message",
            "message",
            "message",
            "message"
        ]
    );
    assert!(received.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(received.iter().all(|e| e.conversation_id == id));
    let more = tokio::time::timeout(QUIET, feed.next()).await;
    assert!(more.is_err(), "nothing twice: {more:?}");
}

/// Logging out or revoking a token ends the streams opened with it (at the
/// next recheck, here every second); a stream whose proof still holds goes on.
async fn a_stream_ends_once_its_session_is_logged_out_or_its_token_revoked(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.live_recheck_secs = 1).await else {
        return;
    };
    let seed = app.seed().await;
    let events_url = format!(
        "{}/api/v1/workspaces/{}/events",
        app.address, seed.workspace_id
    );
    let mut admin = app.events(&seed, &seed.admin, None).await;

    // A browser session's stream, then its logout.
    app.set_password(&seed.ana, "correct horse battery").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = browser
        .post(format!("{}/api/v1/session", app.address))
        .json(&json!({"email": seed.ana.email, "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    let csrf = json_of(login, 200).await["csrf_token"]
        .as_str()
        .unwrap()
        .to_string();
    let response = browser.get(&events_url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let session_stream = SseClient::from_response(response);
    let out = browser
        .delete(format!("{}/api/v1/session", app.address))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert!(session_stream.ends_within(Duration::from_secs(5)).await);

    // An API token's stream, then the token revoked.
    let token_stream = app.events(&seed, &seed.ben, None).await;
    let tokens: Value = app
        .client
        .get(format!("{}/api/v1/tokens", app.address))
        .bearer_auth(&seed.ben.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = tokens["items"][0]["id"].as_str().unwrap().to_string();
    let revoked = app
        .client
        .delete(format!("{}/api/v1/tokens/{id}", app.address))
        .bearer_auth(&seed.ben.token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert!(token_stream.ends_within(Duration::from_secs(5)).await);

    // The admin's stream has been rechecked several times and still delivers.
    app.new_conversation(&seed, "+14155550123", "Still there?")
        .await;
    assert_eq!(admin.next().await.event.as_deref(), Some("created"));
}

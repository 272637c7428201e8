//! Work that waited while nobody could take it goes out at once when that
//! changes: a member comes back from away, or the inbox turns automatic.
//! Oldest first, within the caps.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use super::{arrives, assignee, set_availability, set_policy};
use crate::helpers::{json_of, spawn_app, Seed, TestApp};

on_both_backends!(
    coming_back_from_away_takes_the_oldest_waiting_conversations_up_to_the_cap,
    turning_an_inbox_automatic_hands_out_what_waited_oldest_first,
);

/// The kinds of the jobs waiting to run, as the admin lists them.
async fn pending_kinds(app: &TestApp, seed: &Seed) -> Vec<String> {
    let jobs = json_of(
        app.api(
            seed,
            Method::GET,
            "/jobs?state=pending",
            Some(&seed.admin),
            None,
        )
        .await,
        200,
    )
    .await;
    jobs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn coming_back_from_away_takes_the_oldest_waiting_conversations_up_to_the_cap(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    set_policy(&app, &seed, json!({ "mode": "balanced", "cap": 2 })).await;
    set_availability(&app, &seed.ana, "away").await;
    set_availability(&app, &seed.ben, "away").await;
    let mut waiting = Vec::new();
    for n in 0..3 {
        waiting.push(arrives(&app, &seed, &format!("+1415555090{n}")).await);
    }
    for id in &waiting {
        assert_eq!(assignee(&app, &seed, id).await, None, "everyone is away");
    }

    // Ana is back: the change itself plans the hand-out.
    set_availability(&app, &seed.ana, "available").await;
    assert!(
        pending_kinds(&app, &seed)
            .await
            .contains(&"hand_out_waiting".to_string()),
        "planned with the change"
    );
    app.run_due_jobs().await;
    let ana = Some(seed.ana.id.clone());
    assert_eq!(assignee(&app, &seed, &waiting[0]).await, ana);
    assert_eq!(assignee(&app, &seed, &waiting[1]).await, ana);
    assert_eq!(
        assignee(&app, &seed, &waiting[2]).await,
        None,
        "Ana is at her cap"
    );

    // Saying "available" again plans nothing more; Ben's return takes the last.
    set_availability(&app, &seed.ana, "available").await;
    assert!(!pending_kinds(&app, &seed)
        .await
        .contains(&"hand_out_waiting".to_string()));
    set_availability(&app, &seed.ben, "available").await;
    app.run_due_jobs().await;
    assert_eq!(
        assignee(&app, &seed, &waiting[2]).await,
        Some(seed.ben.id.clone())
    );
}

async fn turning_an_inbox_automatic_hands_out_what_waited_oldest_first(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let mut waiting = Vec::new();
    for n in 0..3 {
        waiting.push(arrives(&app, &seed, &format!("+1415555091{n}")).await);
    }
    // Manual: nothing is handed out.
    for id in &waiting {
        assert_eq!(assignee(&app, &seed, id).await, None);
    }

    set_policy(&app, &seed, json!({ "mode": "round_robin", "cap": 1 })).await;
    app.run_due_jobs().await;
    let first = assignee(&app, &seed, &waiting[0]).await.unwrap();
    let second = assignee(&app, &seed, &waiting[1]).await.unwrap();
    assert_ne!(first, second, "one each: the cap is 1");
    assert_eq!(assignee(&app, &seed, &waiting[2]).await, None);
    let events = app
        .timeline_items(&seed, &seed.admin, &waiting[0], "assigned")
        .await;
    assert_eq!(events[0]["auto"], "round_robin");

    // A higher cap makes room: the last one goes out too.
    set_policy(&app, &seed, json!({ "mode": "round_robin", "cap": 2 })).await;
    app.run_due_jobs().await;
    assert!(assignee(&app, &seed, &waiting[2]).await.is_some());
}

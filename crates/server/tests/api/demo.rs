//! `switchboard demo`: the data it loads looks lived in, and never ahead of now.

use chrono::{DateTime, Utc};
use serde_json::Value;
use store::Backend;
use switchboard_server::demo;

use crate::helpers::{json_of, spawn_app};

#[tokio::test]
async fn the_demo_has_nothing_dated_after_now() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let summary = demo::load(&app.state).await.unwrap();
    assert!(summary.conversations > 0);
    let now = app.state.clock.now();
    app.login(demo::OWNER_EMAIL, demo::PASSWORD).await;
    let me = json_of(app.get("/api/v1/me").await, 200).await;
    let ws = me["workspaces"][0]["id"].as_str().unwrap().to_string();
    let mut cursor: Option<String> = None;
    let mut seen = 0;
    loop {
        let mut path = format!("/api/v1/workspaces/{ws}/conversations?view=all&limit=200");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = json_of(app.get(&path).await, 200).await;
        for item in page["items"].as_array().unwrap() {
            seen += 1;
            // The last activity is the latest of its messages and changes.
            let at: DateTime<Utc> = item["last_activity_at"].as_str().unwrap().parse().unwrap();
            assert!(at <= now, "{} is dated {at}, after {now}", item["id"]);
        }
        match &page["next_cursor"] {
            Value::String(next) => cursor = Some(next.clone()),
            _ => break,
        }
    }
    assert!(seen >= summary.conversations / 2, "{seen}");
}

//! An inbox's "Notify users and channels" and throttle, as admins edit them.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use crate::helpers::{assert_problem, json_of, spawn_app};

on_both_backends!(admins_edit_the_targets_and_bad_entries_are_refused_by_name);

async fn admins_edit_the_targets_and_bad_entries_are_refused_by_name(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let path = format!("/inboxes/{}/notify", seed.inbox_id);
    let default = app
        .api(&seed, Method::GET, &path, Some(&seed.admin), None)
        .await;
    let default = json_of(default, 200).await;
    assert_eq!(default["notify_throttle_secs"], 180);
    assert_eq!(default["custom"], false);
    assert_eq!(default["targets"].as_array().unwrap().len(), 2, "{default}");

    let saved = app
        .api(
            &seed,
            Method::PUT,
            &path,
            Some(&seed.admin),
            Some(json!({ "notify_throttle_secs": 60, "targets": [
                { "type": "member", "user_id": seed.ana.id },
                { "type": "slack_channel", "channel_id": "C0123ABCD", "name": "#support" },
                { "type": "email", "address": "team@example.com" },
            ] })),
        )
        .await;
    let saved = json_of(saved, 200).await;
    assert_eq!(saved["custom"], true);
    assert_eq!(saved["targets"][1]["name"], "support");
    let read = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(read["targets"], saved["targets"]);
    assert_eq!(read["notify_throttle_secs"], 60);

    for (body, field) in [
        (
            json!({ "targets": [{ "type": "member", "user_id": seed.outsider.id }] }),
            "targets[0].user_id",
        ),
        (
            json!({ "targets": [{ "type": "slack_channel", "channel_id": "general" }] }),
            "targets[0].channel_id",
        ),
        (
            json!({ "targets": [{ "type": "email", "address": "nope" }] }),
            "targets[0].address",
        ),
        (
            json!({ "notify_throttle_secs": 86401, "targets": [] }),
            "notify_throttle_secs",
        ),
    ] {
        let refused = app
            .api(&seed, Method::PUT, &path, Some(&seed.admin), Some(body))
            .await;
        let problem = assert_problem(refused, 422, "validation").await;
        assert!(
            problem["detail"].as_str().unwrap().contains(field),
            "{problem}"
        );
    }
    // Nothing of a refused change was kept.
    let read = json_of(
        app.api(&seed, Method::GET, &path, Some(&seed.admin), None)
            .await,
        200,
    )
    .await;
    assert_eq!(read["notify_throttle_secs"], 60);
    // Agents do not manage it.
    let ana = app
        .api(&seed, Method::GET, &path, Some(&seed.ana), None)
        .await;
    assert_eq!(ana.status(), 403);
}

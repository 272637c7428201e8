//! The ingest bench, run small: every acknowledged webhook stored once.

use store::Backend;
use switchboard_server::bench::{self, IngestOptions};

async fn the_ingest_bench_stores_every_acknowledged_webhook_exactly_once(backend: Backend) {
    let Some(store) = store::testing::fresh_store(backend).await.unwrap() else {
        return;
    };
    let options = IngestOptions {
        messages: 200,
        concurrency: 8,
        contacts: 20,
        database_url: None,
        ..IngestOptions::default()
    };
    let report = bench::ingest_on(store, &options).await.unwrap();
    assert_eq!(report.messages, 200);
    assert_eq!(report.failed, 0, "{report}");
    assert_eq!(report.lost, 0, "{report}");
    assert_eq!(report.duplicated, 0, "{report}");
    assert!(report.msgs_per_sec > 0.0);
    assert!(report.p50_ms <= report.p99_ms);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["lost"], 0);
}

on_both_backends!(the_ingest_bench_stores_every_acknowledged_webhook_exactly_once);

/// With a Slack channel notified, every conversation is posted once (the
/// throttle folds the rest) and no text is lost on the way.
#[tokio::test]
async fn the_ingest_bench_with_slack_posts_once_per_conversation() {
    let Some(store) = store::testing::fresh_store(Backend::Sqlite).await.unwrap() else {
        return;
    };
    let options = IngestOptions {
        messages: 200,
        concurrency: 8,
        contacts: 20,
        notify_slack: true,
        ..IngestOptions::default()
    };
    let report = bench::ingest_on(store, &options).await.unwrap();
    assert_eq!(report.lost, 0, "{report}");
    assert_eq!(report.failed, 0, "{report}");
    assert!(report.jobs);
    assert_eq!(report.slack_posts, 20, "{report}");
}

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

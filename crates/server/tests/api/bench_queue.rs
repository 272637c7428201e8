//! The queue bench, run tiny on both databases: it loads, times every
//! figure, and leaves the queue counters exact.

use store::Backend;
use switchboard_server::bench::queue::{self, QueueOptions};

/// Every figure the JSON line must carry (scripts and the README read them).
const FIGURES: &[&str] = &[
    "list.open.unassigned",
    "list.open.mine",
    "list.open.others",
    "list.open.all",
    "list.done.unassigned",
    "list.done.mine",
    "list.done.others",
    "list.done.all",
    "list.snoozed.unassigned",
    "list.snoozed.mine",
    "list.snoozed.others",
    "list.snoozed.all",
    "list.admin.open.all",
    "list.admin.open.unassigned",
    "list.admin.done.all",
    "list.inbox.open.all",
    "filter.status",
    "filter.priority",
    "filter.tag",
    "filter.unread",
    "filter.contact_owner",
    "filter.contact",
    "filter.assignee",
    "sort.created",
    "sort.priority",
    "sort.waiting",
    "sort.due",
    "page2.open.all",
    "counts.agent",
    "counts.admin",
    "sidebar.agent",
    "sidebar.admin",
    "timeline",
    "detail",
    "search.rare",
    "search.common",
    "search.contact_name",
    "search.phone_digits",
    "search.prefix",
    "action.assign",
    "action.done",
    "action.note",
];

async fn the_queue_bench_times_every_figure_and_keeps_the_counters_exact(backend: Backend) {
    let Some(store) = store::testing::fresh_store(backend).await.unwrap() else {
        return;
    };
    let options = QueueOptions {
        conversations: 200,
        messages: 1000,
        runs: 2,
        idle: Some(std::time::Duration::ZERO),
        ..QueueOptions::default()
    };
    let report = queue::queue_on(store, &options).await.unwrap();
    assert_eq!(report.conversations, 200, "{report}");
    assert!((700..1300).contains(&report.messages), "{report}");
    assert!(report.loaded.is_some());
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let figures = json["figures"].as_object().unwrap();
    for name in FIGURES {
        let figure = &figures[*name];
        let (p50, p99) = (
            figure["p50_ms"].as_f64().unwrap(),
            figure["p99_ms"].as_f64().unwrap(),
        );
        assert!(p50 > 0.0 && p50 <= p99, "{name}: {figure}");
    }
    assert_eq!(figures.len(), FIGURES.len(), "{}", json["figures"]);
    assert_eq!(
        report.counter_drift, 0,
        "counter rows differ from a recount"
    );
    // The server's memory once idle, so that the README's claim can be rerun.
    let idle = json["rss_idle_mb"].as_f64().unwrap();
    assert!(
        idle > 1.0 && idle <= json["rss_peak_mb"].as_f64().unwrap(),
        "{json}"
    );
}

on_both_backends!(the_queue_bench_times_every_figure_and_keeps_the_counters_exact);

/// `--keep` then `--reuse`: the second run times the first one's database
/// without loading it again.
#[tokio::test]
async fn a_kept_database_is_timed_again_without_loading() {
    let dir = std::env::temp_dir().join(format!("switchboard-tests/{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("queue.db").display());
    let options = QueueOptions {
        conversations: 200,
        messages: 400,
        runs: 1,
        idle: None,
        database_url: Some(url.clone()),
        ..QueueOptions::default()
    };
    let first = queue::queue(options.clone()).await.unwrap();
    assert!(first.loaded.is_some());
    let again = queue::queue(QueueOptions {
        reuse: true,
        ..options.clone()
    })
    .await
    .unwrap();
    assert!(again.loaded.is_none(), "{again}");
    assert_eq!(again.conversations, 200);
    assert_eq!(again.figures.len(), FIGURES.len());
    // Loading twice into one database is refused rather than mixing datasets.
    let err = queue::queue(options).await.unwrap_err();
    assert!(err.to_string().contains("--reuse"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

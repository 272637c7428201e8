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

/// Rows of the counter tables that differ from a recount of the
/// conversations and read cursors (migration 0016's fill), either way.
const COUNTER_DRIFT: &str = "
SELECT COUNT(*) FROM (
  SELECT * FROM (
    SELECT inbox_id, status, COALESCE(assignee_id, '') AS k, COUNT(*) AS n,
           SUM(CASE WHEN last_inbound_at IS NULL THEN 0 ELSE 1 END) AS w
    FROM conversations GROUP BY inbox_id, status, COALESCE(assignee_id, '')
    EXCEPT
    SELECT inbox_id, status, assignee_key, conversations, with_inbound
    FROM queue_counters WHERE conversations <> 0
  ) a
  UNION ALL
  SELECT * FROM (
    SELECT inbox_id, status, assignee_key, conversations, with_inbound
    FROM queue_counters WHERE conversations <> 0
    EXCEPT
    SELECT inbox_id, status, COALESCE(assignee_id, ''), COUNT(*),
           SUM(CASE WHEN last_inbound_at IS NULL THEN 0 ELSE 1 END)
    FROM conversations GROUP BY inbox_id, status, COALESCE(assignee_id, '')
  ) b
  UNION ALL
  SELECT * FROM (
    SELECT c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, ''), COUNT(*)
    FROM read_cursors rc JOIN conversations c ON c.id = rc.conversation_id
    WHERE rc.read_at >= c.last_inbound_at
    GROUP BY c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, '')
    EXCEPT
    SELECT inbox_id, reader, status, assignee_key, n FROM read_counters WHERE n <> 0
  ) c
  UNION ALL
  SELECT * FROM (
    SELECT inbox_id, reader, status, assignee_key, n FROM read_counters WHERE n <> 0
    EXCEPT
    SELECT c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, ''), COUNT(*)
    FROM read_cursors rc JOIN conversations c ON c.id = rc.conversation_id
    WHERE rc.read_at >= c.last_inbound_at
    GROUP BY c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, '')
  ) d
) drift WHERE $1 = ''";

async fn the_queue_bench_times_every_figure_and_keeps_the_counters_exact(backend: Backend) {
    let Some(store) = store::testing::fresh_store(backend).await.unwrap() else {
        return;
    };
    let options = QueueOptions {
        conversations: 200,
        messages: 1000,
        runs: 2,
        ..QueueOptions::default()
    };
    let report = queue::queue_on(store.clone(), &options).await.unwrap();
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
    let drift = store::testing::scalar(&store, COUNTER_DRIFT, "")
        .await
        .unwrap();
    assert_eq!(
        drift, 0,
        "counter rows differ from a recount after the load and the actions"
    );

    // Timed again without loading: the same figures.
    let again = QueueOptions {
        reuse: true,
        database_url: Some("unused".into()),
        ..options
    };
    let report = queue::queue_on(store, &again).await.unwrap();
    assert!(report.loaded.is_none());
    assert_eq!(report.figures.len(), FIGURES.len());
}

on_both_backends!(the_queue_bench_times_every_figure_and_keeps_the_counters_exact);

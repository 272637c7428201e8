//! `GET /metrics`: what an operator's Prometheus scrapes.

use reqwest::Method;
use serde_json::json;
use store::Backend;

use crate::helpers::{spawn_app, spawn_app_with};

on_both_backends!(
    metrics_count_requests_by_route_and_show_ingest_jobs_streams_and_pools,
    with_their_own_address_metrics_are_served_there_only,
);

async fn scrape(url: &str) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    response.text().await.unwrap()
}

/// The value of the one series whose line starts with `series`.
fn value(text: &str, series: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.starts_with(series))
        .unwrap_or_else(|| panic!("no {series} in\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

async fn metrics_count_requests_by_route_and_show_ingest_jobs_streams_and_pools(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
    app.get("/no/such/thing/123").await;
    // A customer's text through the simulator goes through the ingest writer.
    let texted = app
        .request(
            Method::POST,
            &format!("{}/simulator/api/messages", app.address),
            None,
            Some(json!({"from": "+14155550123", "to": seed.channel.address, "body": "Hi"})),
        )
        .await;
    assert_eq!(texted.status(), 201);
    let texted: serde_json::Value = texted.json().await.unwrap();
    // A reply is a delivery job, pending until the worker runs.
    let path = format!(
        "/conversations/{}/messages",
        texted["conversation_id"].as_str().unwrap()
    );
    let reply = json!({"kind": "reply", "body": "We are open"});
    let replied = app
        .api(&seed, Method::POST, &path, Some(&seed.ana), Some(reply))
        .await;
    assert_eq!(replied.status(), 201);
    // Reactions turn the reply's events into its delivery job.
    switchboard_server::reactions::catch_up(&app.state)
        .await
        .unwrap();
    // A live event stream, kept open while scraping.
    let stream = app
        .client
        .get(format!(
            "{}/api/v1/workspaces/{}/events",
            app.address, seed.workspace_id
        ))
        .bearer_auth(&seed.ana.token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);

    let text = scrape(&format!("{}/metrics", app.address)).await;
    assert_eq!(
        value(
            &text,
            r#"switchboard_http_requests_total{method="GET",route="/healthz",status="200"}"#
        ),
        3.0
    );
    // Unmatched paths share one series instead of making one each.
    assert!(
        text.contains(r#"route="(unmatched)",status="404""#),
        "{text}"
    );
    assert!(!text.contains("/no/such/thing"), "{text}");
    assert!(
        value(
            &text,
            r#"switchboard_http_request_duration_seconds_count{method="GET",route="/healthz"}"#
        ) >= 3.0
    );
    assert!(text.contains("switchboard_http_request_duration_seconds_bucket{"));
    assert_eq!(value(&text, "switchboard_ingest_batch_size_count"), 1.0);
    assert_eq!(value(&text, "switchboard_ingest_queue_depth"), 0.0);
    assert!(text.contains("switchboard_db_log_flushes_total"), "{text}");
    assert_eq!(value(&text, "switchboard_sse_clients"), 1.0);
    assert!(
        text.contains(r#"switchboard_db_pool_connections{pool="#),
        "{text}"
    );
    assert!(
        text.contains(r#"switchboard_jobs{kind="#) && text.contains(r#"status="pending"} 1"#),
        "{text}"
    );

    // The stream closed is a client fewer.
    drop(stream);
    let mut clients = 1.0;
    for _ in 0..50 {
        let text = scrape(&format!("{}/metrics", app.address)).await;
        clients = value(&text, "switchboard_sse_clients");
        if clients == 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(clients, 0.0);
}

async fn with_their_own_address_metrics_are_served_there_only(backend: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let own = format!("127.0.0.1:{port}");
    let Some(app) = spawn_app_with(backend, |settings| {
        settings.metrics_listen = Some(own.parse().unwrap());
    })
    .await
    else {
        return;
    };
    assert_eq!(app.get("/metrics").await.status(), 404);
    let text = scrape(&format!("http://{own}/metrics")).await;
    assert!(text.contains("switchboard_sse_clients"), "{text}");
}

//! The server killed (SIGKILL) while deliveries are in flight: after a
//! restart on the same database every event still arrives, signed, at least
//! once, and the delivery log has each event once.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use super::receiver::Receiver;
use crate::cli::{scratch_dir, switchboard};

/// How many customers text in.
const TEXTS: usize = 12;
/// Long enough for a loaded CI machine, short enough that a hang fails fast.
const PATIENCE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_server_killed_mid_delivery_delivers_every_event_after_a_restart_on_sqlite() {
    let dir = scratch_dir("webhook-crash");
    let url = format!("sqlite://{}", dir.join("crash.db").display());
    killed_mid_delivery(&dir, &url).await;
}

#[tokio::test]
async fn a_server_killed_mid_delivery_delivers_every_event_after_a_restart_on_postgres() {
    let Some((url, drop_it)) = fresh_postgres().await else {
        return;
    };
    let dir = scratch_dir("webhook-crash-pg");
    killed_mid_delivery(&dir, &url).await;
    drop_it.await;
}

async fn killed_mid_delivery(dir: &Path, url: &str) {
    let receiver = Receiver::start().await;
    // Each delivery takes a while to answer, so that the kill finds some in flight.
    receiver.hold(Duration::from_millis(300));
    let (mut server, address) = serve(dir, url).await;
    let client = reqwest::Client::new();

    let response = client
        .post(format!("{address}/api/v1/setup"))
        .json(&json!({
            "email": "owner@example.com", "password": "correct horse battery staple",
            "name": "Olivia Owner", "workspace_name": "Acme",
        }))
        .send()
        .await
        .unwrap();
    let cookie = cookie_of(&response);
    let setup: Value = response.json().await.unwrap();
    let csrf = setup["csrf_token"]
        .as_str()
        .expect("setup logs in")
        .to_string();
    let call = |method: reqwest::Method, path: String, body: Value| {
        client
            .request(method, format!("{address}{path}"))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&body)
    };
    let ws = setup["workspace"]["id"]
        .as_str()
        .or_else(|| setup["workspace_id"].as_str())
        .unwrap()
        .to_string();
    let inbox: Value = call(
        reqwest::Method::POST,
        format!("/api/v1/workspaces/{ws}/inboxes"),
        json!({ "name": "Support", "kind": "shared", "purpose": "support" }),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let inbox = inbox["id"].as_str().unwrap().to_string();
    let number = "+14155550188";
    let connected = call(
        reqwest::Method::POST,
        format!("/api/v1/workspaces/{ws}/inboxes/{inbox}/channels"),
        json!({ "kind": "sms", "provider": "simulator", "phone_number": number }),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(connected.status(), 201);
    let hook: Value = call(
        reqwest::Method::POST,
        format!("/api/v1/workspaces/{ws}/webhooks"),
        json!({ "url": receiver.url, "event_types": ["created"] }),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    receiver.expect_secret(hook["secret"].as_str().unwrap());
    let endpoint = hook["id"].as_str().unwrap().to_string();

    for n in 0..TEXTS {
        let texted = client
            .post(format!("{address}/simulator/api/messages"))
            .json(&json!({ "from": format!("+1415555{:04}", 2000 + n), "to": number, "body": "Help" }))
            .send()
            .await
            .unwrap();
        assert!(texted.status().is_success(), "{:?}", texted.text().await);
    }
    // Kill it as soon as a few deliveries arrived: others are in flight or waiting.
    tokio::time::timeout(PATIENCE, async {
        while receiver.received().len() < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("deliveries start");
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let before_restart = receiver.received().len();
    assert!(
        before_restart < TEXTS,
        "the kill came mid-delivery ({before_restart} arrived)"
    );

    let (_server, address) = serve(dir, url).await;
    tokio::time::timeout(PATIENCE, async {
        loop {
            let ids: BTreeSet<String> = receiver.received().into_iter().map(|r| r.id).collect();
            if ids.len() == TEXTS {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("every event is delivered after the restart");
    let received = receiver.received();
    assert!(
        received.iter().all(|r| r.verified),
        "every delivery is signed"
    );
    assert!(received.iter().all(|r| r.body["type"] == "created"));

    // The log has each event once, delivered, once the in-flight delivery
    // the kill cut off was taken over and sent again. The session still
    // holds: the new process reads the same database.
    let deliveries = format!("{address}/api/v1/workspaces/{ws}/webhooks/{endpoint}/deliveries");
    let log = tokio::time::timeout(PATIENCE, async {
        loop {
            let log: Value = client
                .get(&deliveries)
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let items = log["items"].as_array().unwrap();
            if items.len() == TEXTS && items.iter().all(|d| d["status"] == "delivered") {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .expect("every delivery is recorded after the restart");
    let items = log["items"].as_array().unwrap();
    let seqs: BTreeSet<i64> = items
        .iter()
        .map(|d| d["event_seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs.len(), TEXTS, "{log}");
    assert_eq!(items.len(), TEXTS, "one row per event: {log}");
    assert!(items.iter().all(|d| d["status"] == "delivered"), "{log}");
}

/// Starts `switchboard serve` with jobs leased for two seconds (so that the
/// killed node's jobs are taken over quickly) and webhooks allowed to reach
/// loopback; returns it and its address.
async fn serve(dir: &Path, url: &str) -> (Child, String) {
    let mut child = switchboard(dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .env("SWITCHBOARD_LEASE_SECS", "2")
        .env("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true")
        .env("SWITCHBOARD_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let address = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(address) = line.strip_prefix("Switchboard is listening on ") {
                return address.to_string();
            }
        }
        panic!("serve exited without saying where it listens");
    })
    .await
    .expect("serve says where it listens in time");
    (child, address)
}

/// The cookies a response sets, as a `Cookie` header.
fn cookie_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A new empty database on the test PostgreSQL server, and a future that
/// drops it; `None` when the server is unreachable outside CI.
async fn fresh_postgres() -> Option<(String, impl std::future::Future<Output = ()>)> {
    use sqlx::Connection;
    let admin_url = store::testing::postgres_admin_url();
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(admin) => admin,
        Err(error) if !store::testing::postgres_required() => {
            eprintln!("PostgreSQL unreachable, skipping: {error}");
            return None;
        }
        Err(error) => panic!("PostgreSQL unreachable: {error}"),
    };
    // Named as store::testing names them (`sb_test_<seconds>_…`), so the
    // stale sweep reclaims it if this test dies before dropping it.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let name = format!("sb_test_{now}_crash_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base)
        .to_string();
    let url = format!("{base}/{name}");
    let drop_it = async move {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await;
    };
    Some((url, drop_it))
}

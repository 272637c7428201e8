//! The phone simulator: its JSON endpoints feed the same inbound path as a
//! provider, its phone sees the team's replies and their delivery, and its
//! page is static, escaped and locked down by a Content-Security-Policy.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;
use switchboard_server::services::access::Principal;
use switchboard_server::services::messages::{self, Post};

mod safety;

use crate::helpers::{assert_problem, json_of, spawn_app, spawn_app_with, Seed, TestApp, TestUser};

on_both_backends!(
    a_text_from_the_simulator_starts_an_unassigned_conversation_in_the_inbox_of_the_number,
    a_second_text_threads_into_the_same_conversation,
    a_delivered_reply_shows_on_the_phone_with_its_status,
    a_text_to_a_number_that_is_not_a_simulator_number_is_not_found,
    a_bad_number_or_body_is_a_validation_problem_naming_the_field,
    markup_in_a_text_comes_back_as_plain_text,
    the_simulator_lists_its_numbers,
    the_page_is_html_with_a_content_security_policy_and_no_inline_code,
    static_files_are_served_with_their_type_and_caching,
    a_browser_gets_errors_as_a_page_and_api_clients_as_problem_json,
    with_the_simulator_off_its_routes_are_not_found,
);

const PHONE: &str = "+14155550123";

async fn text(app: &TestApp, from: &str, to: &str, body: &str) -> reqwest::Response {
    let url = format!("{}/simulator/api/messages", app.address);
    app.request(
        Method::POST,
        &url,
        None,
        Some(json!({ "from": from, "to": to, "body": body })),
    )
    .await
}

async fn phone(app: &TestApp, number: &str) -> Value {
    let url = format!(
        "{}/simulator/api/messages?number={}",
        app.address,
        urlencode(number)
    );
    json_of(app.request(Method::GET, &url, None, None).await, 200).await
}

fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The conversations an agent sees in the seeded inbox's Unassigned queue.
async fn unassigned(app: &TestApp, seed: &Seed) -> Vec<Value> {
    let path = format!("/conversations?inbox={}&assignee=none", seed.inbox_id);
    let list = json_of(
        app.api(seed, Method::GET, &path, Some(&seed.ana), None)
            .await,
        200,
    )
    .await;
    list["items"].as_array().unwrap().clone()
}

/// `user` of the seeded workspace as the services see a caller.
async fn principal(app: &TestApp, seed: &Seed, user: &TestUser) -> Principal {
    let mut reader = app.store.read().await.unwrap();
    let id = domain::UserId::parse(&user.id).unwrap();
    let user = store::users::get(&mut reader.conn(), &id)
        .await
        .unwrap()
        .unwrap();
    Principal {
        user,
        workspace_id: domain::WorkspaceId::parse(&seed.workspace_id).unwrap(),
        role: domain::Role::Agent,
    }
}

async fn a_text_from_the_simulator_starts_an_unassigned_conversation_in_the_inbox_of_the_number(
    backend: Backend,
) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    // National form, read in the server's default region (US).
    let sent = json_of(
        text(
            &app,
            "(415) 555-0123",
            &seed.channel.address,
            "Is the shop open?",
        )
        .await,
        201,
    )
    .await;
    let conversation_id = sent["conversation_id"].as_str().unwrap();
    assert!(sent["message_id"].is_string(), "{sent}");

    let queue = unassigned(&app, &seed).await;
    assert_eq!(queue.len(), 1, "{queue:?}");
    let conversation = &queue[0];
    assert_eq!(conversation["id"], conversation_id);
    assert_eq!(conversation["inbox_id"], seed.inbox_id);
    assert_eq!(conversation["status"], "new");
    assert_eq!(conversation["assignee_id"], Value::Null);
    assert_eq!(conversation["contact"]["phone"], PHONE);

    // Stored like a provider's message: with the simulator's own provider id.
    let mut reader = app.store.read().await.unwrap();
    let id = domain::MessageId::parse(sent["message_id"].as_str().unwrap()).unwrap();
    let message = store::messages::get(&mut reader.conn(), &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(message.kind, domain::MessageKind::Inbound);
    assert!(message.provider_id.unwrap().starts_with("SIM"));
}

async fn a_second_text_threads_into_the_same_conversation(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let first = json_of(text(&app, PHONE, &seed.channel.address, "Hello").await, 201).await;
    let second = json_of(
        text(&app, PHONE, &seed.channel.address, "Anyone there?").await,
        201,
    )
    .await;
    assert_eq!(first["conversation_id"], second["conversation_id"]);
    assert_ne!(first["message_id"], second["message_id"]);
    assert_eq!(unassigned(&app, &seed).await.len(), 1);

    let screen = phone(&app, PHONE).await;
    let bodies: Vec<&str> = screen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, vec!["Hello", "Anyone there?"]);
    assert!(screen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["direction"] == "from_phone" && m["delivery_status"].is_null()));
}

async fn a_delivered_reply_shows_on_the_phone_with_its_status(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let sent = json_of(text(&app, PHONE, &seed.channel.address, "Hi").await, 201).await;
    let conversation_id =
        domain::ConversationId::parse(sent["conversation_id"].as_str().unwrap()).unwrap();

    let ana = principal(&app, &seed, &seed.ana).await;
    let reply = Post {
        attachments: Vec::new(),
        kind: domain::MessageKind::Outbound,
        body: domain::MessageBody::parse("Hi! How can we help?", false).unwrap(),
        expected_version: None,
        send_at: None,
    };
    messages::post(&app.state, &ana, &conversation_id, reply)
        .await
        .unwrap();
    let note = Post {
        attachments: Vec::new(),
        kind: domain::MessageKind::Note,
        body: domain::MessageBody::parse("Regular customer", false).unwrap(),
        expected_version: None,
        send_at: None,
    };
    messages::post(&app.state, &ana, &conversation_id, note)
        .await
        .unwrap();

    // Queued until the deliver job runs.
    let screen = phone(&app, "(415) 555-0123").await;
    assert_eq!(screen["number"], PHONE);
    let messages = screen["messages"].as_array().unwrap();
    assert_eq!(
        messages.len(),
        2,
        "the note never reaches the phone: {screen}"
    );
    assert_eq!(messages[1]["direction"], "to_phone");
    assert_eq!(messages[1]["delivery_status"], "queued");

    assert!(app.run_due_jobs().await >= 1);
    let screen = phone(&app, PHONE).await;
    let reply = &screen["messages"][1];
    assert_eq!(reply["body"], "Hi! How can we help?");
    assert_eq!(reply["direction"], "to_phone");
    assert_eq!(reply["inbox_number"], seed.channel.address.as_str());
    assert_eq!(reply["delivery_status"], "delivered");
    assert_eq!(reply["error"], Value::Null);
    assert!(reply["created_at"].as_str().unwrap().ends_with('Z'));
}

async fn a_text_to_a_number_that_is_not_a_simulator_number_is_not_found(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let _seed = app.seed().await;
    let body = assert_problem(
        text(&app, PHONE, "+12125550199", "Hello?").await,
        404,
        "not_found",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("+12125550199"),
        "{body}"
    );
}

async fn a_bad_number_or_body_is_a_validation_problem_naming_the_field(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let to = seed.channel.address.as_str();
    for (from, to, body, field) in [
        ("12345", to, "Hi", "from"),
        ("", to, "Hi", "from"),
        ("not a phone", to, "Hi", "from"),
        (PHONE, "nope", "Hi", "to"),
        (PHONE, to, "   ", "body"),
    ] {
        let problem = assert_problem(text(&app, from, to, body).await, 422, "validation").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.starts_with(&format!("{field}: ")), "{detail}");
    }
    let too_long = "x".repeat(domain::MessageBody::MAX_BYTES + 1);
    let problem = assert_problem(text(&app, PHONE, to, &too_long).await, 422, "validation").await;
    assert!(problem["detail"].as_str().unwrap().starts_with("body: "));

    let url = format!("{}/simulator/api/messages?number=12345", app.address);
    let problem = assert_problem(
        app.request(Method::GET, &url, None, None).await,
        422,
        "validation",
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().starts_with("number: "));
    assert!(unassigned(&app, &seed).await.is_empty());
}

async fn markup_in_a_text_comes_back_as_plain_text(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let markup = "<img src=x onerror=alert(1)>";
    json_of(text(&app, PHONE, &seed.channel.address, markup).await, 201).await;
    let response = app
        .request(
            Method::GET,
            &format!(
                "{}/simulator/api/messages?number=%2B14155550123",
                app.address
            ),
            None,
            None,
        )
        .await;
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let screen: Value = response.json().await.unwrap();
    assert_eq!(screen["messages"][0]["body"], markup);

    let page = app.get("/simulator").await.text().await.unwrap();
    assert!(!page.contains("<img src=x"), "the page never carries texts");
    assert!(!page.contains("onerror"));
}

async fn the_simulator_lists_its_numbers(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let sales = app.extra_inbox(&seed, "Sales", &[&seed.ana]).await;
    let listed = json_of(app.get("/simulator/api/numbers").await, 200).await;
    let numbers: Vec<(&str, &str)> = listed["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["inbox_name"].as_str().unwrap(),
                n["number"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        numbers,
        vec![
            ("Sales", sales.address.as_str()),
            ("Support", seed.channel.address.as_str())
        ]
    );
    let support = &listed["numbers"][1];
    assert_eq!(support["emoji"], "🛟");
    assert_eq!(support["color"], "#2563eb");
    assert!(support.get("workspace_name").is_none(), "{support}");

    // The page lists them too, for people.
    let page = app.get("/simulator").await.text().await.unwrap();
    assert!(page.contains("Support"));
    assert!(page.contains(&format!("data-number=\"{}\"", seed.channel.address)));
}

async fn the_page_is_html_with_a_content_security_policy_and_no_inline_code(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let _seed = app.seed().await;
    let response = app.get("/simulator").await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let csp = headers["content-security-policy"].to_str().unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");

    let html = response.text().await.unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("Switchboard"));
    assert!(html.contains("<script src=\"/static/simulator.js?v="));
    assert!(html.contains("<link rel=\"stylesheet\" href=\"/static/app.css?v="));
    // Nothing the policy would block: no inline script, style or handler.
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the one external script"
    );
    for inline in ["<style", " style=", " onclick=", " onload=", "javascript:"] {
        assert!(!html.contains(inline), "found {inline:?}");
    }
}

async fn static_files_are_served_with_their_type_and_caching(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let script = app.get("/static/simulator.js").await;
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/javascript"));
    assert_eq!(script.headers()["x-content-type-options"], "nosniff");
    assert_eq!(script.headers()["cache-control"], "no-cache");
    let etag = script.headers()["etag"].to_str().unwrap().to_string();
    let source = script.text().await.unwrap();
    assert!(source.contains("textContent"));
    assert!(
        !source.contains("innerHTML"),
        "texts are never parsed as markup"
    );

    // The fingerprinted URL the page links may be kept for good.
    let version = etag.trim_matches('"');
    let pinned = app.get(&format!("/static/simulator.js?v={version}")).await;
    assert_eq!(
        pinned.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    let revalidated = app
        .client
        .get(format!("{}/static/simulator.js", app.address))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304);

    let css = app.get("/static/app.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(css.text().await.unwrap().contains("--accent"));

    assert_problem(app.get("/static/nope.js").await, 404, "not_found").await;
    assert_problem(
        app.get("/static/..%2Fsrc%2Fmain.rs").await,
        404,
        "not_found",
    )
    .await;
}

async fn a_browser_gets_errors_as_a_page_and_api_clients_as_problem_json(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let page = app
        .client
        .get(format!("{}/no-such-page", app.address))
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert!(page.headers().contains_key("content-security-policy"));
    let html = page.text().await.unwrap();
    assert!(html.contains("find that page"), "{html}");
    assert!(html.contains("No resource at /no-such-page."), "{html}");

    // The same miss from a program, or under a JSON path even from a browser.
    assert_problem(app.get("/no-such-page").await, 404, "not_found").await;
    let json = app
        .client
        .get(format!("{}/simulator/api/messages?number=1", app.address))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_problem(json, 422, "validation").await;
}

async fn with_the_simulator_off_its_routes_are_not_found(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.simulator = false).await else {
        return;
    };
    let seed = app.seed().await;
    assert_problem(app.get("/simulator").await, 404, "not_found").await;
    assert_problem(app.get("/simulator/api/numbers").await, 404, "not_found").await;
    assert_problem(
        app.get("/simulator/api/messages?number=%2B14155550123")
            .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        text(&app, PHONE, &seed.channel.address, "Hello").await,
        404,
        "not_found",
    )
    .await;
    assert!(unassigned(&app, &seed).await.is_empty());
}

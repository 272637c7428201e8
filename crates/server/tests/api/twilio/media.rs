//! MMS out: uploads (`POST /media`), replies that carry them, Twilio
//! fetching each file from its public, expiring link, and the team reading
//! it through the message.

use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde_json::json;
use store::Backend;

use super::{story, Story, CUSTOMER};

mod simulator;
mod sweep;
mod timeline;
use crate::helpers::{assert_problem, json_of, Seed, TestApp, TestUser};

on_both_backends!(
    uploads_take_pictures_and_refuse_what_twilio_would_not_send,
    a_reply_with_a_picture_reaches_twilio_as_a_media_url_that_works_until_it_expires,
    a_reply_may_only_carry_this_workspaces_uploads_and_at_most_ten,
);

/// The PNG the tests send (testdata/media/tap.png).
pub(crate) fn png() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/media/tap.png"
    ))
    .expect("testdata/media/tap.png")
}

/// `POST /media` as `user` with `content_type` and `bytes`.
pub(crate) async fn upload(
    app: &TestApp,
    seed: &Seed,
    user: &TestUser,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/workspaces/{}/media",
            app.address, seed.workspace_id
        ))
        .bearer_auth(&user.token)
        .header(CONTENT_TYPE, content_type)
        .body(bytes)
        .send()
        .await
        .expect("the request reaches the app")
}

/// Uploads the test PNG as Ana; returns its media id.
async fn uploaded(s: &Story) -> String {
    let stored = json_of(
        upload(&s.app, &s.seed, &s.seed.ana, "image/png", png()).await,
        201,
    )
    .await;
    stored["media_id"].as_str().unwrap().to_string()
}

/// Ana replies in `conversation` with `body` and the upload `media`; the
/// created reply as the API answers it (201).
async fn replied_with(s: &Story, conversation: &str, body: &str, media: &str) -> serde_json::Value {
    let reply = json!({"kind": "reply", "body": body, "attachments": [{"media_id": media}]});
    let posted = s
        .app
        .api(
            &s.seed,
            Method::POST,
            &format!("/conversations/{conversation}/messages"),
            Some(&s.seed.ana),
            Some(reply),
        )
        .await;
    json_of(posted, 201).await
}

async fn uploads_take_pictures_and_refuse_what_twilio_would_not_send(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    let (app, seed) = (&s.app, &s.seed);
    let stored = json_of(upload(app, seed, &seed.ana, "image/png", png()).await, 201).await;
    assert_eq!(stored["content_type"], "image/png");
    assert_eq!(stored["size"], png().len());
    assert!(stored["media_id"].is_string());

    // Over Twilio's 5 MB: refused by us, with the limit named.
    let mut big = png();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let refused = assert_problem(
        upload(app, seed, &seed.ana, "image/png", big).await,
        413,
        "payload_too_large",
    )
    .await;
    assert!(
        refused["detail"].as_str().unwrap().contains("5 MB"),
        "{refused}"
    );

    // SVG and HTML would run as a page: never taken.
    for kind in ["image/svg+xml", "text/html", "application/octet-stream"] {
        let refused = assert_problem(
            upload(
                app,
                seed,
                &seed.ana,
                kind,
                b"<svg onload=alert(1)>".to_vec(),
            )
            .await,
            415,
            "unsupported_media_type",
        )
        .await;
        assert!(
            refused["detail"].as_str().unwrap().contains("PNG"),
            "{refused}"
        );
    }
    // A page renamed .png is not a PNG.
    let refused = assert_problem(
        upload(
            app,
            seed,
            &seed.ana,
            "image/png",
            b"<html><script>".to_vec(),
        )
        .await,
        422,
        "validation",
    )
    .await;
    assert!(
        refused["detail"].as_str().unwrap().contains("PNG"),
        "{refused}"
    );
    assert_problem(
        upload(app, seed, &seed.ana, "image/gif", Vec::new()).await,
        422,
        "validation",
    )
    .await;
}

async fn a_reply_with_a_picture_reaches_twilio_as_a_media_url_that_works_until_it_expires(
    backend: Backend,
) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Which tap do you mean?").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let media = uploaded(&s).await;
    // No text: the picture says it.
    let posted = replied_with(&s, &conversation, "", &media).await;
    let message = posted["message"]["id"].as_str().unwrap().to_string();
    let url = posted["message"]["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        posted["message"]["attachments"][0]["content_type"],
        "image/png"
    );
    let prefix = format!("{}/media/", s.app.address);
    assert!(url.starts_with(&prefix), "{url}");
    // The link is a secret of its own, not the upload's id.
    let token = &url[prefix.len()..];
    assert!(!token.contains(&media), "{url}");
    assert!(token.len() >= 32, "{url}");

    assert!(s.app.run_due_jobs().await >= 1);
    let sent = s.standin.sent_messages();
    assert_eq!(sent.len(), 1);
    assert!(
        s.standin.rejections().is_empty(),
        "{:?}",
        s.standin.rejections()
    );
    assert_eq!(sent[0].params_named("MediaUrl"), vec![url.as_str()]);

    // Twilio fetches it, with GET and HEAD, and no credentials.
    let fetched = s.app.client.get(&url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "image/png");
    assert_eq!(fetched.headers()["x-content-type-options"], "nosniff");
    assert_eq!(fetched.bytes().await.unwrap().to_vec(), png());
    let head = s.app.client.head(&url).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-type"], "image/png");

    // The team reads it through the message; someone outside the inbox cannot.
    let own = format!("/messages/{message}/media/0");
    let read = s
        .app
        .api(&s.seed, Method::GET, &own, Some(&s.seed.ana), None)
        .await;
    assert_eq!(read.status(), 200);
    assert_eq!(read.headers()["content-type"], "image/png");
    assert_eq!(read.bytes().await.unwrap().to_vec(), png());
    let outsider = s
        .app
        .api(&s.seed, Method::GET, &own, Some(&s.seed.outsider), None)
        .await;
    assert_problem(outsider, 404, "not_found").await;
    let missing = format!("/messages/{message}/media/1");
    let missing = s
        .app
        .api(&s.seed, Method::GET, &missing, Some(&s.seed.ana), None)
        .await;
    assert_problem(missing, 404, "not_found").await;

    // A week later the public link is dead; the team still sees the picture.
    s.app
        .state
        .clock
        .advance(chrono::Duration::days(7) + chrono::Duration::minutes(1));
    let expired = s.app.client.get(&url).send().await.unwrap();
    assert_problem(expired, 404, "not_found").await;
    let read = s
        .app
        .api(&s.seed, Method::GET, &own, Some(&s.seed.ana), None)
        .await;
    assert_eq!(read.status(), 200);
    // A guessed token opens nothing.
    let guessed = s
        .app
        .client
        .get(format!("{prefix}sbm_{}", "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(guessed.status(), 404);
}

async fn a_reply_may_only_carry_this_workspaces_uploads_and_at_most_ten(backend: Backend) {
    let Some(s) = story(backend).await else {
        return;
    };
    s.text(CUSTOMER, "Photo please").await;
    let conversation = s.conversation_of(CUSTOMER).await;
    let path = format!("/conversations/{conversation}/messages");
    let before = s.messages(&conversation).await.len();

    // Another workspace's upload reads as one that does not exist.
    let other = s.app.seed().await;
    let theirs = json_of(
        upload(&s.app, &other, &other.ana, "image/png", png()).await,
        201,
    )
    .await;
    let refused = s
        .app
        .api(
            &s.seed,
            Method::POST,
            &path,
            Some(&s.seed.ana),
            Some(json!({"kind": "reply", "body": "Here", "attachments": [{"media_id": theirs["media_id"]}]})),
        )
        .await;
    let refused = assert_problem(refused, 422, "validation").await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("attachments[0]"),
        "{refused}"
    );

    let mine = uploaded(&s).await;
    let too_many: Vec<_> = (0..11).map(|_| json!({"media_id": mine})).collect();
    let cases = [
        json!({"kind": "reply", "body": "Here", "attachments": too_many}),
        json!({"kind": "note", "body": "For us", "attachments": [{"media_id": mine}]}),
        json!({"kind": "reply", "body": "", "attachments": []}),
        json!({"kind": "reply", "body": "Here", "attachments": [{"media_id": "not-an-id"}]}),
    ];
    for body in cases {
        let refused = s
            .app
            .api(
                &s.seed,
                Method::POST,
                &path,
                Some(&s.seed.ana),
                Some(body.clone()),
            )
            .await;
        let problem = assert_problem(refused, 422, "validation").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("attachments") || detail.contains("body"),
            "{body}: {detail}"
        );
    }
    // Nothing was written, nothing sent.
    assert_eq!(s.messages(&conversation).await.len(), before);
    // (Other work, such as notifications of the customer's text, may run.)
    s.app.run_due_jobs().await;
    assert!(s.standin.sent_messages().is_empty());

    // The same upload may go out again: each reply gets its own link.
    let mut urls = Vec::new();
    for _ in 0..2 {
        let posted = s
            .app
            .api(
                &s.seed,
                Method::POST,
                &path,
                Some(&s.seed.ana),
                Some(json!({"kind": "reply", "body": "Here", "attachments": [{"media_id": mine}]})),
            )
            .await;
        let posted = json_of(posted, 201).await;
        urls.push(
            posted["message"]["attachments"][0]["url"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_ne!(urls[0], urls[1]);
}

//! The web app's contact forms over plain HTTP: what the browser tests
//! cannot send (no CSRF field, an unticked confirmation, a form posted past
//! a disabled button) is refused, and nothing changes.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{signed_in_as_ana, Seed, TestApp};

/// A `multipart/form-data` body with a CSRF field (unless `None`) and one file.
fn multipart(csrf: Option<&str>, file_name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----switchboard-test-boundary";
    let mut body = Vec::new();
    if let Some(csrf) = csrf {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\
                 {csrf}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, seed: &Seed, csrf: Option<&str>, csv: &str) -> reqwest::Response {
    let (content_type, body) = multipart(csrf, "people.csv", csv.as_bytes());
    app.client
        .post(format!(
            "{}/w/{}/contacts/import/file",
            app.address, seed.workspace_id
        ))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn contact_count(app: &TestApp, seed: &Seed, q: &str) -> usize {
    let response = app
        .api(
            seed,
            Method::GET,
            &format!("/contacts?q={q}"),
            Some(&seed.ana),
            None,
        )
        .await;
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn an_uploaded_file_is_imported_only_with_the_forms_csrf_token() {
    let Some((app, seed, csrf)) = signed_in_as_ana().await else {
        return;
    };
    let csv = "name,email\nIda Ives,ida@example.com\n";
    for token in [None, Some("not-the-token")] {
        let response = upload(&app, &seed, token, csv).await;
        assert_eq!(response.status(), 403, "{token:?}");
    }
    assert_eq!(contact_count(&app, &seed, "ida").await, 0);

    let response = upload(&app, &seed, Some(&csrf), csv).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"<dd id="created">1</dd>"#), "{page}");
    assert_eq!(contact_count(&app, &seed, "ida").await, 1);
}

#[tokio::test]
async fn a_file_with_an_unknown_column_is_imported_with_the_column_named_on_the_form() {
    let Some((app, seed, csrf)) = signed_in_as_ana().await else {
        return;
    };
    let response = upload(
        &app,
        &seed,
        Some(&csrf),
        "<b>nom</b>,email\nx,x@example.com\n",
    )
    .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"id="import-warning""#), "{page}");
    assert!(page.contains("Ignored the column"), "{page}");
    // What the file said is escaped on the page.
    assert!(
        page.contains("&lt;b&gt;nom&lt;/b&gt;") || page.contains("&#60;b&#62;nom"),
        "{page}"
    );
    assert!(!page.contains("<b>nom</b>"), "{page}");
}

#[tokio::test]
async fn the_contact_forms_without_the_csrf_field_are_refused() {
    let Some((app, seed, _csrf)) = signed_in_as_ana().await else {
        return;
    };
    let response = app
        .api(
            &seed,
            Method::POST,
            "/contacts",
            Some(&seed.ana),
            Some(json!({"name": "Jo Jones", "email": "jo@example.com"})),
        )
        .await;
    let jo: Value = response.json().await.unwrap();
    let ws = format!("{}/w/{}", app.address, seed.workspace_id);
    let forms = [
        format!("{ws}/contacts"),
        format!("{ws}/contacts/{}/delete", jo["id"].as_str().unwrap()),
    ];
    for url in forms {
        let fields = [
            ("name", "Mallory"),
            ("email", "mallory@example.com"),
            ("confirm", "yes"),
        ];
        let response = app.client.post(&url).form(&fields).send().await.unwrap();
        assert_eq!(response.status(), 403, "{url}");
    }
    assert_eq!(contact_count(&app, &seed, "mallory").await, 0);
    assert_eq!(contact_count(&app, &seed, "jo@").await, 1);
}

#[tokio::test]
async fn a_deletion_needs_its_box_ticked_and_an_agent_cannot_delete_a_texter() {
    let Some((app, seed, csrf)) = signed_in_as_ana().await else {
        return;
    };
    app.new_conversation(&seed, "+14155550199", "hello").await;
    let response = app
        .api(
            &seed,
            Method::GET,
            "/contacts?q=0199",
            Some(&seed.ana),
            None,
        )
        .await;
    let found: Value = response.json().await.unwrap();
    let url = format!(
        "{}/w/{}/contacts/{}/delete",
        app.address,
        seed.workspace_id,
        found["items"][0]["id"].as_str().unwrap()
    );

    let unticked = [("csrf_token", csrf.as_str())];
    let response = app.client.post(&url).form(&unticked).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("Tick the box to confirm"), "{page}");

    // Past the disabled button, the service still says no, on the page.
    let ticked = [("csrf_token", csrf.as_str()), ("confirm", "yes")];
    let response = app.client.post(&url).form(&ticked).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("This contact has 1 conversation"), "{page}");
    assert_eq!(contact_count(&app, &seed, "0199").await, 1);
}

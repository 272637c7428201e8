//! The details pane over plain HTTP: its CRM link forms need the form's
//! CSRF token, and a conversation in an inbox one is not in is as absent
//! from the pane and its forms as from everything else (404, or a refusal
//! as the forms answer one).

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{signed_in_as_ana, Seed, TestApp};

async fn links(app: &TestApp, seed: &Seed, id: &str) -> Vec<Value> {
    let response = app
        .api(
            seed,
            Method::GET,
            &format!("/conversations/{id}"),
            Some(&seed.owner),
            None,
        )
        .await;
    let body: Value = response.json().await.unwrap();
    body["links"].as_array().cloned().unwrap_or_default()
}

async fn add_link(app: &TestApp, seed: &Seed, id: &str, csrf: Option<&str>) -> reqwest::Response {
    let mut fields = vec![
        ("kind", "ticket"),
        ("url", "https://crm.example.com/t/7"),
        ("external_id", "T-7"),
        ("title", "Ticket 7"),
    ];
    if let Some(csrf) = csrf {
        fields.push(("csrf_token", csrf));
    }
    app.client
        .post(format!(
            "{}/w/{}/c/{id}/do/link",
            app.address, seed.workspace_id
        ))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_link_is_added_from_the_pane_only_with_the_forms_csrf_token() {
    let Some((app, seed, csrf)) = signed_in_as_ana().await else {
        return;
    };
    let id = app
        .new_conversation(&seed, "+14155550187", "Ticket please")
        .await;
    for token in [None, Some("not-the-token")] {
        let response = add_link(&app, &seed, &id, token).await;
        assert_eq!(response.status(), 403, "{token:?}");
    }
    assert!(links(&app, &seed, &id).await.is_empty());
    let response = add_link(&app, &seed, &id, Some(&csrf)).await;
    assert!(
        response.status().is_success() || response.status().is_redirection(),
        "{}",
        response.status()
    );
    let added = links(&app, &seed, &id).await;
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["title"], "Ticket 7");
}

#[tokio::test]
async fn a_conversation_in_someone_elses_inbox_has_no_details_pane_and_takes_no_links() {
    let Some((app, seed, csrf)) = signed_in_as_ana().await else {
        return;
    };
    let sales = app.extra_inbox(&seed, "Sales", &[&seed.ben]).await;
    let ingested = app
        .text_channel(&sales, "+14155550188", "For the sales team")
        .await;
    let id = ingested.conversation_id().unwrap().to_string();
    let pane = app
        .client
        .get(format!(
            "{}/w/{}/c/{id}/details",
            app.address, seed.workspace_id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(pane.status(), 404);
    // The forms, like every action form, come back to the conversation with
    // the refusal as its notice; that page is a 404 too.
    let response = add_link(&app, &seed, &id, Some(&csrf)).await;
    assert_eq!(response.status(), 303);
    let removal = app
        .client
        .post(format!(
            "{}/w/{}/c/{id}/do/unlink",
            app.address, seed.workspace_id
        ))
        .form(&[("csrf_token", csrf.as_str()), ("link", "whatever")])
        .send()
        .await
        .unwrap();
    assert_eq!(removal.status(), 303);
    let page = app
        .client
        .get(format!("{}/w/{}/c/{id}", app.address, seed.workspace_id))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert!(links(&app, &seed, &id).await.is_empty());
}

//! The web app's inbox settings forms over plain HTTP: what an agent may not
//! do is refused (403/404), never shown as a working page, and a form
//! without its CSRF field is refused.

use store::Backend;

use crate::helpers::{spawn_app, Seed, TestApp};

async fn signed_in_as_ana() -> Option<(TestApp, Seed, String)> {
    let app = spawn_app(Backend::Sqlite).await?;
    let seed = app.seed().await;
    app.set_password(&seed.ana, "correct horse battery").await;
    let csrf = app.login(&seed.ana.email, "correct horse battery").await;
    Some((app, seed, csrf))
}

async fn post_form(app: &TestApp, url: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(url)
        .form(fields)
        .send()
        .await
        .expect("the request reaches the app")
}

#[tokio::test]
async fn an_agent_cannot_use_the_admin_settings() {
    let Some((app, seed, csrf)) = signed_in_as_ana().await else {
        return;
    };
    let base = format!(
        "{}/w/{}/inboxes/{}/settings",
        app.address, seed.workspace_id, seed.inbox_id
    );
    let page = app.client.get(&base).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("save-appearance"));
    for control in [
        "save-policy",
        "add-member",
        "available-numbers",
        "delete-inbox",
    ] {
        assert!(!html.contains(control), "an agent is offered {control}");
    }
    let attempts: [(&str, Vec<(&str, &str)>); 6] = [
        ("policy", vec![("unread_mode", "shared")]),
        ("registration", vec![("registration", "rejected")]),
        ("add-member", vec![("user_id", &seed.outsider.id)]),
        ("remove-member", vec![("user_id", &seed.ben.id)]),
        ("connect", vec![("number", "+14155550142")]),
        ("delete", vec![("confirm", "Support")]),
    ];
    for (action, mut fields) in attempts {
        fields.push(("csrf_token", &csrf));
        let response = post_form(&app, &format!("{base}/{action}"), &fields).await;
        let status = response.status().as_u16();
        assert!(status == 403 || status == 404, "{action}: {status}");
    }
    // Nothing changed: the inbox is still there with its name.
    let page = app.client.get(&base).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let new_inbox = format!("{}/w/{}/inboxes/new", app.address, seed.workspace_id);
    let response = app.client.get(&new_inbox).send().await.unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn an_agent_outside_the_inbox_finds_no_settings() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.outsider, "correct horse battery")
        .await;
    app.login(&seed.outsider.email, "correct horse battery")
        .await;
    let url = format!(
        "{}/w/{}/inboxes/{}/settings",
        app.address, seed.workspace_id, seed.inbox_id
    );
    let response = app.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn settings_and_contact_forms_without_the_csrf_field_are_refused() {
    let Some((app, seed, _csrf)) = signed_in_as_ana().await else {
        return;
    };
    let ws = format!("{}/w/{}", app.address, seed.workspace_id);
    let forms = [
        format!("{ws}/inboxes/{}/settings/appearance", seed.inbox_id),
        format!("{ws}/inboxes/{}/settings/mute", seed.inbox_id),
        format!("{ws}/inboxes/new"),
        format!("{ws}/contacts/import"),
    ];
    for url in forms {
        let fields = [("name", "Hijacked"), ("emoji", "😈"), ("color", "#000000")];
        let response = post_form(&app, &url, &fields).await;
        assert_eq!(response.status(), 403, "{url}");
        let wrong = [("name", "Hijacked"), ("csrf_token", "not-the-token")];
        let response = post_form(&app, &url, &wrong).await;
        assert_eq!(response.status(), 403, "{url}");
    }
    let page = app
        .client
        .get(format!("{ws}/inboxes/{}/settings", seed.inbox_id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Hijacked"));
}

//! The web app's inbox settings forms over plain HTTP: what an agent may not
//! do is refused (403/404), never shown as a working page, and a form
//! without its CSRF field is refused.

use store::Backend;

use crate::helpers::{signed_in_as_ana, spawn_app, TestApp};

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
    let settings = format!(
        "/w/{}/inboxes/{}/settings",
        seed.workspace_id, seed.inbox_id
    );
    let base = format!("{}{settings}", app.address);
    let page = app.get(&settings).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("save-appearance"));
    for control in [
        "save-policy",
        "save-assignment",
        "api_code",
        "auto_close",
        "add-member",
        "available-numbers",
        "disconnect",
        "delete-inbox",
    ] {
        assert!(!html.contains(control), "an agent is offered {control}");
    }
    let channel_id = seed.channel.id.to_string();
    let attempts: [(&str, Vec<(&str, &str)>); 11] = [
        ("policy", vec![("unread_mode", "shared")]),
        ("assignment", vec![("assignment_mode", "round_robin")]),
        ("policy", vec![("api_code", "mine")]),
        (
            "policy",
            vec![("auto_close", "1"), ("auto_close_unit", "minutes")],
        ),
        ("registration", vec![("registration", "rejected")]),
        ("add-member", vec![("user_id", &seed.outsider.id)]),
        ("remove-member", vec![("user_id", &seed.ben.id)]),
        ("connect", vec![("number", "+14155550142")]),
        (
            "connect",
            vec![("number", "+14155550142"), ("provider", "twilio")],
        ),
        ("disconnect", vec![("channel_id", &channel_id)]),
        ("delete", vec![("confirm", "Support")]),
    ];
    for (action, mut fields) in attempts {
        fields.push(("csrf_token", &csrf));
        let response = post_form(&app, &format!("{base}/{action}"), &fields).await;
        let status = response.status().as_u16();
        assert!(status == 403 || status == 404, "{action}: {status}");
    }
    // Nothing changed: the inbox is still there with its name and number.
    let page = app.get(&settings).await;
    assert_eq!(page.status(), 200);
    let mut reader = app.store.read().await.unwrap();
    let channel = store::channels::get(&mut reader.conn(), &seed.channel.id)
        .await
        .unwrap();
    assert!(channel.is_some());
    drop(reader);
    let response = app
        .get(&format!("/w/{}/inboxes/new", seed.workspace_id))
        .await;
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
    let response = app
        .get(&format!(
            "/w/{}/inboxes/{}/settings",
            seed.workspace_id, seed.inbox_id
        ))
        .await;
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
        .get(&format!(
            "/w/{}/inboxes/{}/settings",
            seed.workspace_id, seed.inbox_id
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Hijacked"));
}

#[tokio::test]
async fn without_a_twilio_account_the_number_step_says_so_and_offers_the_simulator() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let seed = app.seed().await;
    app.set_password(&seed.admin, "correct horse battery").await;
    app.login(&seed.admin.email, "correct horse battery").await;
    let step = format!(
        "/w/{}/inboxes/{}/new/number",
        seed.workspace_id, seed.inbox_id
    );
    let html = app.get(&step).await.text().await.unwrap();
    assert!(html.contains("id=\"twilio-not-configured\""), "{html}");
    assert!(!html.contains("provider-twilio"), "{html}");
    assert!(html.contains("(415) 555-0100"), "{html}");
    // Asking for Twilio anyway is answered on the page, in words.
    let response = app
        .get(&format!("{step}?provider=twilio&area_code=415"))
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"number-search-error\""), "{html}");
    assert!(html.contains("twilio_account_sid"), "{html}");
    // So is a search that cannot be.
    let html = app
        .get(&format!("{step}?area_code=12"))
        .await
        .text()
        .await
        .unwrap();
    // The field is named by its label, not by its code.
    assert!(html.contains("Area code: must be three digits"), "{html}");
}

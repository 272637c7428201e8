//! Inbox settings and contacts, end to end in Chromium.

use fantoccini::Locator;

use crate::browser::app_and_browser;
use crate::helpers::{Seed, TestApp};

fn settings_url(app: &TestApp, seed: &Seed) -> String {
    format!(
        "{}/w/{}/inboxes/{}/settings",
        app.address, seed.workspace_id, seed.inbox_id
    )
}

#[tokio::test]
async fn a_member_renames_an_inbox_and_changes_its_colour() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    c.goto(&settings_url(&app, &seed)).await.unwrap();
    browser.wait_for_text("h1", "Support").await;
    // An agent sees no admin controls at all.
    for admins_only in [
        "#save-policy",
        "#api_code",
        ".disconnect-open",
        "#delete-inbox",
    ] {
        assert!(
            c.find(Locator::Css(admins_only)).await.is_err(),
            "{admins_only}"
        );
    }
    browser.type_into("#name", "Front desk").await;
    browser.set_value("#color", "#dc2626").await;
    browser.click("#save-appearance").await;
    browser.wait_for_text("#notice", "Saved").await;
    browser.wait_for_text("h1", "Front desk").await;
    c.goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for_text("#inbox-list", "Front desk").await;
    let dot = browser
        .wait_for(&format!(
            "[data-inbox='{}'] .inbox-dot circle",
            seed.inbox_id
        ))
        .await;
    assert_eq!(dot.attr("fill").await.unwrap().as_deref(), Some("#dc2626"));
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_admin_adds_a_member() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.admin.id).await;
    browser
        .client
        .goto(&settings_url(&app, &seed))
        .await
        .unwrap();
    browser.wait_for("#add-user").await;
    browser.set_value("#add-user", &seed.outsider.id).await;
    browser.click("#add-member").await;
    browser.wait_for_text("#notice", "Member added").await;
    browser
        .wait_for_text("#member-list", &seed.outsider.name)
        .await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_admin_changes_the_inbox_code_and_how_long_done_conversations_stay() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.admin.id).await;
    let c = &browser.client;
    c.goto(&settings_url(&app, &seed)).await.unwrap();
    assert_eq!(browser.value("#api_code").await, "support");
    assert_eq!(browser.value("#auto_close").await, "4");
    assert_eq!(browser.value("#auto_close_unit").await, "days");

    // A code that cannot be is refused on the form, keeping what was typed.
    browser.type_into("#api_code", "Help desk!").await;
    browser.click("#save-policy").await;
    browser
        .wait_for_text("#settings-error", "must be 1-40 characters")
        .await;
    assert_eq!(browser.value("#api_code").await, "Help desk!");

    browser.type_into("#api_code", "help-desk").await;
    browser.type_into("#auto_close", "36").await;
    browser.set_value("#auto_close_unit", "hours").await;
    browser.click("#save-policy").await;
    browser.wait_for_text("#notice", "Saved").await;
    assert_eq!(browser.value("#api_code").await, "help-desk");
    assert_eq!(browser.value("#auto_close").await, "36");
    assert_eq!(browser.value("#auto_close_unit").await, "hours");
    let inbox = {
        let mut reader = app.store.read().await.unwrap();
        let id = domain::InboxId::parse(&seed.inbox_id).unwrap();
        store::inboxes::get(&mut reader.conn(), &id)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(inbox.api_code.as_str(), "help-desk");
    assert_eq!(inbox.auto_close_secs, 36 * 3600);

    // Links from other tools now name the inbox by its new code (for its
    // members: the admin is not one).
    browser.sign_in_as(&app, &seed.ana.id).await;
    c.goto(&format!(
        "{}/compose?inbox=help-desk&to=%2B14155550188",
        app.address
    ))
    .await
    .unwrap();
    browser.wait_for_text("h1", "New message").await;
    assert_eq!(browser.value("#compose-inbox").await, seed.inbox_id);
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_refused_form_keeps_what_was_typed_and_every_other_form_what_is_stored() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.admin.id).await;
    let c = &browser.client;
    c.goto(&settings_url(&app, &seed)).await.unwrap();
    assert_eq!(browser.value("#registration").await, "approved");

    // A bad name is refused on its own form, named by its label…
    // Blank to the server, though not to the browser's own `required` check.
    browser.type_into("#name", "   ").await;
    browser.type_into("#emoji", "🧰").await;
    browser.click("#save-appearance").await;
    browser.wait_for("#settings-error").await;
    assert_eq!(browser.value("#emoji").await, "🧰");
    // …while the other forms show what is stored, not blanks.
    assert_eq!(browser.value("#api_code").await, "support");
    assert_eq!(browser.value("#registration").await, "approved");
    assert_eq!(browser.value("#auto_close").await, "4");

    // A bad code: the policy form keeps it, the others what is stored.
    browser.type_into("#api_code", "Help desk!").await;
    browser.click("#save-policy").await;
    browser
        .wait_for_text("#settings-error", "Code for links")
        .await;
    let error = browser
        .wait_for("#settings-error")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !error.contains("api_code") && !error.contains("Api_code"),
        "{error}"
    );
    assert_eq!(browser.value("#api_code").await, "Help desk!");
    assert_eq!(browser.value("#name").await, "Support");
    assert_eq!(browser.value("#registration").await, "approved");

    // Pressing the registration form's button now changes nothing it does not show.
    browser.click("#save-registration").await;
    browser
        .wait_for_text("#notice", "Registration updated")
        .await;
    assert_eq!(browser.value("#registration").await, "approved");
    browser.sign_in_as(&app, &seed.ana.id).await;
    c.goto(&format!("{}/w/{}", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for_text("#inbox-list", "Support").await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_admin_disconnects_a_number_after_confirming() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.admin.id).await;
    browser
        .client
        .goto(&settings_url(&app, &seed))
        .await
        .unwrap();
    let row = format!("#channel-list [data-channel='{}']", seed.channel.id);
    browser.wait_for_text(&row, "Simulator").await;
    // Nothing happens until the admin confirms.
    let confirm = format!("{row} .disconnect-confirm");
    assert!(!browser
        .wait_for(&confirm)
        .await
        .is_displayed()
        .await
        .unwrap());
    browser.click(&format!("{row} .disconnect-open")).await;
    browser
        .wait_for_text(
            &format!("{row} .menu-confirm"),
            "Texts to it stop arriving here",
        )
        .await;
    browser.click(&confirm).await;
    browser
        .wait_for_text("#notice", "Number disconnected")
        .await;
    browser
        .wait_for_text("#channel-list", "No number connected yet")
        .await;
    // Its texts no longer reach the inbox: the simulator does not know the number.
    let response = app
        .client
        .post(format!("{}/simulator/api/messages", app.address))
        .json(&serde_json::json!({
            "from": "+14155550177", "to": seed.channel.address, "body": "Hello?"
        }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_owner_deletes_an_inbox_after_typing_its_name() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.owner.id).await;
    let c = &browser.client;
    c.goto(&settings_url(&app, &seed)).await.unwrap();
    browser
        .wait_for_text(".settings-danger", "This cannot be undone")
        .await;
    // A wrong name deletes nothing and keeps what was typed.
    browser.type_into("#confirm", "Suport").await;
    browser.click("#delete-inbox").await;
    browser
        .wait_for_text("#settings-error", "type the inbox")
        .await;
    let kept = browser
        .wait_for("#confirm")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Suport"));
    browser.type_into("#confirm", "Support").await;
    browser.click("#delete-inbox").await;
    browser.wait_for_text("#flash", "Inbox deleted").await;
    let list = browser.wait_for("#inbox-list").await.text().await.unwrap();
    assert!(!list.contains("Support"), "{list}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_csv_import_reports_its_bad_line_and_adds_the_good_ones() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    c.goto(&format!(
        "{}/w/{}/contacts/import",
        app.address, seed.workspace_id
    ))
    .await
    .unwrap();
    let csv = "name,phone,email\nDana Diaz,+14155550161,dana@example.com\n\
               Broken Bob,not a phone,\nEli Evans,,eli@example.com\n";
    browser.type_into("#csv", csv).await;
    browser.click("#import-submit").await;
    browser.wait_for_text("#created", "2").await;
    browser.wait_for_text("#import-errors", "Line 3").await;
    c.goto(&format!("{}/w/{}/contacts", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.wait_for_text("#contact-list", "Dana Diaz").await;
    browser.wait_for_text("#contact-list", "Eli Evans").await;
    let list = browser
        .wait_for("#contact-list")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Broken Bob"), "{list}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_admin_sets_out_of_office_hours_and_customers_get_the_automatic_reply() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.admin.id).await;
    let c = &browser.client;
    for phone in [true, false] {
        browser.resize(phone).await;
        c.goto(&settings_url(&app, &seed)).await.unwrap();
        browser.wait_for("#away-form").await;
        browser.assert_fits("the out-of-office card").await;
    }
    assert_eq!(
        browser.value("#away_mon").await,
        "09:00-17:00",
        "weekdays nine to five to start"
    );

    // On a phone: overlapping hours are refused in words, keeping what was typed.
    browser.resize(true).await;
    browser
        .type_into("#away_time_zone", "America/New_York")
        .await;
    browser
        .type_into("#away_tue", "09:00-12:00, 11:30-14:00")
        .await;
    browser
        .type_into("#away_message", "We're away; we answer from 9am Eastern.")
        .await;
    browser.click_centred("#away_enabled").await;
    browser.click_centred("#save-away").await;
    browser
        .wait_for_text(
            "#settings-error",
            "Tuesday: 09:00–12:00 overlaps 11:30–14:00",
        )
        .await;
    assert_eq!(browser.value("#away_tue").await, "09:00-12:00, 11:30-14:00");
    assert_eq!(browser.value("#away_time_zone").await, "America/New_York");
    browser
        .assert_fits("the out-of-office card with its error")
        .await;

    // Fixed, and away now: saved.
    browser
        .type_into("#away_tue", "09:00-12:00, 13:00-17:00")
        .await;
    browser.click_centred("#away_now").await;
    browser.click_centred("#save-away").await;
    browser.wait_for_text("#notice", "Saved").await;
    assert_eq!(browser.value("#away_tue").await, "09:00-12:00, 13:00-17:00");
    assert_eq!(browser.value("#away_every_hours").await, "12");

    // On a desktop: a customer writes and the timeline shows the automatic reply.
    browser.resize(false).await;
    let conversation = app
        .new_conversation(&seed, "+14155550166", "Are you open?")
        .await;
    app.settle_jobs().await;
    c.goto(&format!(
        "{}/w/{}/c/{conversation}",
        app.address, seed.workspace_id
    ))
    .await
    .unwrap();
    browser.wait_for_text("#timeline", "Automatic reply").await;
    browser
        .wait_for_text("#timeline", "we answer from 9am Eastern")
        .await;
    browser
        .assert_fits("a timeline with an automatic reply")
        .await;
    browser.client.clone().close().await.unwrap();
}

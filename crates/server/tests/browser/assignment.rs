//! Auto-assignment in the web app: an admin chooses the inbox's mode in the
//! Assignment card (a refusal names the field and keeps what was typed),
//! sees who is available beside each member, the timeline says who
//! assigned a conversation and how, and an agent flips their availability
//! from the top bar — at 1440×900 and 390×844.

use crate::browser::app_and_browser;

#[tokio::test]
async fn an_admin_sets_balanced_assignment_and_an_agent_goes_away_from_the_top_bar() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let ws = &seed.workspace_id;
    let settings = format!("{}/w/{ws}/inboxes/{}/settings", app.address, seed.inbox_id);
    browser.sign_in_as(&app, &seed.admin.id).await;
    for phone in [false, true] {
        browser.resize(phone).await;
        browser.client.goto(&settings).await.unwrap();
        browser.wait_for("#save-assignment").await;
        browser.wait_for_text("#member-list", "Available").await;
        browser
            .assert_fits("the settings page with its Assignment card")
            .await;
    }
    browser
        .client
        .execute(
            "document.getElementById('assignment').scrollIntoView({ block: 'center' });",
            vec![],
        )
        .await
        .unwrap();
    browser.screenshots("assignment-card").await;
    browser.client.goto(&settings).await.unwrap();

    // A cap of 0 is refused, naming it; what was typed stays.
    browser.click("#assignment-balanced").await;
    browser.type_into("#assignment_cap", "0").await;
    // The browser refuses it first; without that check (an older browser)
    // the server refuses it too.
    let valid = browser
        .client
        .execute(
            "const cap = document.getElementById('assignment_cap'); \
             const valid = cap.checkValidity(); cap.removeAttribute('min'); return valid;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(valid, serde_json::Value::Bool(false));
    browser.click("#save-assignment").await;
    browser.wait_for_text("#settings-error", "cap").await;
    assert_eq!(browser.value("#assignment_cap").await, "0");
    let balanced = browser.wait_for("#assignment-balanced").await;
    assert!(
        balanced.is_selected().await.unwrap(),
        "the mode typed stays chosen"
    );

    browser.type_into("#assignment_cap", "2").await;
    browser.click("#save-assignment").await;
    browser.wait_for_text("#notice", "Assignment saved.").await;
    assert_eq!(browser.value("#assignment_cap").await, "2");

    // Ben is away: Ana gets the next conversation, and the timeline says how.
    let ben = domain::UserId::parse(&seed.ben.id).unwrap();
    let mut tx = app.store.begin().await.unwrap();
    store::users::set_availability(&mut tx, &ben, domain::Availability::Away)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    browser.client.goto(&settings).await.unwrap();
    browser.wait_for_text("#member-list", "Away").await;
    let id = app
        .new_conversation(&seed, "+14155550188", "My sink is leaking")
        .await;
    app.run_due_jobs().await;

    browser.sign_in_as(&app, &seed.ana.id).await;
    for phone in [false, true] {
        browser.resize(phone).await;
        browser
            .client
            .goto(&format!("{}/w/{ws}/c/{id}", app.address))
            .await
            .unwrap();
        browser
            .wait_for_text("#timeline", "Auto-assigned to Ana Lima (balanced)")
            .await;
        browser
            .wait_for_text("#availability-state", "Available")
            .await;
        browser
            .assert_fits("the conversation with the availability switch")
            .await;
    }

    browser.resize(false).await;
    browser.click("#availability-toggle").await;
    browser.wait_for_text("#availability-state", "Away").await;
    browser.resize(true).await;
    browser.wait_for_text("#availability-state", "Away").await;
    browser.assert_fits("the queue while away").await;
    let ana = domain::UserId::parse(&seed.ana.id).unwrap();
    let mut reader = app.store.read().await.unwrap();
    let profile = store::users::profile(&mut reader.conn(), &ana)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.availability, domain::Availability::Away);
    drop(reader);
    browser.client.clone().close().await.unwrap();
}

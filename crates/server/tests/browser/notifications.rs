//! The notification bell: a customer's text counts up live, the list opens
//! the conversation and marks it read — at 1440×900 and 390×844.

use crate::browser::{app_and_browser, customer_texts};

#[tokio::test]
async fn the_bell_counts_a_text_live_and_its_list_opens_the_conversation() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let ws = &seed.workspace_id;
    browser.sign_in_as(&app, &seed.ana.id).await;
    for (phone, from, text) in [
        (false, "+14155550161", "The boiler is leaking"),
        (true, "+14155550162", "Do you open on Sundays?"),
    ] {
        browser
            .client
            .goto(&format!("{}/w/{ws}", app.address))
            .await
            .unwrap();
        browser.resize(phone).await;
        browser.wait_for("#bell").await;
        assert!(!browser.is_shown("#bell-count").await, "nothing unread yet");
        customer_texts(&app, &seed, from, text).await;
        // The queue shows it live: the page's event stream is open.
        browser.wait_for_text("#queue", text).await;
        app.run_due_jobs().await;
        // Live: no reload.
        browser.wait_for_text("#bell-count", "1").await;
        browser.click("#bell").await;
        browser.wait_for_text("#bell-list", text).await;
        browser.assert_fits("the open notification list").await;
        browser.click("#bell-list .bell-item a").await;
        browser.wait_for_text("#timeline", text).await;
        assert!(browser.path_segments().await.contains(&"c".to_string()));
        // Opened is read.
        browser.wait_for("#bell").await;
        assert!(!browser.is_shown("#bell-count").await, "read once opened");
    }
    browser.client.clone().close().await.unwrap();
}

/// Ben mentions Ana in a note by picking her from the `@` list; the note
/// shows the mention highlighted and Ana's bell counts it.
#[tokio::test]
async fn typing_at_in_a_note_offers_the_inbox_members_and_the_mention_reaches_them() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let ws = &seed.workspace_id;
    for (phone, from) in [(false, "+14155550163"), (true, "+14155550164")] {
        let conversation = app.new_conversation(&seed, from, "Hi there").await;
        app.run_due_jobs().await;
        browser.sign_in_as(&app, &seed.ben.id).await;
        browser
            .client
            .goto(&format!("{}/w/{ws}/c/{conversation}", app.address))
            .await
            .unwrap();
        browser.resize(phone).await;
        browser.click("label.composer-tab:has(#mode-note)").await;
        browser.type_into("#composer-body", "Over to @An").await;
        browser.wait_for_text("#mention-picker", "Ana Lima").await;
        browser.assert_fits("the mention picker").await;
        // Enter picks the highlighted member.
        browser
            .wait_for("#composer-body")
            .await
            .send_keys("\u{E007}")
            .await
            .unwrap();
        assert_eq!(browser.value("#composer-body").await, "Over to @Ana Lima ");
        browser
            .wait_for("#composer-body")
            .await
            .send_keys("<b>please</b>")
            .await
            .unwrap();
        browser.click("#send").await;
        browser
            .wait_for_text("#timeline mark.mention", "@Ana Lima")
            .await;
        // Escaped: the customer-visible markup stays text.
        browser
            .wait_for_text("#timeline", "@Ana Lima <b>please</b>")
            .await;
        app.run_due_jobs().await;

        browser.sign_in_as(&app, &seed.ana.id).await;
        browser
            .client
            .goto(&format!("{}/w/{ws}", app.address))
            .await
            .unwrap();
        browser.resize(phone).await;
        // The text and the mention, both unread.
        browser.wait_for_text("#bell-count", "2").await;
        browser.click("#bell").await;
        browser
            .wait_for_text("#bell-list", "mentioned you: Over to @Ana Lima")
            .await;
        browser.click("#bell-read-all").await;
        browser.wait_for("#bell").await;
    }
    browser.client.clone().close().await.unwrap();
}

/// Ana turns new-message notifications off on her profile page; a text then
/// leaves her bell alone.
#[tokio::test]
async fn a_member_chooses_how_to_hear_of_each_trigger_on_the_profile_page() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let ws = &seed.workspace_id;
    browser.sign_in_as(&app, &seed.ana.id).await;
    for phone in [true, false] {
        browser
            .client
            .goto(&format!("{}/w/{ws}/profile", app.address))
            .await
            .unwrap();
        browser.resize(phone).await;
        browser.wait_for("#notify-inbound").await;
        browser.assert_fits("the profile's notifications").await;
        // Admins only: the registration news.
        assert!(!browser.is_shown("#notify-registration_completed").await);
    }
    browser.set_value("#notify-inbound", "off").await;
    browser.click("#save-notify").await;
    browser
        .wait_for_text("#notice", "Notifications saved.")
        .await;
    assert_eq!(browser.value("#notify-inbound").await, "off");
    assert_eq!(browser.value("#notify-assigned").await, "in_app");
    app.new_conversation(&seed, "+14155550165", "Anyone there?")
        .await;
    app.run_due_jobs().await;
    browser
        .client
        .goto(&format!("{}/w/{ws}", app.address))
        .await
        .unwrap();
    browser.wait_for("#bell").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!browser.is_shown("#bell-count").await);
    browser.client.clone().close().await.unwrap();
}

/// An admin edits the inbox's "Notify users and channels"; a bad address is
/// refused by name and nothing is saved.
#[tokio::test]
async fn an_admin_chooses_who_hears_of_an_inbox_in_its_settings() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let settings = format!(
        "{}/w/{}/inboxes/{}/settings",
        app.address, seed.workspace_id, seed.inbox_id
    );
    browser.sign_in_as(&app, &seed.admin.id).await;
    browser.client.goto(&settings).await.unwrap();
    browser.resize(true).await;
    browser.wait_for("#notify-form").await;
    browser.assert_fits("the notify card").await;
    browser.resize(false).await;
    browser
        .click(&format!("#notify-form input[value='{}']", seed.ana.id))
        .await;
    browser
        .type_into("#notify-slack", "C0123ABCD support")
        .await;
    browser.type_into("#notify-emails", "not-an-address").await;
    browser.click("#save-notify").await;
    browser.wait_for_text("#settings-error", "address").await;
    // The refused card shows what is stored again.
    browser
        .click(&format!("#notify-form input[value='{}']", seed.ana.id))
        .await;
    browser
        .type_into("#notify-slack", "C0123ABCD support")
        .await;
    browser
        .type_into("#notify-emails", "team@example.com")
        .await;
    browser.type_into("#notify-throttle", "60").await;
    browser.click("#save-notify").await;
    browser.wait_for_text("#notice", "Saved.").await;
    assert_eq!(browser.value("#notify-slack").await, "C0123ABCD support");
    assert_eq!(browser.value("#notify-throttle").await, "60");
    let ana_ticked = browser
        .wait_for(&format!("#notify-form input[value='{}']", seed.ana.id))
        .await
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(ana_ticked.as_deref(), Some("false"));
    browser.client.clone().close().await.unwrap();
}

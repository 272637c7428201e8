//! The Team page's management (roles, removal, refusals, revoking), the
//! Profile page (time zone, availability, password), times in the viewer's
//! zone with day separators, and statuses from the conversation page — each
//! at 1440×900 and 390×844.

use chrono::Duration as Span;

use crate::browser::{app_and_browser, customer_texts, Browser};
use crate::helpers::TestApp;

/// At phone size, the page has no horizontal scroll; back to desktop after.
async fn fits_a_phone(browser: &Browser) {
    browser.client.set_window_size(390, 844).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let overflow = browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    let wide = browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('body *')).filter(e => \
             e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 6).map(e => \
             e.tagName + '#' + e.id + '.' + e.className).join(' | ');",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "scrolls sideways by {overflow}px: {wide}"
    );
    browser.client.set_window_size(1440, 900).await.unwrap();
}

async fn goto(browser: &Browser, app: &TestApp, path: &str) {
    browser
        .client
        .goto(&format!("{}{path}", app.address))
        .await
        .unwrap();
}

#[tokio::test]
async fn admins_change_roles_remove_members_and_revoke_invitations_on_the_team_page() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let ws = &seed.workspace_id;
    browser.sign_in_as(&app, &seed.owner.id).await;
    goto(&browser, &app, &format!("/w/{ws}")).await;
    browser.click("#nav-team").await;
    browser.wait_for_text("#team-members", "Ben Okafor").await;

    // Ben becomes an admin.
    browser
        .set_value(&format!("#role-{}", seed.ben.id), "admin")
        .await;
    browser
        .click("li[data-member='ben@example.com'] .team-role button")
        .await;
    browser
        .wait_for_text("#notice", "Ben Okafor is now an admin.")
        .await;

    // An existing member cannot be invited again; what was typed stays.
    browser.type_into("#invite-email", "ana@example.com").await;
    browser.type_into("#invite-name", "Ana Again").await;
    browser.click("#invite-submit").await;
    browser.wait_for_text("#error", "already a member").await;
    assert_eq!(browser.value("#invite-email").await, "ana@example.com");

    // An invitation, revoked.
    browser.type_into("#invite-email", "nia@example.com").await;
    browser.type_into("#invite-name", "Nia New").await;
    browser.click("#invite-submit").await;
    browser
        .wait_for_text("#pending-invitations", "nia@example.com")
        .await;
    browser
        .click("li[data-invited='nia@example.com'] button")
        .await;
    browser
        .wait_for_text("#notice", "its link no longer works")
        .await;
    browser
        .wait_for_text("#pending-invitations", "No invitations waiting")
        .await;

    // Oscar is removed.
    browser
        .click(&format!(
            "li[data-member='{}'] form[action$='/remove'] button",
            seed.outsider.email
        ))
        .await;
    browser.wait_for_text("#notice", "Removed").await;
    let list = browser
        .wait_for("#team-members")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Oscar"), "{list}");
    fits_a_phone(&browser).await;

    // An admin sees the owner without controls: owners are an owner's to
    // manage, and the last owner stays.
    browser.sign_in_as(&app, &seed.admin.id).await;
    goto(&browser, &app, &format!("/w/{ws}/team")).await;
    let owner_row = format!("li[data-member='{}']", seed.owner.email);
    browser.wait_for_text(&owner_row, "Owner").await;
    assert!(!browser.is_shown(&format!("{owner_row} form")).await);
    // The admin may not make owners.
    let roles = browser
        .wait_for(&format!("#role-{}", seed.ana.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(!roles.contains("Owner"), "{roles}");

    // Agents have no Team link and no Team page.
    browser.sign_in_as(&app, &seed.ana.id).await;
    goto(&browser, &app, &format!("/w/{ws}")).await;
    browser.wait_for("#queue").await;
    assert!(!browser.is_shown("#nav-team").await);
    goto(&browser, &app, &format!("/w/{ws}/team")).await;
    browser.wait_for_text("h1", "don't have access").await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_profile_sets_the_zone_every_time_is_shown_in_and_the_timeline_separates_days() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let ws = &seed.workspace_id;
    customer_texts(&app, &seed, "+14155550161", "The heater broke last night").await;
    app.state.clock.advance(Span::hours(24));
    customer_texts(&app, &seed, "+14155550161", "Still cold today").await;
    app.set_password(&seed.ana, "correct horse battery").await;

    browser.sign_in_as(&app, &seed.ana.id).await;
    goto(&browser, &app, &format!("/w/{ws}")).await;
    // The first page sends the browser's zone to her profile.
    let ana = domain::UserId::parse(&seed.ana.id).unwrap();
    let mut sent = None;
    for _ in 0..50 {
        let mut reader = app.store.read().await.unwrap();
        sent = store::users::profile(&mut reader.conn(), &ana)
            .await
            .unwrap()
            .and_then(|p| p.time_zone);
        if sent.is_some() {
            break;
        }
        drop(reader);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let sent = sent.expect("the browser's time zone was sent");
    browser.click("#nav-profile").await;
    // The profile shows the zone the browser sent.
    assert_eq!(browser.value("#time_zone").await, sent.name());
    browser.wait_for_text("h1", "Your profile").await;
    // Kiritimati: UTC+14 all year, so its days are not UTC's.
    browser.set_value("#time_zone", "Pacific/Kiritimati").await;
    browser.click("#away").await;
    browser.click("#save-profile").await;
    browser.wait_for_text("#notice", "Profile saved.").await;
    assert_eq!(browser.value("#time_zone").await, "Pacific/Kiritimati");
    browser.screenshots("profile").await;
    fits_a_phone(&browser).await;

    // The password needs the current one.
    browser
        .type_into("#current_password", "not my password")
        .await;
    browser
        .type_into("#new_password", "a much better one")
        .await;
    browser.click("#change-password").await;
    browser
        .wait_for_text("#password-error", "not your current password")
        .await;
    browser
        .type_into("#current_password", "correct horse battery")
        .await;
    browser
        .type_into("#new_password", "a much better one")
        .await;
    browser.click("#change-password").await;
    browser.wait_for_text("#notice", "Password changed.").await;
    app.login(&seed.ana.email, "a much better one").await;

    // The conversation: "Yesterday" and "Today", times in Ana's zone.
    goto(&browser, &app, &format!("/w/{ws}")).await;
    browser.click("#queue-list .row").await;
    browser.wait_for_text("#timeline", "Still cold today").await;
    let days: Vec<String> = {
        let mut out = Vec::new();
        for el in browser
            .client
            .find_all(fantoccini::Locator::Css("#timeline .day-sep"))
            .await
            .unwrap()
        {
            out.push(el.text().await.unwrap());
        }
        out
    };
    assert_eq!(days, ["Yesterday", "Today"]);
    let title = browser
        .wait_for("#timeline .msg-time")
        .await
        .attr("title")
        .await
        .unwrap()
        .unwrap();
    assert!(title.contains("+14"), "{title}");

    // The admin sees Ana away on the Team page.
    browser.sign_in_as(&app, &seed.admin.id).await;
    goto(&browser, &app, &format!("/w/{ws}/team")).await;
    browser
        .wait_for_text("li[data-member='ana@example.com']", "Away")
        .await;
    // And before transferring a conversation to her.
    goto(&browser, &app, &format!("/w/{ws}")).await;
    browser.click("#queue-list .row").await;
    let options = browser
        .wait_for("#transfer-to")
        .await
        .html(false)
        .await
        .unwrap();
    assert!(options.contains("Ana Lima (away)"), "{options}");
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn statuses_are_set_from_the_conversation_and_shown_in_the_queue() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let ws = &seed.workspace_id;
    customer_texts(&app, &seed, "+14155550162", "Is my part in yet?").await;
    browser.sign_in_as(&app, &seed.ana.id).await;
    goto(&browser, &app, &format!("/w/{ws}")).await;
    browser.click("#queue-list .row").await;
    browser
        .wait_for_text("#timeline", "Is my part in yet?")
        .await;
    browser.press('a').await;
    browser
        .wait_for_text("#conv-assignee", "Assigned to you")
        .await;

    // From the menu: Pending; the queue row says so, and whose it is.
    browser.click("#status-menu summary").await;
    browser.screenshots("status-menu").await;
    browser.click("#status-pending").await;
    browser.wait_for_text("#conv-status", "Pending").await;
    browser
        .wait_for_text("#queue-list .row .row-status", "Pending")
        .await;
    browser
        .wait_for_text("#queue-list .row .row-assignee", "You")
        .await;
    // All inboxes: the row names its inbox.
    browser
        .wait_for_text("#queue-list .row .row-inbox", "Support")
        .await;

    // Keys: on hold, back to open.
    browser.press('h').await;
    browser.wait_for_text("#conv-status", "On Hold").await;
    browser.press('o').await;
    browser.wait_for_text("#conv-status", "Open").await;

    // Snoozed: the Snoozed list says until when.
    browser.click("#snooze-menu summary").await;
    browser.click("button[name=preset][value='1h']").await;
    browser.wait_for_text("#conv-status", "Snoozed").await;
    goto(&browser, &app, &format!("/w/{ws}?view=snoozed")).await;
    browser
        .wait_for_text("#queue-list .row .row-status", "Snoozed until")
        .await;
    browser.click("#queue-list .row").await;
    browser.click("#reopen").await;
    browser.wait_for_text("#conv-status", "Open").await;

    // Close asks first; dismissed, nothing happens; accepted, it is closed.
    browser.press('c').await;
    browser.client.dismiss_alert().await.unwrap();
    browser.wait_for_text("#conv-status", "Open").await;
    browser.press('c').await;
    browser.client.accept_alert().await.unwrap();
    browser.wait_for("#closed-banner").await;
    browser.screenshots("conversation-closed").await;
    browser.client.clone().close().await.unwrap();
}

//! Issue 10's "done when": a new owner sets up a workspace, invites a
//! teammate through the Team page (copying the link, as email is not
//! configured), the teammate accepts in a second browser, and both work
//! one conversation together — without touching the API. Also the Profile
//! page, statuses with their shortcuts, and day separators.

use fantoccini::Locator;
use serde_json::{json, Value};
use store::Backend;

use crate::browser::{self, Browser};
use crate::helpers::spawn_app;

const OWNER_PASSWORD: &str = "correct horse battery";

async fn fill(browser: &Browser, fields: &[(&str, &str)]) {
    for (css, value) in fields {
        browser.type_into(css, value).await;
    }
}

/// The composer, by its shortcut (`r` reply, `n` note): typed and sent.
async fn write(browser: &Browser, key: char, text: &str) {
    browser.wait_for("#composer-body").await;
    browser.press(key).await;
    let label = if key == 'n' { "Add note" } else { "Send" };
    browser.wait_for_text("#send", label).await;
    browser
        .wait_for("#composer-body")
        .await
        .send_keys(text)
        .await
        .unwrap();
    browser.click("#send").await;
}

#[tokio::test]
async fn a_new_owner_invites_a_teammate_and_they_work_a_conversation_together() {
    let Some(owner) = browser::start().await else {
        return;
    };
    let Some(teammate) = browser::start().await else {
        return;
    };
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let a = &owner.client;

    // The owner sets up the install.
    a.goto(&format!("{}/", app.address)).await.unwrap();
    owner.wait_for_text("h1", "Set up Switchboard").await;
    fill(
        &owner,
        &[
            ("#workspace_name", "Acme Plumbing"),
            ("#name", "Olivia Owner"),
            ("#email", "olivia@example.com"),
            ("#password", OWNER_PASSWORD),
        ],
    )
    .await;
    owner.click("button[type=submit]").await;
    owner.wait_for_text(".queue-title", "All inboxes").await;
    let ws = owner.path_segments().await[1].clone();

    // An inbox with a simulator number, through the wizard.
    a.goto(&format!("{}/w/{ws}/inboxes/new", app.address))
        .await
        .unwrap();
    owner.type_into("#name", "Support").await;
    owner.click("#create-inbox").await;
    owner
        .wait_for_text(".wizard-step.current", "Pick a number")
        .await;
    let path = owner.path_segments().await;
    let inbox = path[path.len() - 3].clone();
    owner.click("#search-numbers").await;
    owner
        .click("#available-numbers li:first-child button")
        .await;
    owner.wait_for("#channel-list .settings-row").await;

    // The Team page: invite Tom, copy the link.
    a.goto(&format!("{}/w/{ws}", app.address)).await.unwrap();
    owner.click("#nav-team").await;
    owner.wait_for_text("h1", "Team").await;
    owner
        .wait_for_text("#team-members", "olivia@example.com")
        .await;
    fill(
        &owner,
        &[
            ("#invite-email", "tom@example.com"),
            ("#invite-name", "Tom Teammate"),
        ],
    )
    .await;
    owner.click("#invite-submit").await;
    owner
        .wait_for_text(
            "#invite-link-card",
            "Email is not configured; copy this link to your teammate",
        )
        .await;
    owner
        .wait_for_text("#pending-invitations", "tom@example.com")
        .await;
    assert!(
        owner.is_shown("#copy-invite").await,
        "the copy button shows"
    );
    let link = owner.value("#invite-link").await;
    assert!(
        link.starts_with(&format!("{}/invite/", app.address)),
        "{link}"
    );
    owner.screenshots("team").await;

    // Tom, in his own browser, follows the link: name and password, and he
    // is in the workspace.
    let b = &teammate.client;
    b.goto(&link).await.unwrap();
    teammate.wait_for_text("h1", "Join Acme Plumbing").await;
    teammate.screenshots("invitation").await;
    fill(
        &teammate,
        &[
            ("#name", "Tom Teammate"),
            ("#password", "tom's own password"),
        ],
    )
    .await;
    teammate.click("#accept-invite").await;
    teammate.wait_for_text(".queue-title", "All inboxes").await;
    assert_eq!(teammate.path_segments().await[1], ws);
    // The link is spent.
    b.goto(&link).await.unwrap();
    teammate
        .wait_for_text(".error-detail", "already used, revoked")
        .await;

    // The owner sees Tom as a member, no longer pending, and puts him in Support.
    a.goto(&format!("{}/w/{ws}/team", app.address))
        .await
        .unwrap();
    owner.wait_for_text("#team-members", "Tom Teammate").await;
    owner
        .wait_for_text("#pending-invitations", "No invitations waiting")
        .await;
    a.goto(&format!("{}/w/{ws}/inboxes/{inbox}/settings", app.address))
        .await
        .unwrap();
    owner.wait_for("#add-user").await;
    let tom_option = a
        .find(Locator::XPath(
            "//select[@id='add-user']/option[contains(., 'Tom Teammate')]",
        ))
        .await
        .unwrap();
    tom_option.click().await.unwrap();
    owner.click("#add-member").await;
    owner.wait_for_text("#member-list", "Tom Teammate").await;

    // A customer texts the inbox's number (the customer's phone is the simulator).
    let numbers: Value = app
        .client
        .get(format!("{}/simulator/api/numbers", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let number = numbers["numbers"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let sent = app
        .client
        .post(format!("{}/simulator/api/messages", app.address))
        .json(&json!({"from": "+14155550177", "to": number, "body": "My boiler is making a noise"}))
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success());

    // Tom takes it and answers the customer.
    b.goto(&format!("{}/w/{ws}", app.address)).await.unwrap();
    teammate.click("#queue-list .row").await;
    teammate
        .wait_for_text("#timeline", "My boiler is making a noise")
        .await;
    teammate.wait_for_text("#timeline .day-sep", "Today").await;
    teammate.click("#assign-to-me").await;
    teammate
        .wait_for_text("#conv-assignee", "Assigned to you")
        .await;
    write(&teammate, 'r', "We can come by on Tuesday morning.").await;
    teammate
        .wait_for_text("#timeline", "We can come by on Tuesday morning.")
        .await;

    // The owner sees who has it in the queue, and leaves Tom a note.
    a.goto(&format!("{}/w/{ws}", app.address)).await.unwrap();
    owner
        .wait_for_text("#queue-list .row", "Tom Teammate")
        .await;
    // All inboxes: the row names its inbox.
    owner
        .wait_for_text("#queue-list .row-inbox", "Support")
        .await;
    owner.click("#queue-list .row").await;
    owner.wait_for_text("#conv-assignee", "Tom Teammate").await;
    owner
        .wait_for_text("#timeline", "We can come by on Tuesday morning.")
        .await;
    write(&owner, 'n', "Tom, bring the pressure gauge.").await;
    owner
        .wait_for_text("#timeline", "Tom, bring the pressure gauge.")
        .await;

    // Tom sees the note arrive live, then puts it on hold with a key.
    teammate
        .wait_for_text("#timeline", "Tom, bring the pressure gauge.")
        .await;
    teammate.press('h').await;
    // (The pill capitalises its words.)
    teammate.wait_for_text("#conv-status", "On Hold").await;
    teammate.screenshots("conversation-on-hold").await;

    // The customer got Tom's reply.
    let phone: Value = app
        .client
        .get(format!(
            "{}/simulator/api/messages?number=%2B14155550177",
            app.address
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        phone
            .to_string()
            .contains("We can come by on Tuesday morning."),
        "{phone}"
    );
    owner.client.clone().close().await.unwrap();
    teammate.client.clone().close().await.unwrap();
}

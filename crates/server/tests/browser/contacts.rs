//! Contacts, end to end in Chromium: importing a CSV file, adding one
//! contact, deleting one.

use std::path::PathBuf;

use fantoccini::Locator;
use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use crate::browser::{self, Browser};
use crate::helpers::{spawn_app, Seed, TestApp};

async fn app_and_browser() -> Option<(TestApp, Seed, Browser)> {
    let browser = browser::start().await?;
    let app = spawn_app(Backend::Sqlite).await?;
    let seed = app.seed().await;
    Some((app, seed, browser))
}

/// A file on disk for the browser to upload, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("switchboard-upload-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

async fn type_into(browser: &Browser, css: &str, text: &str) {
    let field = browser.wait_for(css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn value_of(browser: &Browser, css: &str) -> String {
    let field = browser.wait_for(css).await;
    field.prop("value").await.unwrap().unwrap_or_default()
}

/// Picks `file` in the import page's file input and submits its form.
async fn upload(browser: &Browser, app: &TestApp, seed: &Seed, file: &TempFile) {
    let page = format!("{}/w/{}/contacts/import", app.address, seed.workspace_id);
    browser.client.goto(&page).await.unwrap();
    // WebDriver picks a file by typing its path into the input.
    browser
        .wait_for("#csv-file")
        .await
        .send_keys(file.path())
        .await
        .unwrap();
    browser.click("#upload-submit").await;
}

async fn contact_list(browser: &Browser, app: &TestApp, seed: &Seed) -> String {
    let list = format!("{}/w/{}/contacts", app.address, seed.workspace_id);
    browser.client.goto(&list).await.unwrap();
    browser
        .wait_for("#contact-list")
        .await
        .text()
        .await
        .unwrap()
}

/// The contacts the API finds for `q`.
async fn find_contacts(app: &TestApp, seed: &Seed, q: &str) -> Vec<Value> {
    let response = app
        .api(
            seed,
            Method::GET,
            &format!("/contacts?q={q}"),
            Some(&seed.ana),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_uploaded_csv_file_is_imported_with_a_report_of_each_line() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.ana.id).await;
    // As a spreadsheet saves it: a byte-order mark and CRLF line ends.
    // A CRM's export: columns that are not contact fields are ignored, and named.
    let csv =
        "\u{feff}name,phone,email,Company\r\nDana Diaz,+14155550161,dana@example.com,Acme\r\n\
               Broken Bob,not a phone,,\r\nEli Evans,(415) 555-0162,,\r\n";
    let file = TempFile::new("leads.csv", csv.as_bytes());
    upload(&browser, &app, &seed, &file).await;
    browser.wait_for_text("#created", "2").await;
    browser.wait_for_text("#skipped", "1").await;
    browser.wait_for_text("#import-errors", "Line 3").await;
    browser.wait_for_text("#import-errors", "phone").await;
    browser
        .wait_for_text("#import-warning", "Ignored the column \"Company\"")
        .await;

    let list = contact_list(&browser, &app, &seed).await;
    assert!(list.contains("Dana Diaz"), "{list}");
    assert!(list.contains("Eli Evans"), "{list}");
    assert!(!list.contains("Broken Bob"), "{list}");
    let eli = find_contacts(&app, &seed, "Evans").await;
    assert_eq!(eli[0]["phone"], "+14155550162");

    // The same file again changes nobody.
    upload(&browser, &app, &seed, &file).await;
    browser.wait_for_text("#unchanged", "2").await;
    browser.wait_for_text("#created", "0").await;
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_file_that_is_not_utf8_csv_or_is_too_big_is_refused_on_the_form() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.ana.id).await;
    // "José" in Latin-1, as an old spreadsheet would save it.
    let latin1 = TempFile::new("old.csv", b"name,email\nJos\xe9 Ruiz,jose@example.com\n");
    upload(&browser, &app, &seed, &latin1).await;
    browser
        .wait_for_text("#settings-error", "“old.csv” is not a CSV file in UTF-8")
        .await;
    assert!(browser
        .client
        .find(Locator::Css("#import-report"))
        .await
        .is_err());

    let mut big = b"name,email\n".to_vec();
    while big.len() <= 1024 * 1024 {
        big.extend_from_slice(b"Someone,someone@example.com\n");
    }
    let big = TempFile::new("big.csv", &big);
    upload(&browser, &app, &seed, &big).await;
    browser
        .wait_for_text("#settings-error", "“big.csv” is larger than 1 MiB")
        .await;
    // The form is there to try again; nothing was imported.
    browser.wait_for("#csv-file").await;
    assert!(find_contacts(&app, &seed, "example.com").await.is_empty());
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_contact_is_added_once_its_phone_number_is_a_real_one() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    c.goto(&format!("{}/w/{}/contacts", app.address, seed.workspace_id))
        .await
        .unwrap();
    browser.click("#new-contact").await;
    browser.wait_for_text("h1", "New contact").await;
    type_into(&browser, "#name", "Gina <b>Green</b>").await;
    type_into(&browser, "#phone", "12345").await;
    type_into(&browser, "#email", "gina@example.com").await;
    browser
        .wait_for(&format!("#owner_id option[value='{}']", seed.ben.id))
        .await
        .click()
        .await
        .unwrap();
    browser.click("#create-contact").await;
    browser
        .wait_for_text("#settings-error", "invalid phone number")
        .await;
    // What was typed is kept, to fix rather than retype.
    assert_eq!(value_of(&browser, "#name").await, "Gina <b>Green</b>");
    assert_eq!(value_of(&browser, "#email").await, "gina@example.com");
    assert_eq!(value_of(&browser, "#owner_id").await, seed.ben.id);
    assert!(find_contacts(&app, &seed, "gina").await.is_empty());

    type_into(&browser, "#phone", "(415) 555-0177").await;
    browser.click("#create-contact").await;
    browser.wait_for_text("#notice", "Contact added").await;
    // The name is shown as typed, markup and all, never as markup.
    browser
        .wait_for_text("#contact-list", "Gina <b>Green</b>")
        .await;
    browser
        .wait_for_text("#contact-list", "(415) 555-0177")
        .await;
    let gina = find_contacts(&app, &seed, "gina").await;
    assert_eq!(gina.len(), 1);
    assert_eq!(gina[0]["phone"], "+14155550177");
    assert_eq!(gina[0]["owner_id"], json!(seed.ben.id));
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_agent_deletes_a_contact_after_ticking_the_confirmation() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let response = app
        .api(
            &seed,
            Method::POST,
            "/contacts",
            Some(&seed.ana),
            Some(json!({"name": "Hal Hughes", "email": "hal@example.com"})),
        )
        .await;
    assert_eq!(response.status(), 201);
    let hal: Value = response.json().await.unwrap();
    browser.sign_in_as(&app, &seed.ana.id).await;
    let c = &browser.client;
    c.goto(&format!(
        "{}/w/{}/contacts/{}",
        app.address,
        seed.workspace_id,
        hal["id"].as_str().unwrap()
    ))
    .await
    .unwrap();
    browser
        .wait_for_text("#delete-card", "This cannot be undone")
        .await;
    // Unticked, the browser does not send the form.
    browser.click("#delete-contact").await;
    browser.wait_for("#confirm-delete").await;
    assert_eq!(find_contacts(&app, &seed, "hal").await.len(), 1);

    browser.click("#confirm-delete").await;
    browser.click("#delete-contact").await;
    browser.wait_for_text("#notice", "Contact deleted").await;
    let list = browser
        .wait_for("#contact-list")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Hal Hughes"), "{list}");
    assert!(find_contacts(&app, &seed, "hal").await.is_empty());
    browser.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn only_an_admin_may_delete_a_contact_who_has_conversations() {
    let Some((app, seed, browser)) = app_and_browser().await else {
        return;
    };
    let conversation = app
        .new_conversation(&seed, "+14155550188", "Is the shop open?")
        .await;
    let texter = find_contacts(&app, &seed, "0188").await;
    let page = format!(
        "{}/w/{}/contacts/{}",
        app.address,
        seed.workspace_id,
        texter[0]["id"].as_str().unwrap()
    );

    // An agent sees why the control is disabled.
    browser.sign_in_as(&app, &seed.ana.id).await;
    browser.client.goto(&page).await.unwrap();
    browser
        .wait_for_text("#delete-refused", "only an admin can do that")
        .await;
    let button = browser.wait_for("#delete-contact").await;
    assert!(!button.is_enabled().await.unwrap());
    assert!(browser
        .client
        .find(Locator::Css("#confirm-delete"))
        .await
        .is_err());

    // An admin is told what goes with the contact, and deletes both.
    browser.sign_in_as(&app, &seed.admin.id).await;
    browser.client.goto(&page).await.unwrap();
    browser
        .wait_for_text("#delete-card", "their conversation is deleted with them")
        .await;
    browser.click("#confirm-delete").await;
    browser.click("#delete-contact").await;
    browser.wait_for_text("#notice", "Contact deleted").await;
    assert!(find_contacts(&app, &seed, "0188").await.is_empty());
    let mut reader = app.store.read().await.unwrap();
    let id = domain::ConversationId::parse(&conversation).unwrap();
    let gone = store::conversations::get(&mut reader.conn(), &id)
        .await
        .unwrap();
    assert!(gone.is_none());
    drop(reader);
    browser.client.clone().close().await.unwrap();
}

//! Importing contacts from CSV: good lines in, bad lines reported by number.

use reqwest::Method;
use serde_json::{json, Value};
use store::Backend;

use super::{create, search};
use crate::helpers::{assert_problem, spawn_app, Seed, TestApp};

on_both_backends!(
    a_csv_import_skips_bad_lines_by_number_and_imports_the_good_ones,
    a_csv_import_takes_the_owner_as_a_user_id,
    a_csv_file_that_cannot_be_read_as_a_whole_imports_nothing,
    a_crm_export_imports_with_its_unknown_columns_ignored_and_named,
);

async fn import(app: &TestApp, seed: &Seed, content_type: &str, csv: String) -> reqwest::Response {
    let url = format!(
        "{}/api/v1/workspaces/{}/contacts/import",
        app.address, seed.workspace_id
    );
    app.client
        .post(url)
        .bearer_auth(&seed.ana.token)
        .header("content-type", content_type)
        .body(csv)
        .send()
        .await
        .unwrap()
}

async fn a_csv_import_skips_bad_lines_by_number_and_imports_the_good_ones(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    create(&app, &seed, json!({"name": "", "phone": "+14155550199"})).await;
    let csv = "\u{feff}Name,Phone,Email,Owner_Email\n\
        Jane Doe,+14155550123,jane@example.com,ana@example.com\n\
        Bad Phone,12345,bad@example.com,\n\
        Bad Email,+14155550124,not-an-email,\n\
        Unknown Owner,+14155550125,,nobody@example.com\n\
        Too Few,+14155550126\n\
        \"Multi\nLine\",(415) 555-0127,,\n\
        Jane Again,,JANE@example.com,ben@example.com\n\
        \"Texter, Known\",+14155550199,,\n\
        \"Texter, Known\",+14155550199,,\n\
        Nobody,,,\n";
    let response = import(&app, &seed, "text/csv; charset=utf-8", csv.to_string()).await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(
        (&report["created"], &report["updated"], &report["unchanged"]),
        (&json!(1), &json!(2), &json!(1)),
        "{report}"
    );
    let errors = report["errors"].as_array().unwrap();
    let lines: Vec<i64> = errors.iter().map(|e| e["line"].as_i64().unwrap()).collect();
    // The quoted name spanning lines 7-8 counts both: the next line is 9.
    assert_eq!(lines, [3, 4, 5, 6, 7, 12], "{report}");
    let messages: Vec<&str> = errors
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].starts_with("phone:"), "{messages:?}");
    assert!(messages[1].starts_with("email:"), "{messages:?}");
    assert!(messages[2].starts_with("owner_email:"), "{messages:?}");
    assert!(messages[3].contains("expected 4 fields"), "{messages:?}");
    assert!(messages[4].starts_with("name:"), "{messages:?}");

    let (names, _) = search(&app, &seed, "").await;
    assert_eq!(names, ["Jane Again", "Texter, Known"]);
    let response = app
        .api(
            &seed,
            Method::GET,
            "/contacts?q=jane",
            Some(&seed.ana),
            None,
        )
        .await;
    let jane: Value = response.json().await.unwrap();
    let jane = &jane["items"][0];
    assert_eq!(jane["phone"], "+14155550123");
    assert_eq!(jane["owner_id"], seed.ben.id.as_str());
    assert!(search(&app, &seed, "?q=Bad").await.0.is_empty());
}

async fn a_csv_import_takes_the_owner_as_a_user_id(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let csv = format!(
        "phone,user_id,name\n+14155550123,{},Jane\n+14155550124,{},Stella's friend\n",
        seed.ana.id, seed.stranger.id
    );
    let report: Value = import(&app, &seed, "text/csv", csv)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["created"], 1, "{report}");
    assert_eq!(report["errors"][0]["line"], 3);
    assert!(report["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("user_id:"));
    let response = app
        .api(
            &seed,
            Method::GET,
            "/contacts?q=Jane",
            Some(&seed.ana),
            None,
        )
        .await;
    let found: Value = response.json().await.unwrap();
    assert_eq!(found["items"][0]["owner_id"], seed.ana.id.as_str());
}

async fn a_csv_file_that_cannot_be_read_as_a_whole_imports_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let good = "name,phone\nJane,+14155550123\n".to_string();
    let response = import(&app, &seed, "application/json", good).await;
    assert_problem(response, 415, "unsupported_media_type").await;

    for (csv, says) in [
        ("", "phone or an email column"),
        ("name,phone,user_id,owner_email\n", "not both"),
        ("name,phone,phone\n", "twice"),
    ] {
        let response = import(&app, &seed, "text/csv", csv.to_string()).await;
        let body = assert_problem(response, 422, "validation").await;
        assert!(body["detail"].as_str().unwrap().contains(says), "{body}");
    }

    let mut too_many = String::from("name,phone\n");
    for n in 0..=10_000 {
        too_many.push_str(&format!("C{n},+1415555{:04}\n", n % 10_000));
    }
    let response = import(&app, &seed, "text/csv", too_many).await;
    assert_problem(response, 413, "payload_too_large").await;
    assert!(search(&app, &seed, "").await.0.is_empty());
}

async fn a_crm_export_imports_with_its_unknown_columns_ignored_and_named(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let seed = app.seed().await;
    let csv = "Company,name,Lead Source,phone,email,Notes\n\
        Acme,Jane Doe,Web,+14155550123,jane@example.com,\"called, twice\"\n\
        Initech,Bob Roe,Fair,+14155550124,,\n"
        .to_string();
    let response = import(&app, &seed, "text/csv", csv).await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(report["errors"], json!([]));
    assert_eq!(
        report["ignored_columns"],
        json!(["Company", "Lead Source", "Notes"])
    );
    let warning = report["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("\"Company\", \"Lead Source\", \"Notes\""),
        "{warning}"
    );
    let (names, _) = search(&app, &seed, "?q=%2B14155550123").await;
    assert_eq!(names, ["Jane Doe"]);

    // A file with only known columns has nothing to warn about.
    let response = import(
        &app,
        &seed,
        "text/csv",
        "name,phone\nBob,+14155550125\n".into(),
    )
    .await;
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["ignored_columns"], json!([]));
    assert_eq!(report["warnings"], json!([]));
}

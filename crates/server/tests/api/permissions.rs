//! The permission matrix: every endpoint of the JSON API (each method and
//! path of the OpenAPI document) against each kind of caller, with the
//! status DESIGN.md §3 and API.md promise them:
//!
//! | caller | who |
//! |---|---|
//! | owner | the workspace's owner, in no inbox |
//! | admin | an admin, in no inbox (admins see every inbox) |
//! | member | Ana, an agent in the Support inbox; the conversation is hers |
//! | non-member | Oscar, an agent of the workspace outside Support: 404 for anything in it |
//! | anonymous | no credentials: 401 |
//! | other workspace | Stella, owner of another workspace: 404 for anything in this one |
//!
//! Every (row, caller) runs against its own fresh fixture (a new workspace in
//! one app per backend), so destructive rows affect nothing else. One run
//! reports every mismatch at once. The rows are in [`table`], the world they
//! run in is [`fixture`]; a new endpoint fails
//! [`every_endpoint_of_the_openapi_document_has_exactly_one_plausible_row_in_the_matrix`]
//! until it has a row.

mod fixture;
mod table;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::Instant;

use futures_util::future::join_all;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;
use store::Backend;

use self::fixture::Fixture;
use self::table::{rows, Body, Row};
use crate::helpers::{spawn_app, TestApp};

on_both_backends!(every_endpoint_answers_each_kind_of_caller_as_the_permission_table_says);

/// The columns of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The workspace's owner (in no inbox).
    Owner,
    /// An admin (in no inbox).
    Admin,
    /// Ana, an agent in the inbox, assigned the conversation.
    Member,
    /// Oscar, an agent of the workspace who is not in the inbox.
    NonMember,
    /// No credentials.
    Anonymous,
    /// Stella, the owner of another workspace.
    OtherWorkspace,
}

/// The order of every row's expectations.
pub const ACTORS: [Actor; 6] = [
    Actor::Owner,
    Actor::Admin,
    Actor::Member,
    Actor::NonMember,
    Actor::Anonymous,
    Actor::OtherWorkspace,
];

impl Actor {
    fn label(self) -> &'static str {
        match self {
            Actor::Owner => "owner",
            Actor::Admin => "admin",
            Actor::Member => "member",
            Actor::NonMember => "non-member",
            Actor::Anonymous => "anonymous",
            Actor::OtherWorkspace => "other workspace",
        }
    }
}

/// What one caller got from one row.
#[derive(Debug)]
struct Outcome {
    row: String,
    actor: Actor,
    expected: u16,
    got: u16,
    /// The problem's `code` when the answer is an error.
    code: String,
}

impl Outcome {
    /// The status expected, refused for the expected reason.
    fn matches(&self) -> bool {
        self.got == self.expected && reason(self.expected).is_none_or(|code| code == self.code)
    }
}

/// The problem `code` a refusal must carry, so that a 403 is the permission
/// table's (not a missing CSRF header) and a 401 or 404 what they claim.
fn reason(status: u16) -> Option<&'static str> {
    match status {
        401 => Some("unauthenticated"),
        403 => Some("forbidden"),
        404 => Some("not_found"),
        _ => None,
    }
}

async fn every_endpoint_answers_each_kind_of_caller_as_the_permission_table_says(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    // No cookie store: a row that logs in must not log the next caller in.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for row in rows() {
        let cells = ACTORS
            .iter()
            .zip(row.expect)
            .map(|(&actor, expected)| run(&app, &client, &row, actor, expected));
        outcomes.extend(join_all(cells).await);
    }
    eprintln!(
        "permission matrix on {backend:?}: {} answers in {:.1?}",
        outcomes.len(),
        started.elapsed()
    );

    let server_errors: Vec<&Outcome> = outcomes.iter().filter(|o| o.got >= 500).collect();
    let mismatches: Vec<&Outcome> = outcomes.iter().filter(|o| !o.matches()).collect();
    assert!(
        server_errors.is_empty() && mismatches.is_empty(),
        "{} of {} answers differ from the permission matrix ({} of them server errors):\n{}",
        mismatches.len(),
        outcomes.len(),
        server_errors.len(),
        report(&mismatches)
    );
}

/// Builds a fresh fixture, sends `row` as `actor`, and notes what came back.
async fn run(
    app: &TestApp,
    client: &reqwest::Client,
    row: &Row,
    actor: Actor,
    expected: u16,
) -> Outcome {
    let fixture = Fixture::build(app, row.password).await;
    let url = format!("{}{}", app.address, fixture.fill(&row.path, actor));
    let mut request = client.request(row.method.clone(), url);
    if let Some(user) = fixture.user(actor) {
        request = request.bearer_auth(&user.token);
    }
    request = match row.body {
        Body::Empty => request,
        Body::Json(body) => request.json(&body(&fixture)),
        Body::Csv(text) => request.header(CONTENT_TYPE, "text/csv").body(text),
        Body::Png => request
            .header(CONTENT_TYPE, "image/png")
            .body(crate::twilio::media::png()),
    };
    let response = request.send().await.expect("the request reaches the app");
    let got = response.status().as_u16();
    // Only errors are read: a 200 from `GET /events` is a stream that stays open.
    let code = if got >= 400 {
        let body: Value = response.json().await.unwrap_or_default();
        body["code"].as_str().unwrap_or("(no code)").to_string()
    } else {
        String::new()
    };
    Outcome {
        row: row.name(),
        actor,
        expected,
        got,
        code,
    }
}

/// The mismatches as a table, one per line.
fn report(mismatches: &[&Outcome]) -> String {
    let width = mismatches.iter().map(|o| o.row.len()).max().unwrap_or(0);
    let mut table = format!(
        "  {:width$}  {:15}  {:20}  got\n",
        "row", "caller", "expected"
    );
    for o in mismatches {
        let expected = format!("{} {}", o.expected, reason(o.expected).unwrap_or(""));
        let got = format!("{} {}", o.got, o.code);
        let _ = writeln!(
            table,
            "  {:width$}  {:15}  {:20}  {}",
            o.row,
            o.actor.label(),
            expected.trim_end(),
            got.trim_end()
        );
    }
    table
}

#[test]
fn every_endpoint_of_the_openapi_document_has_exactly_one_plausible_row_in_the_matrix() {
    let document = serde_json::to_value(switchboard_server::http::api::document()).unwrap();
    let paths = document["paths"].as_object().expect("paths");
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let documented: BTreeSet<String> = paths
        .iter()
        .filter(|(path, _)| path.starts_with("/api/v1/"))
        .flat_map(|(path, item)| {
            methods
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    let rows = rows();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for row in &rows {
        if !seen.insert(row.name()) {
            problems.push(format!("{}: two rows", row.name()));
        }
    }
    for missing in documented.difference(&seen) {
        problems.push(format!(
            "{missing}: no row (add one to permissions/table.rs)"
        ));
    }
    for extra in seen.difference(&documented) {
        problems.push(format!(
            "{extra}: a row for an endpoint the document does not have"
        ));
    }
    for row in &rows {
        problems.extend(implausible(row, &document));
    }
    assert!(
        problems.is_empty(),
        "the matrix:\n  {}",
        problems.join("\n  ")
    );
}

/// What is wrong with a row's expectations on their face.
fn implausible(row: &Row, document: &Value) -> Vec<String> {
    let name = row.name();
    let public = row.path == "/api/v1/setup" || name == "POST /api/v1/session";
    let in_workspace = row.path.starts_with("/api/v1/workspaces/{ws}/");
    let operation = &document["paths"][row.path.as_str()][row.method.as_str().to_lowercase()];
    let declared = operation["responses"].as_object();
    let mut problems = Vec::new();
    for (actor, status) in ACTORS.into_iter().zip(row.expect) {
        let who = actor.label();
        if !(200..500).contains(&status) {
            problems.push(format!("{name}: {status} for {who} is no answer to expect"));
        }
        if actor == Actor::Anonymous && !public && status != 401 {
            problems.push(format!("{name}: anonymous callers get 401, not {status}"));
        }
        if actor == Actor::OtherWorkspace && in_workspace && status != 404 {
            problems.push(format!(
                "{name}: another workspace's user gets 404, not {status}"
            ));
        }
        // 401 comes from authentication, before any handler, for every endpoint.
        let documented = declared.is_some_and(|d| d.contains_key(&status.to_string()));
        if status != 401 && !documented {
            problems.push(format!(
                "{name}: {status} for {who} is not a response the OpenAPI document declares"
            ));
        }
    }
    problems
}

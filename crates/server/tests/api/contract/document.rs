//! The OpenAPI document says what the server does: every refusal an
//! operation can answer is listed with its problem+json body, the limits the
//! server enforces are in the schemas, and the copy in the repository is the
//! one the code generates.

use serde_json::Value;

/// The generated document, as JSON.
fn document() -> Value {
    let json = switchboard_server::http::api::document()
        .to_json()
        .expect("the document serialises");
    serde_json::from_str(&json).unwrap()
}

/// Every operation as (`METHOD path`, operation).
fn operations(doc: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            out.push((
                format!("{} {path}", method.to_uppercase()),
                operation.clone(),
            ));
        }
    }
    out
}

/// Follows a `$ref` to its component schema.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// The schema of `property` of component `schema`, references followed
/// (a nullable field is `oneOf: [null, $ref]`).
fn property<'a>(doc: &'a Value, schema: &str, property: &str) -> &'a Value {
    let field = &doc["components"]["schemas"][schema]["properties"][property];
    assert!(!field.is_null(), "{schema}.{property} is not documented");
    if let Some(choices) = field["oneOf"].as_array() {
        let typed = choices
            .iter()
            .find(|c| c["type"] != "null")
            .expect("a non-null choice");
        return resolve(doc, typed);
    }
    resolve(doc, field)
}

fn words(schema: &Value) -> Vec<&str> {
    schema["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("no enum in {schema}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn every_operation_lists_the_refusals_its_extractors_make() {
    let doc = document();
    let mut missing = Vec::new();
    for (name, operation) in operations(&doc) {
        let responses = &operation["responses"];
        let takes_json = !operation["requestBody"]["content"]["application/json"].is_null();
        let parameters = operation["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let takes_query = parameters.iter().any(|p| p["in"] == "query");
        let mut expected = Vec::new();
        if takes_json {
            expected.extend(["400", "413", "415", "422"]);
        }
        if takes_query {
            expected.push("400");
        }
        if operation["security"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
        {
            expected.push("401");
        }
        if parameters.iter().any(|p| p["in"] == "path") {
            expected.push("404");
        }
        for status in expected {
            if responses[status].is_null() {
                missing.push(format!("{name}: {status}"));
            }
        }
    }
    assert!(missing.is_empty(), "undocumented refusals: {missing:#?}");
}

#[test]
fn every_refusal_is_documented_as_a_problem() {
    let doc = document();
    let problem = &doc["components"]["schemas"]["Problem"];
    for field in ["type", "title", "status", "detail", "code"] {
        assert!(
            problem["required"]
                .as_array()
                .unwrap()
                .contains(&Value::from(field)),
            "Problem.{field}"
        );
    }
    for (name, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                let content = response["content"].as_object().unwrap();
                assert_eq!(
                    content.keys().collect::<Vec<_>>(),
                    ["application/problem+json"],
                    "{name} {status}"
                );
                assert_eq!(
                    content["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{name} {status}"
                );
            }
        }
    }
}

#[test]
fn the_schemas_carry_the_limits_the_server_enforces() {
    let doc = document();
    let password = property(&doc, "SetupRequest", "password");
    assert_eq!(
        (
            password["minLength"].as_u64(),
            password["maxLength"].as_u64()
        ),
        (Some(8), Some(1024))
    );
    let name = property(&doc, "CreateInbox", "name");
    assert_eq!(
        (name["minLength"].as_u64(), name["maxLength"].as_u64()),
        (Some(1), Some(80))
    );
    assert_eq!(property(&doc, "NewTokenRequest", "name")["minLength"], 1);
    assert_eq!(property(&doc, "AddLink", "external_id")["maxLength"], 200);
    // A reply's text may be empty when it carries files (MMS).
    assert_eq!(property(&doc, "PostBody", "body")["maxLength"], 65_536);
    assert_eq!(property(&doc, "PostBody", "attachments")["maxItems"], 10);
    assert_eq!(
        property(&doc, "UpdateInbox", "auto_close_secs")["minimum"],
        60
    );

    let statuses = [
        "new", "open", "pending", "on_hold", "snoozed", "resolved", "closed",
    ];
    assert_eq!(
        words(property(&doc, "ConversationView", "status")),
        statuses
    );
    assert_eq!(words(property(&doc, "QueueItemView", "status")), statuses);
    assert_eq!(
        words(property(&doc, "SetStatus", "status")),
        ["open", "pending", "on_hold", "resolved", "closed"]
    );
    let priorities = ["none", "low", "normal", "high", "urgent"];
    assert_eq!(
        words(property(&doc, "ConversationView", "priority")),
        priorities
    );
    assert_eq!(
        words(property(&doc, "UpdateConversation", "priority")),
        priorities
    );
    assert_eq!(
        words(property(&doc, "MessageView", "kind")),
        ["inbound", "outbound", "note"]
    );
    assert_eq!(words(property(&doc, "PostBody", "kind")), ["reply", "note"]);
    assert_eq!(
        words(property(&doc, "SetRegistration", "state")),
        ["unregistered", "pending", "approved", "rejected"]
    );
    assert_eq!(
        words(property(&doc, "JobView", "state")),
        ["pending", "done", "failed"]
    );
    assert_eq!(
        words(property(&doc, "InboxMemberView", "role")),
        ["agent", "admin", "owner"]
    );
    assert_eq!(
        words(property(&doc, "CreateInbox", "kind")),
        ["shared", "personal"]
    );

    // Query parameters name their words too.
    let list = &doc["paths"]["/api/v1/workspaces/{ws}/conversations"]["get"]["parameters"];
    let view = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "view")
        .unwrap();
    let view_schema = view["schema"]["oneOf"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] != "null"))
        .unwrap_or(&view["schema"]);
    assert_eq!(words(view_schema), ["open", "done", "snoozed", "all"]);
}

#[test]
fn every_button_on_a_conversation_lists_the_409_of_a_closed_one() {
    // schemathesis found `return-to-inbox` answering 409 `invalid_transition`
    // on a closed conversation without the document saying so.
    let doc = document();
    for action in [
        "assign",
        "assign-to-me",
        "transfer",
        "return-to-inbox",
        "done",
        "reopen",
        "snooze",
        "status",
    ] {
        let path = format!("/api/v1/workspaces/{{ws}}/conversations/{{id}}/{action}");
        assert!(
            !doc["paths"][&path]["post"]["responses"]["409"].is_null(),
            "POST {path} does not list 409"
        );
    }
}

/// `crates/server/openapi.json` is for readers and client generators: it
/// must be what the server serves. Regenerate it with
/// `cargo run --bin switchboard -- openapi > crates/server/openapi.json`.
#[test]
fn the_committed_document_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        committed == document(),
        "crates/server/openapi.json is stale: regenerate it with \
         `cargo run --bin switchboard -- openapi > crates/server/openapi.json`"
    );
}

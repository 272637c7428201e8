//! The refusals every operation of a kind can answer, written into the
//! OpenAPI document once here rather than in each `#[utoipa::path]`: the
//! extractors and layers that answer them are shared, so the document
//! follows the code instead of a list kept by hand.
//!
//! - a JSON body: 400 (not JSON), 413 (over `max_body_bytes`), 415 (not
//!   `application/json`) and 422 (a field missing, unknown or of the wrong
//!   type), from [`crate::http::json_body`] and the body limit;
//! - query parameters: 400 (an unknown or unreadable parameter), from
//!   [`crate::http::query`];
//! - a path parameter: 404 (no such thing, or not visible to the caller);
//! - a session or token: 401.
//!
//! Every 4xx and 5xx is then given the problem+json body of
//! [`crate::http::error::Problem`], which is what the server sends.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::PartialSchema;

use crate::http::error::{Problem, PROBLEM_JSON};

/// The name of the problem schema among the components.
const PROBLEM: &str = "Problem";

/// Adds the shared refusals to every operation of `doc` (see the module).
pub fn document_refusals(doc: &mut OpenApi) {
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .insert(PROBLEM.to_string(), Problem::schema());
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            add_refusals(operation);
        }
    }
}

fn add_refusals(operation: &mut Operation) {
    let takes_json = operation
        .request_body
        .as_ref()
        .is_some_and(|body| body.content.contains_key("application/json"));
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_query = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Query);
    let has_path = parameters
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Path);
    let authenticated = operation.security.as_ref().is_some_and(|requirements| {
        // `security(())` would make the caller optional: only a list of
        // named schemes requires one.
        !requirements.is_empty()
            && requirements.iter().all(|r| {
                serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
            })
    });
    if takes_json {
        ensure(
            operation,
            400,
            "`validation`: the body is not JSON (the detail says where it stops)",
        );
        ensure(
            operation,
            413,
            "`payload_too_large`: the body is over the server's `max_body_bytes`",
        );
        ensure(
            operation,
            415,
            "`unsupported_media_type`: the body is not sent as `application/json`",
        );
        ensure(
            operation,
            422,
            "`validation`: a field is missing, unknown, of the wrong type or out of range (named in the detail)",
        );
    }
    if has_query {
        ensure(
            operation,
            400,
            "`validation`: an unknown query parameter, or one that cannot be read (named in the detail)",
        );
    }
    if has_path {
        ensure(
            operation,
            404,
            "`not_found`: no such resource, or one the caller may not see",
        );
    }
    if authenticated {
        ensure(
            operation,
            401,
            "`unauthenticated`: no valid session cookie or API token",
        );
    }
    for (status, response) in operation.responses.responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (is_error, response) {
            // Whatever a handler declared, a refusal's body is a problem.
            response.content.clear();
            response.content.insert(
                PROBLEM_JSON.to_string(),
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(PROBLEM)))
                    .build(),
            );
        }
    }
}

/// Documents `status` with `description` unless the operation already does.
fn ensure(operation: &mut Operation, status: u16, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| RefOr::T(ResponseBuilder::new().description(description).build()));
}

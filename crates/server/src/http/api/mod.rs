//! The JSON API of API.md under `/api/v1`. Every handler carries its
//! `#[utoipa::path]`, and each resource module returns an [`OpenApiRouter`],
//! so the OpenAPI document is generated from the same routes that serve.

pub mod accounts;
pub mod canned;
pub mod contacts;
pub mod conversations;
pub mod events;
pub mod inboxes;
pub mod integrations;
pub mod media;
pub mod notifications;
mod responses;
pub mod words;

use axum::Router;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::services::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        version = "1",
        description = "The shared team inbox: accounts, inboxes, contacts, conversations and live events. \
Errors are application/problem+json with a stable `code`."
    ),
    modifiers(&Security),
    tags(
        (name = "accounts", description = "Setup, sessions, tokens and workspace members"),
        (name = "inboxes", description = "Inboxes, their members and channels"),
        (name = "contacts", description = "The customers"),
        (name = "conversations", description = "The queue and the buttons people press"),
        (name = "events", description = "Live Server-Sent Events"),
        (name = "integrations", description = "Outgoing webhooks and background jobs (admins)"),
        (name = "notifications", description = "The caller's notification centre and preferences"),
    )
)]
struct ApiDoc;

/// Declares the two ways to authenticate.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::http::auth::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route with the document that describes them: the routes
/// under the server's body limit, then the upload routes (which read more).
pub fn routes() -> (Router<AppState>, Router<AppState>, Document) {
    let (router, mut document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::routes())
        .merge(inboxes::routes())
        .merge(contacts::routes())
        .merge(conversations::routes())
        .merge(events::routes())
        .merge(integrations::routes())
        .merge(canned::routes())
        .merge(media::routes())
        .merge(notifications::routes())
        .split_for_parts();
    let (uploads, upload_document) = media::upload_routes().split_for_parts();
    document.merge(upload_document);
    responses::document_refusals(&mut document);
    (router, uploads, document)
}

/// The OpenAPI document (`switchboard openapi`, `GET /api/v1/openapi.json`).
pub fn document() -> Document {
    routes().2
}

//! `/api/v1/workspaces/{ws}/webhooks`: outgoing webhook endpoints (admins).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use store::webhooks::{Delivery, Endpoint};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::json_body::JsonBody;
use crate::services::state::AppState;
use crate::services::webhooks::{self, NewEndpoint};

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(delete_webhook))
        .routes(routes!(list_deliveries))
}

/// `POST /webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookRequest {
    /// Where deliveries are POSTed: an absolute http(s) URL.
    #[schema(example = "https://crm.example/hooks/switchboard", max_length = 2000)]
    pub url: String,
    /// To recognise it by (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub description: String,
    /// The event types wanted (`message`, `assigned`, `status_changed`, …, as
    /// the SSE stream names them); empty or absent for every type.
    #[serde(default)]
    pub event_types: Vec<String>,
}

/// An endpoint as listed: never its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// Its id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// What the admin called it.
    pub description: String,
    /// The event types it receives; empty for all.
    pub event_types: Vec<String>,
    /// Whether deliveries go out.
    pub enabled: bool,
    /// Why it was turned off (a day of failed deliveries), if it was.
    pub disabled_reason: Option<String>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

impl From<Endpoint> for WebhookView {
    fn from(endpoint: Endpoint) -> Self {
        Self {
            id: endpoint.id,
            url: endpoint.url,
            description: endpoint.description,
            event_types: endpoint.event_types,
            enabled: endpoint.enabled,
            disabled_reason: endpoint.disabled_reason,
            created_at: endpoint.created_at,
        }
    }
}

/// An endpoint just registered, with its signing secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewWebhookView {
    /// The endpoint.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The Standard Webhooks signing secret (`whsec_…`) to verify
    /// `webhook-signature` with. It cannot be shown again.
    pub secret: String,
}

/// The workspace's endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    /// The endpoints, oldest first.
    pub items: Vec<WebhookView>,
    /// Always `null`: a workspace has at most 20.
    pub next_cursor: Option<String>,
}

/// One delivery of one event to the endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// The event's sequence number (`webhook-id` is `evt_` and this number).
    pub event_seq: i64,
    /// The event's type.
    pub event_type: String,
    /// `pending` (will be retried), `delivered`, or `failed` (given up).
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// The endpoint's HTTP status on the last attempt, if it answered.
    pub response_status: Option<u16>,
    /// What went wrong on the last attempt.
    pub last_error: Option<String>,
    /// The first attempt.
    pub created_at: DateTime<Utc>,
    /// The last attempt.
    pub updated_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryView {
    fn from(delivery: Delivery) -> Self {
        Self {
            event_seq: delivery.event_seq,
            event_type: delivery.event_type,
            status: delivery.status,
            attempts: delivery.attempts,
            response_status: delivery.response_status,
            last_error: delivery.last_error,
            created_at: delivery.created_at,
            updated_at: delivery.updated_at,
        }
    }
}

/// An endpoint's recent deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    /// The last 100, newest first.
    pub items: Vec<DeliveryView>,
    /// Always `null`: only recent deliveries are listed.
    pub next_cursor: Option<String>,
}

/// The workspace's webhook endpoints (admins).
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{ws}/webhooks",
    tag = "integrations",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    responses(
        (status = 200, description = "The endpoints", body = WebhookList),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
    )
)]
async fn list_webhooks(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
) -> Result<Json<WebhookList>, ApiError> {
    let endpoints = webhooks::list(&state, &who).await?;
    Ok(Json(WebhookList {
        items: endpoints.into_iter().map(WebhookView::from).collect(),
        next_cursor: None,
    }))
}

/// Registers an endpoint (admins). Deliveries follow the Standard Webhooks
/// specification: `webhook-id`, `webhook-timestamp` and `webhook-signature`
/// headers, a JSON body `{type, timestamp, data}`; retried with backoff for
/// about a day on timeouts and non-2xx answers; redirects are not followed.
#[utoipa::path(
    post,
    path = "/api/v1/workspaces/{ws}/webhooks",
    tag = "integrations",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id")),
    request_body = NewWebhookRequest,
    responses(
        (status = 201, description = "The endpoint, with its secret", body = NewWebhookView),
        (status = 400, description = "`bad_request`: the body is not JSON", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin, or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
        (status = 409, description = "`too_many_webhooks`: the workspace has 20 already", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: the URL is not http(s), or an event type is unknown", content_type = "application/problem+json"),
    )
)]
async fn create_webhook(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    JsonBody(body): JsonBody<NewWebhookRequest>,
) -> Result<(StatusCode, Json<NewWebhookView>), ApiError> {
    let new = NewEndpoint {
        url: body.url,
        description: body.description,
        event_types: body.event_types,
    };
    let registered = webhooks::create(&state, &who, new).await?;
    let view = NewWebhookView {
        webhook: registered.endpoint.into(),
        secret: registered.secret,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Removes an endpoint (admins); deliveries not yet made are dropped.
#[utoipa::path(
    delete,
    path = "/api/v1/workspaces/{ws}/webhooks/{id}",
    tag = "integrations",
    security(("session" = []), ("token" = [])),
    params(
        ("ws" = String, Path, description = "The workspace's id"),
        ("id" = String, Path, description = "The endpoint's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin, or `csrf`", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such endpoint in the workspace", content_type = "application/problem+json"),
    )
)]
async fn delete_webhook(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    webhooks::delete(&state, &who, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An endpoint's recent deliveries (admins): status, attempts, the answer.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{ws}/webhooks/{id}/deliveries",
    tag = "integrations",
    security(("session" = []), ("token" = [])),
    params(
        ("ws" = String, Path, description = "The workspace's id"),
        ("id" = String, Path, description = "The endpoint's id"),
    ),
    responses(
        (status = 200, description = "The last 100 deliveries", body = DeliveryList),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such endpoint in the workspace", content_type = "application/problem+json"),
    )
)]
async fn list_deliveries(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id)): Path<(String, String)>,
) -> Result<Json<DeliveryList>, ApiError> {
    let (_, deliveries) = webhooks::deliveries(&state, &who, &id).await?;
    Ok(Json(DeliveryList {
        items: deliveries.into_iter().map(DeliveryView::from).collect(),
        next_cursor: None,
    }))
}

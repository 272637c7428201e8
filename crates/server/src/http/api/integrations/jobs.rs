//! `/api/v1/workspaces/{ws}/jobs`: the workspace's background work (admins):
//! what waits, what was done, what failed and why.

use axum::extract::{Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use domain::text::Word;
use domain::DomainError;
use serde::{Deserialize, Serialize};
use store::jobs::Job;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::services::background;
use crate::services::state::AppState;

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_jobs))
}

/// `GET /jobs` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// `pending` (waiting or running, the default), `done` or `failed`.
    #[param(inline, value_type = Option<String>, pattern = "^(pending|done|failed)$")]
    state: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A job as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    /// Its id.
    pub id: String,
    /// What it does (`deliver_message`, `wake_conversation`, `deliver_webhook`).
    pub kind: String,
    /// `pending`, `done` or `failed`.
    pub state: String,
    /// The conversation it is about, if any.
    pub conversation_id: Option<String>,
    /// Attempts made.
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// When it runs (next).
    pub run_at: DateTime<Utc>,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Job> for JobView {
    fn from(job: Job) -> Self {
        Self {
            id: job.id,
            kind: job.kind,
            state: job.status.as_str().to_string(),
            conversation_id: job.conversation_id.map(|c| c.to_string()),
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            last_error: job.last_error,
            run_at: job.run_at,
            created_at: job.created_at,
            updated_at: job.updated_at,
        }
    }
}

/// One page of jobs.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    /// The jobs, most recently changed first.
    pub items: Vec<JobView>,
    /// The cursor of the next page, `null` on the last.
    pub next_cursor: Option<String>,
}

/// The workspace's background jobs in one state (admins).
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{ws}/jobs",
    tag = "integrations",
    security(("session" = []), ("token" = [])),
    params(("ws" = String, Path, description = "The workspace's id"), JobQuery),
    responses(
        (status = 200, description = "The jobs", body = JobList),
        (status = 400, description = "`validation`: not a cursor this list gave out", content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: not logged in", content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: needs an admin", content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such workspace of the caller's", content_type = "application/problem+json"),
        (status = 422, description = "`validation`: an unknown state or a limit out of range", content_type = "application/problem+json"),
    )
)]
async fn list_jobs(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Query(query): Query<JobQuery>,
) -> Result<Json<JobList>, ApiError> {
    let status = background::parse_status(query.state.as_deref().unwrap_or("pending"))?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(DomainError::invalid("limit", format!("must be 1 to {MAX_LIMIT}")).into());
    }
    let cursor = query.cursor.as_deref().filter(|c| !c.is_empty());
    let page = background::list(&state, &who, status, cursor, limit).await?;
    Ok(Json(JobList {
        items: page.items.into_iter().map(JobView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

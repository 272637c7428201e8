//! What an admin connects the workspace to and watches run: outgoing
//! webhooks, Slack and the background jobs.

pub mod jobs;
pub mod slack;
pub mod webhooks;

use utoipa_axum::router::OpenApiRouter;

use crate::services::state::AppState;

/// The routes of these resources.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(webhooks::routes())
        .merge(jobs::routes())
        .merge(slack::routes())
}

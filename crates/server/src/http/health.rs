//! Liveness and readiness, for load balancers and service managers.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::http::error::ApiError;
use crate::services::state::AppState;

/// The body of a healthy answer.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

const OK: Health = Health { status: "ok" };

/// `GET /healthz`: the process is up and serving HTTP. Touches nothing else,
/// so a slow database never gets a live node restarted.
pub async fn healthz() -> Json<Health> {
    Json(OK)
}

/// `GET /readyz`: the node can do real work, i.e. the database answers.
/// 503 otherwise, so a load balancer sends traffic elsewhere.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|e| ApiError::unavailable("The database is not reachable.", e))?;
    Ok(Json(OK))
}

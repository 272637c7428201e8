//! `POST /hooks/slack/interactions`: a notification's button pressed, or
//! the Assign modal submitted. The raw body goes to one service call that
//! checks the signature and acts; Slack is answered 200 (empty, or the
//! modal's errors as JSON), 401 for a request it did not sign, 400 for one
//! it would not send.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use crate::http::error::ApiError;
use crate::services::notifications::slack::interactions::{self, Reply, SignedInteraction};
use crate::services::state::AppState;

/// The interactivity URL of the Slack app.
pub fn routes() -> Router<AppState> {
    Router::new().route("/hooks/slack/interactions", post(interaction))
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Done => ().into_response(),
            Reply::Json(body) => Json(body).into_response(),
        }
    }
}

async fn interaction(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Reply, ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let request = SignedInteraction {
        timestamp: header("x-slack-request-timestamp"),
        signature: header("x-slack-signature"),
        body: body.to_vec(),
    };
    Ok(interactions::handle(&state, request).await?)
}

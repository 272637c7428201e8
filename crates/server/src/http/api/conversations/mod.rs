//! Conversations endpoints of API.md: the queue and its counts, the
//! conversation page, the buttons, replies and notes, links, the reply lock,
//! read cursors, and message permalinks. Each handler parses, calls one
//! service in `services::conversations` (or `services::messages`), and maps
//! the result into the views of [`views`].

mod actions;
mod links;
mod list;
mod lock;
mod message;
mod messages;
mod views;

use domain::ConversationId;
use utoipa_axum::router::OpenApiRouter;

use crate::http::error::ApiError;
use crate::services::state::AppState;

pub use views::{
    ConversationView, CountsView, DetailView, LinkView, LockView, MessageView, QueueItemView,
    UserRef,
};

/// The routes of this resource.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(list::routes())
        .merge(actions::routes())
        .merge(messages::routes())
        .merge(message::routes())
        .merge(links::routes())
        .merge(lock::routes())
}

/// A conversation id from the path; one that is not even an id names nothing.
fn conversation_id(raw: &str) -> Result<ConversationId, ApiError> {
    ConversationId::parse(raw).map_err(|_| ApiError::not_found("no such conversation"))
}

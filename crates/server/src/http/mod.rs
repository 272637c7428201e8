//! The HTTP surface. [`router`] composes every route and layer in one place;
//! each other module serves one concern.

pub mod api;
pub mod auth;
pub mod client;
pub mod error;
pub mod health;
pub mod hooks;
pub mod json_body;
pub mod media;
pub mod metrics;
pub mod problem;
pub mod query;
pub mod router;
pub mod session_renewal;
pub mod simulator_api;
pub mod sse;
pub mod ui;

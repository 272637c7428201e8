//! Switchboard's server: the library behind the `switchboard` binary.
//!
//! [`startup::App`] is the one way to start the HTTP server, for production and for
//! every test; [`config::Settings`] is everything it is told.

pub mod bench;
pub mod clock;
pub mod config;
pub mod demo;
pub mod http;
pub mod jobs;
pub mod metrics;
pub mod reactions;
pub mod realtime;
pub mod services;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use http::error::ApiError;
pub use services::state::AppState;
pub use startup::{App, StartupError};

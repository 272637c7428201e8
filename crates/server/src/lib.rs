//! Switchboard's server: the library behind the `switchboard` binary.
//!
//! [`startup::App`] is the one way to start the HTTP server, for production and for
//! every test; [`config::Settings`] is everything it is told.

pub mod bench;
pub mod clock;
pub mod config;
pub mod demo;
pub mod error;
pub mod http;
pub mod jobs;
pub mod reactions;
pub mod realtime;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Settings;
pub use error::ApiError;
pub use startup::{App, StartupError};
pub use state::AppState;

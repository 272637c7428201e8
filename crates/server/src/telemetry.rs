//! Logging: one `tracing` subscriber, filtered by the `log` setting.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The `log` setting is not a tracing filter.
    #[error("log filter {filter:?} is invalid: {source}")]
    Filter {
        /// The filter as given.
        filter: String,
        /// What the parser said.
        source: tracing_subscriber::filter::ParseError,
    },
    /// A subscriber was already installed in this process.
    #[error("logging is already set up: {0}")]
    AlreadySet(String),
}

/// Installs the process-wide subscriber. Logs go to stderr so that stdout
/// carries only what a command prints on purpose (the listen URL, print-config).
pub fn init(filter: &str) -> Result<(), TelemetryError> {
    let env_filter = EnvFilter::try_new(filter).map_err(|source| TelemetryError::Filter {
        filter: filter.to_string(),
        source,
    })?;
    tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(std::io::stderr)
        // Colour only for a person at a terminal, not in files and journals.
        .with_ansi(std::io::stderr().is_terminal())
        .try_init()
        .map_err(|e| TelemetryError::AlreadySet(e.to_string()))
}

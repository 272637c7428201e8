//! Settings, loaded in layers: defaults → `switchboard.toml` → `SWITCHBOARD_*`
//! environment variables → command-line flags. Each layer overrides the one
//! before it; an unknown key in any layer is an error that names the key.

mod database_url;
mod secret;
#[cfg(test)]
mod tests;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

pub use database_url::DatabaseUrl;
pub use secret::Secret;

/// The file read when no `--config` is given, relative to the working directory.
/// It is optional: a missing default file is not an error.
pub const DEFAULT_CONFIG_FILE: &str = "switchboard.toml";
/// Prefix of the environment variables that set keys: `SWITCHBOARD_LISTEN` sets `listen`.
pub const ENV_PREFIX: &str = "SWITCHBOARD_";
/// Environment variable naming the configuration file (read by the CLI, not a key).
pub const CONFIG_PATH_ENV: &str = "SWITCHBOARD_CONFIG";
/// `SWITCHBOARD_*` variables that are not keys: the config file's path, and
/// the test suite's PostgreSQL server (a developer may keep it exported).
const NOT_KEYS: &[&str] = &["config", "test_postgres_url"];

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_DATABASE_URL: &str = "sqlite://switchboard.db";
const DEFAULT_LOG: &str = "info";
const DEFAULT_REGION: &str = "US";
/// Four days, DESIGN.md §2: `resolved` becomes `closed` after this long.
const DEFAULT_AUTO_CLOSE_AFTER_SECS: i64 = domain::Inbox::DEFAULT_AUTO_CLOSE_SECS;
const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
const DEFAULT_LIVE_RECHECK_SECS: u64 = 30;
const DEFAULT_TWILIO_API_BASE: &str = "https://api.twilio.com";
const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 10;
const DEFAULT_MAIL_FROM: &str = "Switchboard <switchboard@localhost>";

/// The effective configuration of one Switchboard process.
///
/// `Debug` and `Serialize` redact secrets (see [`DatabaseUrl`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address the HTTP server binds, for example `127.0.0.1:8080` (port 0 picks a free port).
    pub listen: SocketAddr,
    /// `sqlite://path` (created if missing) or `postgres://user:password@host:port/db`.
    pub database_url: DatabaseUrl,
    /// The address providers and links use to reach this server. Defaults to `http://{listen}`.
    pub public_url: String,
    /// A tracing filter such as `info` or `info,switchboard_server=debug,sqlx=warn`.
    pub log: String,
    /// ISO 3166 region used to read phone numbers written without a country code.
    pub default_region: String,
    /// Seconds after which a `resolved` conversation becomes `closed`, for
    /// inboxes created from now on (each inbox can change its own).
    pub auto_close_after_secs: i64,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Seconds a request may take before the server answers 503.
    pub request_timeout_secs: u64,
    /// How often an open live-event stream checks again that its session or
    /// token is still valid and which inboxes its user may see.
    pub live_recheck_secs: u64,
    /// At shutdown (SIGTERM, Ctrl-C), how long requests in flight, the
    /// inbound writer and the job worker get to finish before the process
    /// exits anyway.
    pub shutdown_grace_secs: u64,
    /// Proxies whose `X-Forwarded-For` names the client (a load balancer in
    /// front of this server). From any other peer the header is ignored:
    /// anyone can write it.
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
    /// Whether this node runs the durable job worker (sending, snooze wake-ups,
    /// auto-close). Every node may; tests turn it off and step the queue themselves.
    pub run_jobs: bool,
    /// Whether the phone simulator (`/simulator`) is served. Anyone who can
    /// reach the server can use it to text any simulator number and read
    /// what those numbers replied, so turn it off where that matters.
    pub simulator: bool,
    /// Root of Twilio's REST API that replies are sent through. Only tests
    /// and benchmarks change it (to a local stand-in).
    pub twilio_api_base: String,
    /// Root of Slack's Web API that notifications are posted through. Only
    /// tests change it (to a local stand-in).
    pub slack_api_base: String,
    /// The operator's Twilio account, used to search and buy numbers when an
    /// admin creates an inbox. Channels connected by hand carry their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twilio_account_sid: Option<String>,
    /// That account's auth token (never printed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twilio_auth_token: Option<Secret>,
    /// Seconds a node holds a claimed job or a reaction before another node
    /// may take it over (the first node died). Longer than any job takes
    /// (sending times out after 30 s).
    pub lease_secs: u64,
    /// Whether outgoing webhooks may be delivered to loopback, private and
    /// link-local addresses. Off: a workspace admin must not reach into the
    /// server's own network. Tests and single-machine setups turn it on.
    pub webhook_allow_private: bool,
    /// When set, `GET /metrics` is served on this address alone (for example
    /// `127.0.0.1:9090`, out of the public's reach) instead of on `listen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_listen: Option<SocketAddr>,
    /// The SMTP server notification and forwarded emails go out through
    /// (`smtp://host:port`, `smtp://…?tls=required`, `smtps://host:port`,
    /// with `user:password@` when it wants them). Unset: no email is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<Secret>,
    /// The sender of those emails (`Switchboard <support@example.com>`).
    pub mail_from: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: DatabaseUrl::new(DEFAULT_DATABASE_URL),
            public_url: format!("http://{DEFAULT_LISTEN}"),
            log: DEFAULT_LOG.to_string(),
            default_region: DEFAULT_REGION.to_string(),
            auto_close_after_secs: DEFAULT_AUTO_CLOSE_AFTER_SECS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout_secs: DEFAULT_REQUEST_TIMEOUT_SECS,
            live_recheck_secs: DEFAULT_LIVE_RECHECK_SECS,
            shutdown_grace_secs: DEFAULT_SHUTDOWN_GRACE_SECS,
            trusted_proxies: Vec::new(),
            run_jobs: true,
            simulator: true,
            twilio_api_base: DEFAULT_TWILIO_API_BASE.to_string(),
            slack_api_base: channels::slack::DEFAULT_API_BASE.to_string(),
            twilio_account_sid: None,
            twilio_auth_token: None,
            webhook_allow_private: false,
            lease_secs: 120,
            metrics_listen: None,
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_string(),
        }
    }
}

/// Values given as command-line flags: the last and strongest layer.
/// `None` leaves the key to the layers below.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    /// `--listen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// `--database-url`. A plain `String` here: this struct only feeds figment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

/// Why the configuration could not be loaded. The message names the key or
/// file at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--config` (or `SWITCHBOARD_CONFIG`) named a file that is not there.
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    /// A layer could not be read, has an unknown key or a value of the wrong type.
    #[error("invalid configuration")]
    Figment(#[from] Box<figment::Error>),
    /// Every layer read, but a value breaks a rule.
    #[error("invalid configuration: {key}: {message}")]
    Invalid {
        /// The key at fault.
        key: &'static str,
        /// What is wrong with its value.
        message: String,
    },
}

impl From<figment::Error> for ConfigError {
    fn from(error: figment::Error) -> Self {
        Self::Figment(Box::new(error))
    }
}

impl Settings {
    /// Loads the settings from every layer.
    ///
    /// `config_file` is the file given with `--config`; it must exist. Without
    /// it, [`DEFAULT_CONFIG_FILE`] in the working directory is read if present.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut figment = defaults();
        match config_file {
            Some(path) if !path.is_file() => return Err(ConfigError::MissingFile(path.into())),
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_CONFIG_FILE));
            }
            None => {}
        }
        // No `.split("_")`: keys such as `database_url` contain underscores.
        // Every other SWITCHBOARD_* variable becomes a key, so a typo such as
        // SWITCHBOARD_LISTN fails `deny_unknown_fields` instead of being ignored.
        figment = figment
            .merge(Env::prefixed(ENV_PREFIX).ignore(NOT_KEYS))
            .merge(Serialized::defaults(overrides));

        // `public_url` follows the effective `listen` unless some layer set it.
        if !figment.contains("public_url") {
            let listen: String = figment.extract_inner("listen")?;
            figment = figment.merge(Serialized::default(
                "public_url",
                format!("http://{listen}"),
            ));
        }

        let settings: Settings = figment.extract()?;
        settings.validate()?;
        Ok(settings)
    }

    /// The effective settings as TOML, secrets redacted: what `print-config` shows.
    pub fn to_redacted_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string_pretty(self)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: &str| {
            Err(ConfigError::Invalid {
                key,
                message: message.to_string(),
            })
        };
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return invalid("public_url", "must start with http:// or https://");
        }
        if self.default_region.len() != 2
            || !self.default_region.bytes().all(|b| b.is_ascii_uppercase())
        {
            return invalid(
                "default_region",
                "must be a two-letter ISO 3166 code in capitals, such as US or GB",
            );
        }
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&self.log) {
            return invalid("log", &format!("not a tracing filter: {error}"));
        }
        if domain::Inbox::parse_auto_close_secs(self.auto_close_after_secs).is_err() {
            return invalid(
                "auto_close_after_secs",
                "must be between 60 (a minute) and 31536000 (a year)",
            );
        }
        if self.max_body_bytes < 1024 {
            return invalid("max_body_bytes", "must be at least 1024");
        }
        if self.request_timeout_secs == 0 {
            return invalid("request_timeout_secs", "must be at least 1");
        }
        if self.live_recheck_secs == 0 {
            return invalid("live_recheck_secs", "must be at least 1");
        }
        if self.lease_secs < 2 {
            return invalid("lease_secs", "must be at least 2");
        }
        if !(self.twilio_api_base.starts_with("http://")
            || self.twilio_api_base.starts_with("https://"))
        {
            return invalid("twilio_api_base", "must start with http:// or https://");
        }
        self.check_email()
    }
}

impl Settings {
    /// `mail_from` must be an address; `smtp_url`, when set, an SMTP URL
    /// lettre can use (checked here so that a typo stops the start, not the
    /// first email hours later).
    fn check_email(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: String| Err(ConfigError::Invalid { key, message });
        if let Err(error) = channels::email::check_sender(&self.mail_from) {
            return invalid("mail_from", error.to_string());
        }
        let Some(url) = &self.smtp_url else {
            return Ok(());
        };
        if !(url.expose().starts_with("smtp://") || url.expose().starts_with("smtps://")) {
            return invalid("smtp_url", "must start with smtp:// or smtps://".into());
        }
        match channels::email::Mailer::new(url.expose(), &self.mail_from) {
            Ok(_) => Ok(()),
            Err(error) => invalid("smtp_url", error.to_string()),
        }
    }
}

/// The first layer. `public_url` is absent on purpose: it is derived from the
/// effective `listen` once every layer is merged.
fn defaults() -> Figment {
    Figment::new()
        .merge(Serialized::default("listen", DEFAULT_LISTEN))
        .merge(Serialized::default("database_url", DEFAULT_DATABASE_URL))
        .merge(Serialized::default("log", DEFAULT_LOG))
        .merge(Serialized::default("default_region", DEFAULT_REGION))
        .merge(Serialized::default(
            "auto_close_after_secs",
            DEFAULT_AUTO_CLOSE_AFTER_SECS,
        ))
        .merge(Serialized::default(
            "max_body_bytes",
            DEFAULT_MAX_BODY_BYTES,
        ))
        .merge(Serialized::default(
            "request_timeout_secs",
            DEFAULT_REQUEST_TIMEOUT_SECS,
        ))
        .merge(Serialized::default(
            "live_recheck_secs",
            DEFAULT_LIVE_RECHECK_SECS,
        ))
        .merge(Serialized::default(
            "shutdown_grace_secs",
            DEFAULT_SHUTDOWN_GRACE_SECS,
        ))
        .merge(Serialized::default("run_jobs", true))
        .merge(Serialized::default(
            "twilio_api_base",
            DEFAULT_TWILIO_API_BASE,
        ))
        .merge(Serialized::default(
            "slack_api_base",
            channels::slack::DEFAULT_API_BASE,
        ))
        .merge(Serialized::default("simulator", true))
        .merge(Serialized::default("webhook_allow_private", false))
        .merge(Serialized::default("lease_secs", 120))
        .merge(Serialized::default("mail_from", DEFAULT_MAIL_FROM))
}

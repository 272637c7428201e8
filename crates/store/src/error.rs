//! The store's one error type.

use thiserror::Error;

/// What can go wrong talking to the database.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database URL does not parse or names an unsupported backend.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// The database could not be reached or opened.
    #[error("cannot reach the {backend} database at {url}: {source}")]
    Unreachable {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// The URL with any password removed.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Running the embedded migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A row with the same unique key exists (the constraint or index is named).
    #[error("already exists ({0})")]
    Duplicate(String),
    /// A row the change refers to does not exist (a foreign key failed).
    #[error("refers to something that does not exist ({0})")]
    MissingReference(String),
    /// The row changed since it was read (optimistic concurrency).
    #[error("changed by someone else since it was read")]
    VersionConflict,
    /// The thing to change does not exist.
    #[error("not found")]
    NotFound,
    /// A pagination cursor that this list did not hand out (tampered with,
    /// truncated, or from a list with another sort order).
    #[error("invalid pagination cursor")]
    InvalidCursor,
    /// A stored value that the domain refuses: the database was edited by hand
    /// or by a newer version.
    #[error("corrupt {what} in the database: {detail}")]
    Corrupt {
        /// The column.
        what: &'static str,
        /// Why it was refused.
        detail: String,
    },
    /// The change was committed but could not be flushed to disk: it must
    /// not be acknowledged ([`crate::Committed::durable`]).
    #[error("could not make the change durable: {0}")]
    NotDurable(std::io::Error),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            let name = db
                .constraint()
                .map(str::to_string)
                .unwrap_or_else(|| db.message().to_string());
            if db.is_unique_violation() {
                return StoreError::Duplicate(name);
            }
            if db.is_foreign_key_violation() {
                return StoreError::MissingReference(name);
            }
        }
        if matches!(err, sqlx::Error::RowNotFound) {
            return StoreError::NotFound;
        }
        StoreError::Database(err)
    }
}

impl StoreError {
    /// A stored word or value the domain refused.
    pub(crate) fn corrupt(what: &'static str, detail: impl ToString) -> Self {
        StoreError::Corrupt {
            what,
            detail: detail.to_string(),
        }
    }
}

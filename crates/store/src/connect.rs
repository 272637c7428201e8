//! Opening the database: the pools, transactions and reader connections.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::conn::{HeldWriter, Pooled, Reader, Tx, TxInner};
use crate::durable::{Durability, WalFlush, WalSync};
use crate::{Result, StoreError};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// One file, WAL mode, one writer connection and a pool of readers.
    Sqlite,
    /// A PostgreSQL server shared by many nodes.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone)]
pub(crate) enum Pools {
    /// SQLite allows one writer at a time: a pool of one connection makes
    /// writers queue in the process instead of failing with SQLITE_BUSY.
    Sqlite {
        writer: SqlitePool,
        readers: SqlitePool,
        /// Makes the writer's commits durable ([`crate::durable`]).
        sync: Arc<WalSync>,
    },
    Postgres {
        pool: PgPool,
        /// Makes the commits that did not wait for the log durable ([`crate::durable`]).
        flush: Arc<WalFlush>,
    },
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pools: Pools,
    /// A test's throwaway database, removed when the last handle is dropped
    /// ([`crate::testing`]); `None` for every real database.
    throwaway: Option<Arc<crate::testing::Throwaway>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish()
    }
}

/// Gives a SQLite connection `messages_fts_words`: the words of the
/// messages' full-text index, one row per occurrence in word order, read
/// lazily (an `instance` table: a `row` table counts every occurrence of
/// a word before returning it). A search looks up there the few words that
/// start with what was typed, one seek each (`queue::search`). It is the
/// connection's own (`temp`) and holds nothing, so the database file is
/// not changed (a read-only reader can make it), and it finds
/// `messages_fts` only when used, after the migrations have run.
async fn add_search_words(conn: &mut sqlx::SqliteConnection) -> sqlx::Result<()> {
    sqlx::query(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_fts_words \
         USING fts5vocab(main, messages_fts, instance)",
    )
    .execute(conn)
    .await
    .map(drop)
}

impl Store {
    /// Opens `sqlite://PATH` (the file is created if missing) or `postgres://…`.
    #[tracing::instrument(skip_all, fields(url = %redact_url(url)), err(level = "debug"))]
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(url).await
        } else {
            Err(StoreError::InvalidUrl(format!(
                "{:?} must start with sqlite:// or postgres://",
                redact_url(url)
            )))
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Self> {
        if url.contains(":memory:") || url.contains("mode=memory") {
            return Err(StoreError::InvalidUrl(
                "an in-memory SQLite database cannot be shared by the writer and the readers; use a file".into(),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(format!("{}: {e}", redact_url(url))))?
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL: a commit does not wait for the disk; `Tx::commit` waits
            // for an fsync shared with other commits instead (crate::durable),
            // so what is acknowledged still survives a power cut.
            .synchronous(SqliteSynchronous::Normal)
            // Copy the log into the database every ~40 MB rather than every
            // 4 MB (the default): the pages a burst of messages keeps
            // changing (conversations, timelines) are copied once per
            // checkpoint, so fewer checkpoints write far less.
            .pragma("wal_autocheckpoint", "10000")
            // At most 2 MiB of pages cached per connection (SQLite's usual
            // default, written out so that it is a decision): nine
            // connections hold 18 MiB at most, and the operating system's
            // file cache keeps the rest of a large database warm. Readers
            // empty theirs when they go back to the pool (below).
            .pragma("cache_size", "-2000")
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let unreachable = |source| StoreError::Unreachable {
            backend: "sqlite",
            url: redact_url(url),
            source,
        };
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _| Box::pin(add_search_words(conn)))
            .connect_with(options.clone().create_if_missing(true))
            .await
            .map_err(unreachable)?;
        // SQLite names the log after the database file with symlinks
        // resolved; the file exists now that the writer has opened it.
        let database = options.get_filename();
        let sync = Arc::new(WalSync::new(
            &std::fs::canonicalize(database).unwrap_or_else(|_| database.to_path_buf()),
        ));
        let readers = SqlitePoolOptions::new()
            .max_connections(8)
            // A reader back in the pool gives its cached pages and scratch
            // memory back (issue 12): a fifth of what an idle server still
            // held after heavy queries (27 → 22 MB anonymous), and the
            // operating system's file cache keeps the pages warm anyway
            // (the queue bench at a million conversations was no slower).
            .after_release(|conn, _| {
                Box::pin(async move {
                    sqlx::Executor::execute(&mut *conn, "PRAGMA shrink_memory").await?;
                    Ok(true)
                })
            })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _| Box::pin(add_search_words(conn)))
            .connect_with(options.read_only(true))
            .await
            .map_err(unreachable)?;
        Ok(Self {
            pools: Pools::Sqlite {
                writer,
                readers,
                sync,
            },
            throwaway: None,
        })
    }

    async fn connect_postgres(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(format!("{}: {e}", redact_url(url))))?
            // Compiling a query costs 100 ms to a second, and every query
            // here is a short one that PostgreSQL's cost estimate can still
            // rate worth it (a search's branch it will not run estimated at
            // a million rows made a 3 ms page take 800 ms).
            .options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Unreachable {
                backend: "postgres",
                url: redact_url(url),
                source,
            })?;
        Ok(Self {
            pools: Pools::Postgres {
                flush: Arc::new(WalFlush::new(pool.clone())),
                pool,
            },
            throwaway: None,
        })
    }

    /// Runs the embedded migrations of this backend.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn migrate(&self) -> Result<()> {
        match &self.pools {
            Pools::Sqlite { writer, .. } => SQLITE_MIGRATIONS.run(writer).await?,
            Pools::Postgres { pool, .. } => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A name for the migrations this build applies on `backend`: it changes
    /// whenever a migration is added or edited (tests key their migrated
    /// template database by it).
    pub(crate) fn migrations_fingerprint(backend: Backend) -> String {
        use sha2::{Digest, Sha256};
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let mut hash = Sha256::new();
        for migration in migrator.iter() {
            hash.update(migration.version.to_be_bytes());
            hash.update(&migration.checksum);
        }
        hex::encode(&hash.finalize()[..8])
    }

    /// Removes `throwaway` once the last clone of this store is dropped.
    pub(crate) fn owning(mut self, throwaway: crate::testing::Throwaway) -> Self {
        self.throwaway = Some(Arc::new(throwaway));
        self
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        let mut reader = self.read().await?;
        crate::on_backend!(reader.conn(), c => sqlx::query("SELECT 1").execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The PostgreSQL pool, for the few things that need a connection of
    /// their own (LISTEN); `None` on SQLite.
    pub(crate) fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.pools {
            Pools::Postgres { pool, .. } => Some(pool),
            Pools::Sqlite { .. } => None,
        }
    }

    /// Starts a write transaction. On SQLite this waits for the one writer connection.
    pub async fn begin(&self) -> Result<Tx<'static>> {
        Ok(match &self.pools {
            Pools::Sqlite { writer, sync, .. } => Tx {
                inner: TxInner::Sqlite(writer.begin().await?),
                durability: Durability::Sqlite(sync.clone()),
            },
            Pools::Postgres { pool, flush } => Tx {
                inner: TxInner::Postgres(pool.begin().await?),
                durability: Durability::Postgres(flush.clone()),
            },
        })
    }

    /// Takes a writer connection to run several transactions on, one after
    /// another (on SQLite, the one writer connection: nobody else writes
    /// until it is dropped, so hold it only while work is waiting).
    ///
    /// Each [`Store::begin`] takes a connection from the pool and gives it
    /// back, and the pool checks it with a round trip both times; a caller
    /// that commits many transactions in a row (the ingest writer) saves
    /// those round trips by holding one.
    pub async fn hold_writer(&self) -> Result<HeldWriter> {
        Ok(match &self.pools {
            Pools::Sqlite { writer, sync, .. } => HeldWriter {
                conn: Pooled::Sqlite(writer.acquire().await?),
                durability: Durability::Sqlite(sync.clone()),
            },
            Pools::Postgres { pool, flush } => HeldWriter {
                conn: Pooled::Postgres(pool.acquire().await?),
                durability: Durability::Postgres(flush.clone()),
            },
        })
    }

    /// The pools, for [`crate::stats`].
    pub(crate) fn pools(&self) -> &Pools {
        &self.pools
    }

    /// How many flushes of the log made commits that did not wait for it
    /// durable so far ([`Tx::commit_unsynced`]; SQLite: fsyncs of its log,
    /// PostgreSQL: flushing transactions): fewer than such commits when
    /// they were grouped.
    pub fn log_flushes(&self) -> u64 {
        match &self.pools {
            Pools::Sqlite { sync, .. } => sync.flushes(),
            Pools::Postgres { flush, .. } => flush.flushes(),
        }
    }

    /// Takes a connection for reading.
    pub async fn read(&self) -> Result<Reader> {
        Ok(Reader(match &self.pools {
            Pools::Sqlite { readers, .. } => Pooled::Sqlite(readers.acquire().await?),
            Pools::Postgres { pool, .. } => Pooled::Postgres(pool.acquire().await?),
        }))
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite {
                writer, readers, ..
            } => {
                readers.close().await;
                writer.close().await;
            }
            Pools::Postgres { pool, .. } => pool.close().await,
        }
    }
}

/// The URL with any password replaced by `***`, for logs and errors.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else {
        return url.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}://{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{redact_url, Pools, Store};

    #[test]
    fn passwords_never_appear_in_a_redacted_url() {
        assert_eq!(
            redact_url("postgres://sb:hunter2@db:5432/sb"),
            "postgres://sb:***@db:5432/sb"
        );
        assert_eq!(redact_url("postgres://sb@db/sb"), "postgres://sb@db/sb");
        assert_eq!(
            redact_url("sqlite://switchboard.db"),
            "sqlite://switchboard.db"
        );
    }

    #[tokio::test]
    async fn the_log_synced_is_the_one_sqlite_writes_even_through_a_symlink() {
        let dir = std::env::temp_dir().join(format!("sb-symlink-{}", uuid::Uuid::now_v7()));
        let (real, link) = (dir.join("real"), dir.join("link"));
        std::fs::create_dir_all(&real).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let store = Store::connect(&format!("sqlite://{}/sb.db", link.display()))
            .await
            .unwrap();
        let Pools::Sqlite { sync, .. } = &store.pools else {
            panic!("a SQLite store");
        };
        let canonical = std::fs::canonicalize(&real).unwrap().join("sb.db-wal");
        assert!(canonical.exists(), "SQLite keeps its log at {canonical:?}");
        assert_eq!(sync.log_path(), canonical.as_path());
        store.close().await;
        std::fs::remove_dir_all(&dir).ok();
    }
}

//! Fresh databases for tests: a new SQLite file, or a new database on the
//! PostgreSQL server at 127.0.0.1:5432 (user `postgres`, trust auth).
//!
//! Compiled always (it is small) so that every crate's tests share it.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Connection, PgConnection};

use crate::{Backend, Result, Store, StoreError};

/// The server that tests create their PostgreSQL databases on; override with
/// `SWITCHBOARD_TEST_POSTGRES_URL` (a URL to its maintenance database).
pub fn postgres_admin_url() -> String {
    std::env::var("SWITCHBOARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// Whether a missing PostgreSQL must fail the run instead of skipping it.
pub fn postgres_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A migrated store on a fresh, empty database, removed again when the
/// last clone of the store is dropped (when the test ends, panicking or not).
///
/// `Ok(None)` means PostgreSQL is unreachable and `CI` is not `true`: the
/// caller skips that backend (and says so). With `CI=true` it is an error.
pub async fn fresh_store(backend: Backend) -> Result<Option<Store>> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("switchboard-tests");
            std::fs::create_dir_all(&dir)
                .map_err(|e| StoreError::InvalidUrl(format!("{}: {e}", dir.display())))?;
            let file = dir.join(format!("{}.db", uuid::Uuid::now_v7()));
            let throwaway = Throwaway::SqliteFile(file.clone());
            let store = Store::connect(&format!("sqlite://{}", file.display())).await?;
            store.migrate().await?;
            Ok(Some(store.owning(throwaway)))
        }
        Backend::Postgres => match fresh_postgres_database().await {
            // Copied from the migrated template: nothing left to migrate.
            Ok((url, throwaway)) => Ok(Some(Store::connect(&url).await?.owning(throwaway))),
            Err(err) if !postgres_required() => {
                eprintln!("PostgreSQL unreachable, skipping its half of this test: {err}");
                Ok(None)
            }
            Err(err) => Err(err),
        },
    }
}

/// A test's database, deleted on drop: a SQLite file (with its log), or a
/// PostgreSQL database, dropped `WITH (FORCE)` since the store's pool may
/// still hold connections to it.
#[derive(Debug)]
pub(crate) enum Throwaway {
    /// The database file; `-wal` and `-shm` beside it go too.
    SqliteFile(PathBuf),
    /// The database's name on the server of [`postgres_admin_url`].
    Postgres(String),
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        match self {
            Throwaway::SqliteFile(file) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut path = file.clone().into_os_string();
                    path.push(suffix);
                    let _ = std::fs::remove_file(path);
                }
            }
            Throwaway::Postgres(name) => {
                // Drop may run inside a runtime that is shutting down (a
                // test's end), where nothing can be spawned on it: a thread
                // of its own with a runtime of its own does the work, and is
                // waited for, since the test process may exit right after.
                let name = name.clone();
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        let mut admin = admin_connection().await.ok()?;
                        drop_database(&mut admin, &name).await.ok()
                    })
                });
                // Best effort: the stale sweep removes what this misses.
                let _ = dropped.join();
            }
        }
    }
}

/// After this long a test database belongs to no running test (a whole run
/// takes minutes). Kept for six hours, they filled the disk of the machine
/// CI shares (some 300 databases, 3 GB, per run).
const STALE_AFTER_SECS: u64 = 3600;

/// Serialises building the template database among test processes (nextest
/// runs each test in a process of its own); any constant unlikely to be
/// used for another advisory lock on the test server will do.
const TEMPLATE_LOCK: i64 = 0x5b_7e57_7e4d_91a7;

/// Creates a database copied from the migrated template (see [`template`])
/// and returns its URL with the guard that drops it. Databases left by
/// earlier runs (older than [`STALE_AFTER_SECS`]: a test that was killed
/// never drops its own) are dropped on the way.
async fn fresh_postgres_database() -> Result<(String, Throwaway)> {
    let mut admin = admin_connection().await?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let stale: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'sb\\_test\\_%'")
            .fetch_all(&mut admin)
            .await?;
    for name in stale {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(created) > STALE_AFTER_SECS {
            // Best effort: another run may be dropping it too.
            let _ = drop_database(&mut admin, &name).await;
        }
    }
    let template = template(&mut admin).await?;
    let name = format!("sb_test_{now}_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(&format!(
        "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
    ))
    .execute(&mut admin)
    .await?;
    let url = database_url(&name);
    Ok((url, Throwaway::Postgres(name)))
}

/// The name of a database holding every migration of this build, made
/// once per set of migrations and then copied for each test (copying is
/// several times faster than migrating). Only the process holding
/// [`TEMPLATE_LOCK`] builds it, under another name that it renames when
/// done, so no test ever copies a half-migrated template.
async fn template(admin: &mut PgConnection) -> Result<String> {
    let name = format!(
        "sb_template_{}",
        Store::migrations_fingerprint(Backend::Postgres)
    );
    if database_exists(admin, &name).await? {
        return Ok(name);
    }
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut *admin)
        .await?;
    let built = build_template(admin, &name).await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut *admin)
        .await?;
    built.map(|()| name)
}

/// Builds the template `name` unless another process did while this one
/// waited for the lock.
async fn build_template(admin: &mut PgConnection, name: &str) -> Result<()> {
    if database_exists(admin, name).await? {
        return Ok(());
    }
    // Left by a process that died while building: nobody else builds now.
    let building = format!("{name}_building");
    drop_database(admin, &building).await?;
    sqlx::query(&format!("CREATE DATABASE \"{building}\""))
        .execute(&mut *admin)
        .await?;
    let store = Store::connect(&database_url(&building)).await?;
    let migrated = store.migrate().await;
    // A database with connections can be neither renamed nor copied.
    store.close().await;
    migrated?;
    sqlx::query(&format!(
        "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
    ))
    .execute(&mut *admin)
    .await?;
    Ok(())
}

async fn database_exists(admin: &mut PgConnection, name: &str) -> Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut *admin)
            .await?,
    )
}

async fn drop_database(admin: &mut PgConnection, name: &str) -> Result<()> {
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut *admin)
        .await?;
    Ok(())
}

/// A connection to the test server's maintenance database.
async fn admin_connection() -> Result<PgConnection> {
    let admin_url = postgres_admin_url();
    PgConnection::connect(&admin_url)
        .await
        .map_err(|source| StoreError::Unreachable {
            backend: "postgres",
            url: crate::redact_url(&admin_url),
            source,
        })
}

/// The URL of database `name` on the test server.
fn database_url(name: &str) -> String {
    let admin_url = postgres_admin_url();
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base.to_string())
        .unwrap_or(admin_url.clone());
    format!("{base}/{name}")
}

/// Runs `sql`, which takes one text bind `$1` and returns one BIGINT (a
/// `COUNT(*)`): for tests outside this crate to look at what is stored
/// behind the store's back, such as rows a cascade should have removed.
pub async fn scalar(store: &Store, sql: &str, arg: &str) -> Result<i64> {
    let mut reader = store.read().await?;
    Ok(
        crate::on_backend!(reader.conn(), c => sqlx::query_scalar::<_, i64>(sql)
        .bind(arg)
        .fetch_one(&mut *c)
        .await)?,
    )
}

/// Tells PostgreSQL to avoid reading a table whole or through a bitmap for
/// the rest of `tx`: on a test's few rows it would, whatever the indexes,
/// so plan tests see instead the index plan it picks on a large table, and
/// a Sort step when no index yields the order. Nothing on SQLite, whose
/// planner follows the indexes and the queue's `INDEXED BY` on few rows too.
pub async fn discourage_scans(tx: &mut crate::Tx<'_>) -> Result<()> {
    if let crate::Conn::Postgres(c) = tx.conn() {
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *c)
            .await?;
        sqlx::query("SET LOCAL enable_bitmapscan = off")
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

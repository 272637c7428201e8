//! Fresh databases for tests: a new SQLite file, or a new database on the
//! PostgreSQL server at 127.0.0.1:5432 (user `postgres`, trust auth).
//!
//! Compiled always (it is small) so that every crate's tests share it.

use std::time::{SystemTime, UNIX_EPOCH};

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

/// A migrated store on a fresh, empty database.
///
/// `Ok(None)` means PostgreSQL is unreachable and `CI` is not `true`: the
/// caller skips that backend (and says so). With `CI=true` it is an error.
pub async fn fresh_store(backend: Backend) -> Result<Option<Store>> {
    let store = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("switchboard-tests");
            std::fs::create_dir_all(&dir)
                .map_err(|e| StoreError::InvalidUrl(format!("{}: {e}", dir.display())))?;
            let file = dir.join(format!("{}.db", uuid::Uuid::now_v7()));
            Store::connect(&format!("sqlite://{}", file.display())).await?
        }
        Backend::Postgres => match fresh_postgres_database().await {
            Ok(url) => Store::connect(&url).await?,
            Err(err) if !postgres_required() => {
                eprintln!("PostgreSQL unreachable, skipping its half of this test: {err}");
                return Ok(None);
            }
            Err(err) => return Err(err),
        },
    };
    store.migrate().await?;
    Ok(Some(store))
}

/// After this long a test database belongs to no running test (a whole run
/// takes minutes). Kept for six hours, they filled the disk of the machine
/// CI shares (some 300 databases, 3 GB, per run).
const STALE_AFTER_SECS: u64 = 3600;

/// Creates an empty database and returns its URL. Databases left by earlier
/// runs (older than [`STALE_AFTER_SECS`]) are dropped on the way.
async fn fresh_postgres_database() -> Result<String> {
    use sqlx::Connection;
    let admin_url = postgres_admin_url();
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .map_err(|source| StoreError::Unreachable {
            backend: "postgres",
            url: crate::redact_url(&admin_url),
            source,
        })?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let stale: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'sb_test_%'")
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
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
    }
    let name = format!("sb_test_{now}_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await?;
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base.to_string())
        .unwrap_or(admin_url.clone());
    Ok(format!("{base}/{name}"))
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

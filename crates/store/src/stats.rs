//! Figures for monitoring (`GET /metrics`): how much work waits, and how the
//! connection pools are used. Read-only and cheap: one grouped count.

use crate::connect::Pools;
use crate::{Conn, Result, Store, StoreError};

/// How many jobs of one kind stand in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCount {
    /// The job's kind (`deliver`, `wake`, …), as stored.
    pub kind: String,
    /// `pending`, `done` or `failed`.
    pub status: String,
    /// How many.
    pub count: u64,
}

/// Jobs by kind and status.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn job_counts(conn: &mut Conn<'_>) -> Result<Vec<JobCount>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, (String, String, i64)>(
        "SELECT kind, status, COUNT(*) FROM jobs GROUP BY kind, status ORDER BY kind, status",
    )
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter()
        .map(|(kind, status, n)| {
            let count = u64::try_from(n).map_err(|e| StoreError::corrupt("count", e))?;
            Ok(JobCount {
                kind,
                status,
                count,
            })
        })
        .collect()
}

/// One connection pool's use at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// `writer` or `readers` on SQLite, `main` on PostgreSQL.
    pub pool: &'static str,
    /// Connections open.
    pub open: u32,
    /// Of those, idle.
    pub idle: u32,
    /// The most it may open.
    pub max: u32,
}

impl Store {
    /// The use of each connection pool now.
    pub fn pool_use(&self) -> Vec<PoolUse> {
        fn of<DB: sqlx::Database>(pool: &'static str, p: &sqlx::Pool<DB>) -> PoolUse {
            PoolUse {
                pool,
                open: p.size(),
                idle: u32::try_from(p.num_idle()).unwrap_or(u32::MAX),
                max: p.options().get_max_connections(),
            }
        }
        match self.pools() {
            Pools::Sqlite {
                writer, readers, ..
            } => vec![of("writer", writer), of("readers", readers)],
            Pools::Postgres { pool, .. } => vec![of("main", pool)],
        }
    }
}

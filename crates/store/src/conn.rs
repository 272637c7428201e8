//! The connections queries run on: a write transaction ([`Tx`]), a writer
//! connection held for several ([`HeldWriter`]), a reader ([`Reader`]).

use std::fmt;

use sqlx::pool::PoolConnection;
use sqlx::{Connection, Postgres, Sqlite};

use crate::durable::{Committed, Durability};
use crate::{Backend, Result};

/// A connection to run queries on: inside a [`Tx`] or from a [`Reader`].
pub enum Conn<'a> {
    /// SQLite.
    Sqlite(&'a mut sqlx::SqliteConnection),
    /// PostgreSQL.
    Postgres(&'a mut sqlx::PgConnection),
}

impl fmt::Debug for Conn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Conn::Sqlite(_) => "Conn::Sqlite",
            Conn::Postgres(_) => "Conn::Postgres",
        })
    }
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back, so a
/// half-done change never reaches the database. `'c` is `'static` when it
/// owns its connection ([`crate::Store::begin`]) and the borrow of a
/// [`HeldWriter`] otherwise.
pub struct Tx<'c> {
    pub(crate) inner: TxInner<'c>,
    /// What makes a commit that did not wait for the log durable.
    pub(crate) durability: Durability,
}

pub(crate) enum TxInner<'c> {
    Sqlite(sqlx::Transaction<'c, Sqlite>),
    Postgres(sqlx::Transaction<'c, Postgres>),
}

/// A writer connection held for several transactions ([`crate::Store::hold_writer`]).
pub struct HeldWriter {
    pub(crate) conn: Pooled,
    pub(crate) durability: Durability,
}

impl fmt::Debug for HeldWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HeldWriter")
    }
}

impl HeldWriter {
    /// Starts a write transaction on the held connection.
    pub async fn begin(&mut self) -> Result<Tx<'_>> {
        Ok(Tx {
            inner: match &mut self.conn {
                Pooled::Sqlite(c) => TxInner::Sqlite(c.begin().await?),
                Pooled::Postgres(c) => TxInner::Postgres(c.begin().await?),
            },
            durability: self.durability.clone(),
        })
    }
}

impl fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tx")
    }
}

impl Tx<'_> {
    /// The transaction's connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => Conn::Sqlite(tx),
            TxInner::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    /// Which backend this transaction runs on (for the few dialect-specific queries).
    pub fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Commits and returns once the change is durable.
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            // PostgreSQL's commit waits for its log itself, and shares the
            // flush with the commits beside it.
            TxInner::Postgres(tx) => Ok(tx.commit().await?),
            inner => {
                let tx = Tx {
                    inner,
                    durability: self.durability,
                };
                tx.commit_unsynced().await?.durable().await
            }
        }
    }

    /// Commits without waiting for the log; the change is visible at once
    /// and durable once [`Committed::durable`] returns. Lets a writer start
    /// its next transaction while this one goes to disk (see [`Committed`]).
    pub async fn commit_unsynced(self) -> Result<Committed> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(mut tx) => {
                sqlx::query("SET LOCAL synchronous_commit TO off")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?
            }
        }
        Ok(self.durability.committed())
    }
}

/// A pooled connection for reads (SQLite: one of the read-only connections).
pub struct Reader(pub(crate) Pooled);

/// A connection taken from a pool, on either backend.
pub(crate) enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reader")
    }
}

impl Reader {
    /// The connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.0 {
            Pooled::Sqlite(c) => Conn::Sqlite(c),
            Pooled::Postgres(c) => Conn::Postgres(c),
        }
    }
}

//! Commits made durable together, after the commit (group commit).
//!
//! A writer that commits transaction after transaction (the ingest writer)
//! should not wait for the disk between them: it commits without waiting
//! ([`crate::Tx::commit_unsynced`]), starts its next transaction, and hands
//! the [`Committed`] to whoever acknowledges, who waits in
//! [`Committed::durable`]. That returns once a flush of the log that started
//! after the commit has finished. One flush covers every commit that
//! finished before it started, so waiting commits share one.
//!
//! - SQLite's writer runs with `synchronous = NORMAL`: a commit writes its
//!   pages to the write-ahead log but does not sync it. The flush is an
//!   fsync of the log file ([`WalSync`]).
//! - PostgreSQL commits such a transaction with `synchronous_commit = off`:
//!   its commit record is in the log's buffers when it returns. The flush
//!   is a short transaction of its own that commits normally
//!   ([`WalFlush`]): PostgreSQL flushes its log up to that commit, and so
//!   past every commit before it.
//!
//! What callers acknowledge is as durable as with a commit that waits, as
//! long as they acknowledge only after [`Committed::durable`] ([`Tx::commit`]
//! does both on SQLite, and commits normally on PostgreSQL). What differs:
//! another connection may read a change a moment before its flush ends.
//! After a power cut in that moment the change is gone, and so is the
//! acknowledgement: a provider that got none sends again.
//!
//! [`Tx::commit`]: crate::Tx::commit

use std::fs::File;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::Mutex;

use crate::{Result, StoreError};

/// Commits counted as they finish, made durable by flushes that each cover
/// every commit counted before the flush started.
#[derive(Debug, Default)]
struct Group {
    /// How many commits have finished.
    committed: AtomicU64,
    /// How many commits are known to be durable. Held by the flush in
    /// flight, so that callers behind it find out whether it covered them.
    synced: Mutex<u64>,
    /// How many flushes were made (tests, benchmarks and metrics read it).
    flushes: AtomicU64,
}

impl Group {
    /// Records a commit that has just finished and returns its ticket.
    fn committed(&self) -> u64 {
        self.committed.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Returns once commit `ticket` is durable, running `flush` if no flush
    /// since it was committed has covered it.
    async fn wait<F: Future<Output = Result<()>>>(
        &self,
        ticket: u64,
        flush: impl FnOnce() -> F,
    ) -> Result<()> {
        let mut synced = self.synced.lock().await;
        if *synced >= ticket {
            return Ok(());
        }
        // Every commit counted so far has finished: this flush covers them all.
        let covers = self.committed.load(Ordering::SeqCst);
        let outcome = flush().await;
        self.flushes.fetch_add(1, Ordering::Relaxed);
        outcome?;
        *synced = covers;
        Ok(())
    }
}

/// The fsyncs of one SQLite database's write-ahead log.
#[derive(Debug)]
pub(crate) struct WalSync {
    wal: PathBuf,
    group: Group,
    /// Set when an fsync failed: the kernel may have dropped the pages it
    /// could not write, and a later fsync that succeeds says nothing about
    /// them, so from then on no commit is called durable.
    failed: AtomicBool,
}

impl WalSync {
    /// The log of the database file at `database`.
    pub(crate) fn new(database: &Path) -> Self {
        let mut wal = database.as_os_str().to_owned();
        wal.push("-wal");
        Self {
            wal: PathBuf::from(wal),
            group: Group::default(),
            failed: AtomicBool::new(false),
        }
    }

    /// Returns once commit `ticket` is on disk.
    async fn wait(&self, ticket: u64) -> Result<()> {
        self.group
            .wait(ticket, || async {
                if self.failed.load(Ordering::SeqCst) {
                    return Err(StoreError::NotDurable(io::Error::other(
                        "an earlier fsync of the database log failed; restart the server",
                    )));
                }
                let wal = self.wal.clone();
                let outcome = tokio::task::spawn_blocking(move || sync_log(&wal))
                    .await
                    .unwrap_or_else(|joined| Err(io::Error::other(joined)));
                outcome.map_err(|error| {
                    tracing::error!(%error, wal = %self.wal.display(), "fsync of the database log failed");
                    self.failed.store(true, Ordering::SeqCst);
                    StoreError::NotDurable(error)
                })
            })
            .await
    }

    /// How many fsyncs were made so far.
    pub(crate) fn flushes(&self) -> u64 {
        self.group.flushes.load(Ordering::Relaxed)
    }

    /// The log file this syncs.
    #[cfg(test)]
    pub(crate) fn log_path(&self) -> &Path {
        &self.wal
    }
}

/// Flushes the log file to disk. Opened afresh each time: SQLite deletes the
/// log when its last connection closes (after copying it into the database
/// and syncing that), so a missing log has nothing left to flush.
fn sync_log(wal: &Path) -> io::Result<()> {
    match File::open(wal) {
        Ok(file) => file.sync_data(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The flushes of PostgreSQL's write-ahead log for commits made with
/// `synchronous_commit = off`.
#[derive(Debug)]
pub(crate) struct WalFlush {
    pool: PgPool,
    group: Group,
}

/// A transaction of its own that writes to the log and commits normally,
/// so PostgreSQL flushes the log up to its commit record before answering.
/// It must write: a transaction that only takes a transaction id commits
/// without waiting for the log. A transactional logical message writes one
/// small record and nothing else (no table, no row for nodes to share); it
/// may be called by any user, and logical decoding shows it under this prefix.
const FLUSH: &str = "SELECT pg_logical_emit_message(true, 'switchboard', 'flush')";

impl WalFlush {
    /// Flushes through connections of `pool`.
    pub(crate) fn new(pool: PgPool) -> Self {
        Self {
            pool,
            group: Group::default(),
        }
    }

    /// Returns once commit `ticket` is in the flushed log. When the flush
    /// fails the commit may or may not be durable: it is not acknowledged.
    async fn wait(&self, ticket: u64) -> Result<()> {
        self.group
            .wait(ticket, || async {
                sqlx::query(FLUSH).execute(&self.pool).await?;
                Ok(())
            })
            .await
    }

    /// How many flushing transactions were made so far.
    pub(crate) fn flushes(&self) -> u64 {
        self.group.flushes.load(Ordering::Relaxed)
    }
}

/// What makes a commit made without waiting for the log durable.
#[derive(Debug, Clone)]
pub(crate) enum Durability {
    /// An fsync of the SQLite log.
    Sqlite(Arc<WalSync>),
    /// A flush of PostgreSQL's log.
    Postgres(Arc<WalFlush>),
}

impl Durability {
    /// A commit that has just finished without waiting for the log.
    pub(crate) fn committed(&self) -> Committed {
        let ticket = match self {
            Durability::Sqlite(sync) => sync.group.committed(),
            Durability::Postgres(flush) => flush.group.committed(),
        };
        Committed {
            durability: self.clone(),
            ticket,
        }
    }

    /// How many flushes were made so far.
    #[cfg(test)]
    fn flushes(&self) -> u64 {
        match self {
            Durability::Sqlite(sync) => sync.flushes(),
            Durability::Postgres(flush) => flush.flushes(),
        }
    }
}

/// A transaction that is committed, perhaps not yet on disk
/// ([`crate::Tx::commit_unsynced`]). Acknowledge it only after
/// [`Committed::durable`].
#[derive(Debug)]
#[must_use = "a commit is not durable until `durable` returns"]
pub struct Committed {
    /// What flushes the log.
    durability: Durability,
    /// The commit's place among those `durability` counts.
    ticket: u64,
}

impl Committed {
    /// Returns once the commit is on disk.
    pub async fn durable(self) -> Result<()> {
        match self.durability {
            Durability::Sqlite(sync) => sync.wait(self.ticket).await,
            Durability::Postgres(flush) => flush.wait(self.ticket).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_in(dir: &Path) -> Durability {
        let database = dir.join("db.sqlite");
        std::fs::write(dir.join("db.sqlite-wal"), b"frames").ok();
        Durability::Sqlite(Arc::new(WalSync::new(&database)))
    }

    /// A directory of the test's own, removed when it is dropped.
    fn scratch() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("sb-durable-")
            .tempdir()
            .expect("a scratch directory")
    }

    #[tokio::test]
    async fn one_fsync_makes_every_commit_before_it_durable() {
        let dir = scratch();
        let sync = log_in(dir.path());
        let first = sync.committed();
        let second = sync.committed();
        second.durable().await.ok();
        assert_eq!(sync.flushes(), 1);
        // The first commit finished before that fsync started: no second one.
        assert!(first.durable().await.is_ok());
        assert_eq!(sync.flushes(), 1);
        // A commit after it needs one of its own.
        assert!(sync.committed().durable().await.is_ok());
        assert_eq!(sync.flushes(), 2);
    }

    #[tokio::test]
    async fn a_missing_log_has_nothing_to_flush() {
        let dir = scratch();
        let sync = Durability::Sqlite(Arc::new(WalSync::new(
            &dir.path().join("never-opened.sqlite"),
        )));
        assert!(sync.committed().durable().await.is_ok());
    }

    #[tokio::test]
    async fn after_a_failed_fsync_nothing_is_called_durable() {
        let dir = scratch();
        let sync = Arc::new(WalSync::new(&dir.path().join("db.sqlite")));
        sync.failed.store(true, Ordering::SeqCst);
        assert!(matches!(
            Durability::Sqlite(sync).committed().durable().await,
            Err(StoreError::NotDurable(_))
        ));
    }
}

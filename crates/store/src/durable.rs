//! SQLite commits made durable together, after the commit (group commit).
//!
//! The SQLite writer runs with `synchronous = NORMAL`: a commit writes its
//! pages to the write-ahead log but does not wait for the disk. Durability is
//! added here instead: [`Committed::durable`] returns once an fsync of the log
//! that started after the commit has finished. One fsync covers every commit
//! that finished before it started, so concurrent writers share one, and a
//! writer that commits transaction after transaction (the ingest writer) can
//! start the next one while the disk is still taking the last, instead of
//! holding the only writer connection through every fsync.
//!
//! What callers acknowledge is as durable as with `synchronous = FULL`, as
//! long as they acknowledge only after [`Committed::durable`] ([`Tx::commit`]
//! does both). What differs: another connection may read a change a moment
//! before its fsync ends. After a power cut in that moment the change is gone,
//! and so is the acknowledgement: a provider that got none sends again.
//!
//! [`Tx::commit`]: crate::Tx::commit

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::{Result, StoreError};

/// The fsyncs of one SQLite database's write-ahead log.
#[derive(Debug)]
pub(crate) struct WalSync {
    wal: PathBuf,
    /// How many commits have finished: their frames are in the log file.
    committed: AtomicU64,
    /// How many commits are known to be on disk. Held by the fsync in flight,
    /// so that callers behind it find out whether it covered them.
    synced: Mutex<u64>,
    /// Set when an fsync failed: the kernel may have dropped the pages it
    /// could not write, and a later fsync that succeeds says nothing about
    /// them, so from then on no commit is called durable.
    failed: AtomicBool,
    /// How many fsyncs were made (tests and benchmarks read it).
    fsyncs: AtomicU64,
}

impl WalSync {
    /// The log of the database file at `database`.
    pub(crate) fn new(database: &Path) -> Self {
        let mut wal = database.as_os_str().to_owned();
        wal.push("-wal");
        Self {
            wal: PathBuf::from(wal),
            committed: AtomicU64::new(0),
            synced: Mutex::new(0),
            failed: AtomicBool::new(false),
            fsyncs: AtomicU64::new(0),
        }
    }

    /// Records a commit that has just finished and returns its ticket.
    fn committed(&self) -> u64 {
        self.committed.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Returns once commit `ticket` is on disk.
    async fn wait(&self, ticket: u64) -> Result<()> {
        let mut synced = self.synced.lock().await;
        if self.failed.load(Ordering::SeqCst) {
            return Err(StoreError::NotDurable(io::Error::other(
                "an earlier fsync of the database log failed; restart the server",
            )));
        }
        if *synced >= ticket {
            return Ok(());
        }
        // Every commit counted so far has its frames in the file: this fsync
        // covers them all.
        let covers = self.committed.load(Ordering::SeqCst);
        let wal = self.wal.clone();
        let outcome = tokio::task::spawn_blocking(move || sync_log(&wal))
            .await
            .unwrap_or_else(|joined| Err(io::Error::other(joined)));
        self.fsyncs.fetch_add(1, Ordering::Relaxed);
        match outcome {
            Ok(()) => {
                *synced = covers;
                Ok(())
            }
            Err(error) => {
                tracing::error!(%error, wal = %self.wal.display(), "fsync of the database log failed");
                self.failed.store(true, Ordering::SeqCst);
                Err(StoreError::NotDurable(error))
            }
        }
    }

    /// How many fsyncs were made so far.
    pub(crate) fn fsyncs(&self) -> u64 {
        self.fsyncs.load(Ordering::Relaxed)
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

/// A transaction that is committed, perhaps not yet on disk
/// ([`crate::Tx::commit_unsynced`]). Acknowledge it only after
/// [`Committed::durable`].
#[derive(Debug)]
#[must_use = "a commit is not durable until `durable` returns"]
pub struct Committed {
    /// SQLite: the log to sync and the commit's ticket. PostgreSQL commits
    /// are durable when they return.
    pending: Option<(Arc<WalSync>, u64)>,
}

impl Committed {
    /// A commit on SQLite, just finished.
    pub(crate) fn sqlite(sync: Arc<WalSync>) -> Self {
        let ticket = sync.committed();
        Self {
            pending: Some((sync, ticket)),
        }
    }

    /// A commit that was durable when it returned (PostgreSQL).
    pub(crate) fn already_durable() -> Self {
        Self { pending: None }
    }

    /// Returns once the commit is on disk.
    pub async fn durable(self) -> Result<()> {
        match self.pending {
            Some((sync, ticket)) => sync.wait(ticket).await,
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_in(dir: &Path) -> Arc<WalSync> {
        let database = dir.join("db.sqlite");
        std::fs::write(dir.join("db.sqlite-wal"), b"frames").ok();
        Arc::new(WalSync::new(&database))
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sb-durable-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        dir
    }

    #[tokio::test]
    async fn one_fsync_makes_every_commit_before_it_durable() {
        let sync = log_in(&scratch("group"));
        let first = Committed::sqlite(sync.clone());
        let second = Committed::sqlite(sync.clone());
        second.durable().await.ok();
        assert_eq!(sync.fsyncs(), 1);
        // The first commit finished before that fsync started: no second one.
        assert!(first.durable().await.is_ok());
        assert_eq!(sync.fsyncs(), 1);
        // A commit after it needs one of its own.
        assert!(Committed::sqlite(sync.clone()).durable().await.is_ok());
        assert_eq!(sync.fsyncs(), 2);
    }

    #[tokio::test]
    async fn a_missing_log_has_nothing_to_flush() {
        let dir = scratch("missing");
        let sync = Arc::new(WalSync::new(&dir.join("never-opened.sqlite")));
        assert!(Committed::sqlite(sync).durable().await.is_ok());
    }

    #[tokio::test]
    async fn after_a_failed_fsync_nothing_is_called_durable() {
        let sync = log_in(&scratch("failed"));
        sync.failed.store(true, Ordering::SeqCst);
        assert!(matches!(
            Committed::sqlite(sync).durable().await,
            Err(StoreError::NotDurable(_))
        ));
    }

    #[tokio::test]
    async fn postgres_commits_are_durable_when_they_return() {
        assert!(Committed::already_durable().durable().await.is_ok());
    }
}

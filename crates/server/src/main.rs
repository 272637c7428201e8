//! The `switchboard` binary: parse the command line, run it, print any error
//! with its causes on one line and exit non-zero.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// jemalloc instead of glibc's allocator: a webhook allocates many small,
/// short-lived buffers across threads, and glibc's arenas spent a sixth of
/// the ingest path's CPU on them (`switchboard bench ingest`). Not mimalloc
/// any more (issue 12): after a burst of heavy queries it kept ~34 MB of the
/// Rust heap, and glibc another ~45 MB in the SQLite connection threads'
/// arenas. jemalloc also takes SQLite's allocations (its `malloc` replaces
/// glibc's in the whole process) and its background thread hands freed
/// pages back within about a second (`.cargo/config.toml`): idle at a
/// million conversations, 22 MB anonymous instead of 70–95 (README, "Memory").
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::{Connection, Executor};

    /// The process's anonymous resident memory (its heaps), in MB.
    fn anon_mb() -> f64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("RssAnon:")).unwrap();
        let kb: f64 = line["RssAnon:".len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .unwrap();
        kb / 1000.0
    }

    /// Issue 12: what a burst of requests and SQLite queries allocated is
    /// handed back to the operating system once they are done, the Rust
    /// heap's and SQLite's alike (this test runs with the binary's
    /// allocator).
    #[tokio::test]
    async fn memory_freed_after_a_burst_goes_back_to_the_system_within_seconds() {
        let before = anon_mb();
        // Many small buffers, as requests make: ~100 MB.
        let buffers: Vec<Vec<u8>> = (0..200_000u32).map(|i| vec![i as u8; 500]).collect();
        // SQLite's own allocations: ~50 MB of pages in its cache.
        let mut sqlite = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlite
            .execute(
                "PRAGMA cache_size = -100000;
                 CREATE TABLE t (b BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000)
                 INSERT INTO t SELECT randomblob(2000) FROM n;",
            )
            .await
            .unwrap();
        let during = anon_mb();
        assert!(
            during > before + 120.0,
            "the burst held {before} → {during} MB"
        );
        drop(buffers);
        sqlite.close().await.unwrap();
        // jemalloc's background thread purges after ~1 s; a loaded machine
        // (CI) may run it late, so wait up to 10 s for it.
        let mut after = anon_mb();
        for _ in 0..20 {
            if after < before + 15.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            after = anon_mb();
        }
        assert!(
            after < before + 15.0,
            "{before} MB before the burst, {during} MB during, still {after} MB 10 s after"
        );
    }
}

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

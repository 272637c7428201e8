//! The `switchboard` binary: parse the command line, run it, print any error
//! with its causes on one line and exit non-zero.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's allocator: a webhook allocates many small,
/// short-lived buffers across threads, and glibc's arenas spent a sixth of
/// the ingest path's CPU on them (`switchboard bench ingest`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

//! The node's tailer: the one publisher of live events. It reads the
//! committed log in order (`store::log`: commit order on SQLite, below the
//! oldest running transaction on PostgreSQL) and hands each event to the
//! hub's subscribers in that order, whichever node wrote it.
//!
//! Because every node publishes in log order, a client resumed with
//! `Last-Event-ID` after the last event it was sent misses nothing: every
//! event before it in the log had already been published to it.
//!
//! On SQLite the tailer publishes only what is on disk: services tell the
//! hub what they committed after the fsync ([`Hub::publish`]), and one
//! writer commits in sequence order, so every event up to the highest
//! number so announced is durable.
//!
//! [`Hub::publish`]: super::Hub::publish

use std::time::Duration;

use store::log::LogPosition;
use store::{Backend, InboxScope};

use tokio_util::sync::CancellationToken;

use super::Hub;

/// What the tailer uses of its node: the log it reads, the hub it publishes
/// to, and the node's shutdown.
#[derive(Debug, Clone)]
pub struct TailParts {
    /// The database whose log is read.
    pub store: store::Store,
    /// Where events are published.
    pub hub: Hub,
    /// Cancelled when the node stops.
    pub shutdown: CancellationToken,
}

/// How many events one read takes.
const BATCH: u32 = 500;
/// How often the tailer reads without being nudged (a missed NOTIFY, an
/// older transaction that held events back).
const POLL: Duration = Duration::from_millis(250);
/// How long a new stream waits for the tailer before going on without it.
const READY_WAIT: Duration = Duration::from_secs(5);

/// Starts this node's tailer once (later calls do nothing) and waits until
/// it has its starting place, so that a stream opened after this misses
/// nothing committed from now on.
pub async fn ensure_running(state: &TailParts) {
    if state.hub.claim_tailer() {
        tokio::spawn(run(state.clone()));
    }
    let mut ready = state.hub.tailer_ready();
    let waited = tokio::time::timeout(READY_WAIT, ready.wait_for(|ready| *ready)).await;
    if waited.is_err() {
        tracing::warn!("the live-event tailer has not started; live events may be late");
    }
}

async fn run(state: TailParts) {
    let mut position = loop {
        let head = async {
            let mut reader = state.store.read().await?;
            store::log::head(&mut reader.conn()).await
        };
        match head.await {
            Ok(head) => break head,
            Err(error) => {
                tracing::warn!(%error, "cannot find the end of the event log; retrying");
                tokio::select! {
                    () = state.shutdown.cancelled() => return,
                    () = tokio::time::sleep(POLL) => {}
                }
            }
        }
    };
    if state.store.backend() == Backend::Postgres {
        tokio::spawn(super::postgres::listen(state.clone()));
    }
    state.hub.set_tailer_ready();
    loop {
        while let Some(next) = publish_after(&state, position).await {
            if next == position {
                break;
            }
            position = next;
        }
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = state.hub.nudged() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Publishes one batch after `position`; returns where it got to (`None`
/// when the store could not be read: the next nudge tries again).
async fn publish_after(state: &TailParts, position: LogPosition) -> Option<LogPosition> {
    let read = async {
        let mut reader = state.store.read().await?;
        store::log::after(&mut reader.conn(), position, None, &InboxScope::All, BATCH).await
    };
    let events = match read.await {
        Ok(events) => events,
        Err(error) => {
            tracing::warn!(%error, "cannot read the event log for live streams");
            return None;
        }
    };
    let durable = state.hub.durable_seq();
    let mut reached = position;
    for logged in events {
        if state.store.backend() == Backend::Sqlite && logged.event.seq > durable {
            break;
        }
        reached = logged.position;
        state.hub.broadcast(logged.event);
    }
    Some(reached)
}

//! The cross-node nudge on PostgreSQL (DESIGN.md §6, scale-out).
//!
//! The store announces each event on commit with NOTIFY (`store::notify`);
//! this listener wakes the node's tailer ([`super::tail`]), which reads the
//! log in order and publishes what it finds. After a reconnection it wakes
//! the tailer too: whatever was announced meanwhile is in the log.

use std::time::Duration;

use store::notify::{Announced, Listener};

use super::tail::TailParts;

/// How long to wait before connecting again after the listener failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Listens until shutdown, reconnecting after failures; every notice (and
/// every reconnection) nudges the tailer.
pub(super) async fn listen(state: TailParts) {
    loop {
        let connected = tokio::select! {
            () = state.shutdown.cancelled() => return,
            connected = Listener::connect(&state.store) => connected,
        };
        let mut listener = match connected {
            Ok(Some(listener)) => listener,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "cannot LISTEN for events; retrying");
                if pause(&state).await {
                    return;
                }
                continue;
            }
        };
        state.hub.nudge();
        loop {
            let received = tokio::select! {
                () = state.shutdown.cancelled() => return,
                received = listener.recv() => received,
            };
            match received {
                Ok(Some(Announced::Event(_))) => state.hub.nudge(),
                Ok(Some(Announced::Notification(id))) => publish_notification(&state, &id).await,
                // The connection dropped: listen afresh.
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(%error, "the event listener failed; reconnecting");
                    break;
                }
            }
        }
        if pause(&state).await {
            return;
        }
    }
}

/// Reads an announced in-app notification and hands it to this node's
/// live feeds. A lost one is only late: the centre's list has it.
async fn publish_notification(state: &TailParts, id: &str) {
    let read = async {
        let mut reader = state.store.read().await?;
        store::notifications::get(&mut reader.conn(), id).await
    };
    match read.await {
        Ok(Some(notification)) => state.hub.publish_notification(notification),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "cannot read an announced notification"),
    }
}

/// Waits before reconnecting; `true` when the node is shutting down instead.
async fn pause(state: &TailParts) -> bool {
    tokio::select! {
        () = state.shutdown.cancelled() => true,
        () = tokio::time::sleep(RECONNECT_AFTER) => false,
    }
}

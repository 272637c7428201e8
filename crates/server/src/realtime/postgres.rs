//! The cross-node bridge on PostgreSQL (DESIGN.md §6, scale-out).
//!
//! Every node publishes its own committed events to its own [`Hub`]. The
//! store announces each event on commit with NOTIFY (`store::notify`); this
//! bridge LISTENs, reads the events it has not published yet from the store
//! and publishes them, so SSE clients of every node see every change. The
//! hub drops what it already published, so a node hearing of its own events
//! sends nothing twice.
//!
//! [`Hub`]: super::Hub

use std::collections::HashMap;
use std::time::Duration;

use domain::WorkspaceId;
use store::notify::{Listener, Notice};
use store::InboxScope;

use crate::state::AppState;

/// How many events one catch-up read takes.
const BATCH: u32 = 500;
/// How long to wait before connecting again after the listener failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);
/// How long a new stream waits for the bridge before going on without it.
const READY_WAIT: Duration = Duration::from_secs(5);

/// Starts this node's bridge once (later calls do nothing) and waits until
/// it listens, so that a stream opened after this misses no other node's
/// event. On SQLite there is nothing to bridge. Gives up waiting after a few
/// seconds: this node's own events still flow without it.
pub async fn ensure_listening(state: &AppState) {
    if state.hub.claim_bridge() {
        if state.store.backend() == store::Backend::Postgres {
            tokio::spawn(run(state.clone()));
        } else {
            state.hub.set_bridge_ready(true);
        }
    }
    let mut ready = state.hub.bridge_ready();
    let waited = tokio::time::timeout(READY_WAIT, ready.wait_for(|ready| *ready)).await;
    if waited.is_err() {
        tracing::warn!(
            "the PostgreSQL event bridge is not listening; other nodes' events may be late"
        );
    }
}

/// Listens until shutdown, reconnecting after failures. After each
/// (re)connection it catches up with what was announced while it was not
/// listening, for every workspace it has heard of.
async fn run(state: AppState) {
    // The highest sequence number heard of per workspace.
    let mut heard: HashMap<WorkspaceId, i64> = HashMap::new();
    loop {
        let connected = tokio::select! {
            () = state.shutdown.cancelled() => return,
            connected = Listener::connect(&state.store) => connected,
        };
        let mut listener = match connected {
            Ok(Some(listener)) => listener,
            Ok(None) => {
                state.hub.set_bridge_ready(true);
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot LISTEN for events; retrying");
                if pause(&state).await {
                    return;
                }
                continue;
            }
        };
        state.hub.set_bridge_ready(true);
        for (workspace, after) in heard.clone() {
            catch_up(&state, &mut heard, &workspace, after).await;
        }
        loop {
            let received = tokio::select! {
                () = state.shutdown.cancelled() => return,
                received = listener.recv() => received,
            };
            match received {
                Ok(Some(notice)) => on_notice(&state, &mut heard, notice).await,
                // The connection dropped: listen afresh, then catch up.
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(%error, "the event listener failed; reconnecting");
                    break;
                }
            }
        }
        state.hub.set_bridge_ready(false);
        if pause(&state).await {
            return;
        }
    }
}

/// Publishes the announced event unless this node already did, together
/// with any event of its workspace committed since the last one heard of
/// (one read serves a burst of notices).
async fn on_notice(state: &AppState, heard: &mut HashMap<WorkspaceId, i64>, notice: Notice) {
    let last = heard.get(&notice.workspace_id).copied();
    if state.hub.was_published(notice.seq) {
        remember(heard, &notice.workspace_id, notice.seq);
        return;
    }
    // An event may commit after a later-numbered one: read from the lower.
    let after = last.map_or(notice.seq - 1, |last| last.min(notice.seq - 1));
    catch_up(state, heard, &notice.workspace_id, after).await;
    remember(heard, &notice.workspace_id, notice.seq);
}

/// Publishes the workspace's events after `after` (the hub drops those it
/// already sent).
async fn catch_up(
    state: &AppState,
    heard: &mut HashMap<WorkspaceId, i64>,
    workspace: &WorkspaceId,
    mut after: i64,
) {
    loop {
        let read = async {
            let mut reader = state.store.read().await?;
            store::events::since(
                &mut reader.conn(),
                workspace,
                after,
                &InboxScope::All,
                BATCH,
            )
            .await
        };
        let events = match read.await {
            Ok(events) => events,
            Err(error) => {
                tracing::warn!(%error, %workspace, "cannot read announced events");
                return;
            }
        };
        let full = events.len() == BATCH as usize;
        if let Some(last) = events.last() {
            after = last.seq;
            remember(heard, workspace, last.seq);
        }
        state.hub.publish(events);
        if !full {
            return;
        }
    }
}

fn remember(heard: &mut HashMap<WorkspaceId, i64>, workspace: &WorkspaceId, seq: i64) {
    let entry = heard.entry(workspace.clone()).or_insert(seq);
    *entry = (*entry).max(seq);
}

/// Waits before reconnecting; `true` when the node is shutting down instead.
async fn pause(state: &AppState) -> bool {
    tokio::select! {
        () = state.shutdown.cancelled() => true,
        () = tokio::time::sleep(RECONNECT_AFTER) => false,
    }
}

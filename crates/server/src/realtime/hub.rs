//! The in-process event hub: committed events fan out to SSE clients here.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use domain::Event;
use tokio::sync::{broadcast, watch, Notify};

use super::seen::Seen;

/// How many events a slow subscriber may fall behind before it must resume
/// from the database (it then reads the gap with `Last-Event-ID` semantics).
const BACKLOG: usize = 4096;

/// How many published sequence numbers the hub remembers to refuse doubles.
const REMEMBERED: usize = 16 * 1024;

/// Publishes committed events to every subscriber of this node.
///
/// An event may be handed to the hub twice: by the service that committed
/// it, and by the PostgreSQL bridge that heard of it (see
/// [`super::postgres`]). The hub remembers what it published and sends each
/// event once.
#[derive(Debug, Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<Event>>,
    published: Arc<Mutex<Seen>>,
    bridge: Arc<Bridge>,
    appended: Arc<Notify>,
}

/// Whether the cross-node bridge runs, and whether it is listening yet.
#[derive(Debug)]
pub(super) struct Bridge {
    started: AtomicBool,
    ready: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::with_capacity(BACKLOG)
    }
}

impl Hub {
    /// A hub whose subscribers may fall `capacity` events behind before they
    /// must catch up from the store (tests use a small one to see that happen).
    pub fn with_capacity(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Self {
            sender,
            published: Arc::new(Mutex::new(Seen::new(REMEMBERED))),
            bridge: Arc::new(Bridge {
                started: AtomicBool::new(false),
                ready: watch::Sender::new(false),
            }),
            appended: Arc::default(),
        }
    }

    /// Sends events that were just committed. Nobody listening is fine; an
    /// event already published is not sent again.
    pub fn publish(&self, events: impl IntoIterator<Item = Event>) {
        for event in events {
            if self.first_time(event.seq) {
                let _ = self.sender.send(Arc::new(event));
            }
        }
        // The log grew: this node's reactions read on.
        self.appended.notify_one();
    }

    /// Completes when events were published since the last call (at once if
    /// some were while nobody waited): the reactions' nudge.
    pub async fn appended(&self) {
        self.appended.notified().await;
    }

    /// A new subscription: every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }

    /// Whether this node already published the event numbered `seq`.
    pub fn was_published(&self, seq: i64) -> bool {
        self.published
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(seq)
    }

    fn first_time(&self, seq: i64) -> bool {
        self.published
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(seq)
    }

    /// Claims the right to start the bridge: `true` for the first caller only.
    pub(super) fn claim_bridge(&self) -> bool {
        !self.bridge.started.swap(true, Ordering::SeqCst)
    }

    /// Tells waiters the bridge listens (or, `false`, that it lost its connection).
    pub(super) fn set_bridge_ready(&self, ready: bool) {
        self.bridge.ready.send_replace(ready);
    }

    /// Watches whether the bridge listens.
    pub(super) fn bridge_ready(&self) -> watch::Receiver<bool> {
        self.bridge.ready.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64) -> Event {
        Event {
            seq,
            workspace_id: domain::WorkspaceId::generate(),
            inbox_id: domain::InboxId::generate(),
            conversation_id: domain::ConversationId::generate(),
            actor_id: None,
            kind: domain::EventKind::Unlocked,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn an_event_published_twice_reaches_subscribers_once() {
        let hub = Hub::default();
        let mut rx = hub.subscribe();
        hub.publish([event(1), event(2)]);
        hub.publish([event(1)]);
        hub.publish([event(3)]);
        let seqs: Vec<i64> = std::iter::from_fn(|| rx.try_recv().ok())
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, [1, 2, 3]);
        assert!(hub.was_published(2));
        assert!(!hub.was_published(4));
    }
}

//! The in-process event hub: committed events fan out to SSE clients here.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use domain::Event;
use store::notifications::Notification;
use tokio::sync::{broadcast, watch, Notify};

/// How many events a slow subscriber may fall behind before it must resume
/// from the database (it then reads the gap with `Last-Event-ID` semantics).
const BACKLOG: usize = 4096;

/// This node's live events.
///
/// Services tell the hub what they committed ([`Hub::publish`]); the node's
/// tailer (`super::tail`) then reads the log in order and sends each event
/// to the subscribers ([`Hub::broadcast`]), together with other nodes'
/// events on PostgreSQL. Subscribers therefore see every node's events in
/// the one order the log has.
#[derive(Debug, Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<Event>>,
    tailer: Arc<Tailer>,
    /// Wakes this node's reactions.
    appended: Arc<Notify>,
    /// New in-app notifications, for their recipients' live feeds.
    notifications: broadcast::Sender<Arc<Notification>>,
}

/// Whether the tailer runs, whether it has its starting place, its nudge,
/// and the highest sequence number known to be on disk.
#[derive(Debug)]
struct Tailer {
    started: AtomicBool,
    ready: watch::Sender<bool>,
    nudge: Notify,
    durable_seq: AtomicI64,
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
        let (notifications, _) = broadcast::channel(capacity.max(1));
        Self {
            sender,
            tailer: Arc::new(Tailer {
                started: AtomicBool::new(false),
                ready: watch::Sender::new(false),
                nudge: Notify::new(),
                durable_seq: AtomicI64::new(0),
            }),
            appended: Arc::default(),
            notifications,
        }
    }

    /// Says that this in-app notification was just committed: its
    /// recipient's open feeds on this node show it.
    pub fn publish_notification(&self, notification: Notification) {
        let _ = self.notifications.send(Arc::new(notification));
    }

    /// Every in-app notification published from now on (feeds filter theirs).
    pub fn subscribe_notifications(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.notifications.subscribe()
    }

    /// Says that these events were just committed and are durable: the
    /// tailer publishes them (in log order) and the reactions read on.
    pub fn publish(&self, events: impl IntoIterator<Item = Event>) {
        if let Some(highest) = events.into_iter().map(|e| e.seq).max() {
            self.tailer.durable_seq.fetch_max(highest, Ordering::SeqCst);
        }
        self.nudge();
        self.appended.notify_one();
    }

    /// A new subscription: every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }

    /// Completes when events were committed since the last call (at once if
    /// some were while nobody waited): the reactions' nudge.
    pub async fn appended(&self) {
        self.appended.notified().await;
    }

    /// Sends one event to every subscriber: the tailer's job alone.
    pub(super) fn broadcast(&self, event: Event) {
        let _ = self.sender.send(Arc::new(event));
    }

    /// Wakes the tailer (a local commit, another node's NOTIFY).
    pub(super) fn nudge(&self) {
        self.tailer.nudge.notify_one();
    }

    /// Completes when the tailer was nudged.
    pub(super) async fn nudged(&self) {
        self.tailer.nudge.notified().await;
    }

    /// The highest sequence number committed through this node and on disk.
    pub(super) fn durable_seq(&self) -> i64 {
        self.tailer.durable_seq.load(Ordering::SeqCst)
    }

    /// Claims the right to start the tailer: `true` for the first caller only.
    pub(super) fn claim_tailer(&self) -> bool {
        !self.tailer.started.swap(true, Ordering::SeqCst)
    }

    /// Tells waiters the tailer has its starting place.
    pub(super) fn set_tailer_ready(&self) {
        self.tailer.ready.send_replace(true);
    }

    /// Watches whether the tailer has started.
    pub(super) fn tailer_ready(&self) -> watch::Receiver<bool> {
        self.tailer.ready.subscribe()
    }
}

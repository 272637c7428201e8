//! One client's live feed: the events it may see, resumable from a
//! `Last-Event-ID`, with no gap and no repeat between the replay from the
//! store and the live events from the hub.
//!
//! The order of operations is what makes it gapless: subscribe to the hub
//! first, then read the backlog from the store, then go live, skipping what
//! was already sent. An event committed while the backlog is read is then in
//! the backlog, on the hub, or both, and goes out once.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use domain::Event;
use futures_util::Stream;
use store::log::{LogPosition, LoggedEvent};
use store::InboxScope;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;

use crate::http::error::ApiError;
use crate::realtime::tail::TailParts;
use crate::realtime::Seen;
use crate::services::access::{self, Principal};
use crate::services::state::AppState;

/// How many events one backlog read takes.
const BATCH: u32 = 500;
/// How many sent sequence numbers a feed remembers to skip repeats.
const REMEMBERED: usize = 4096;
/// What the client proved who it is with. Every `live_recheck_secs` the
/// feed checks that it still holds (a session logged out or expired, a
/// token revoked, ends the feed) and which inboxes the user may see (someone
/// removed from an inbox stops receiving its events).
#[derive(Clone)]
pub enum Proof {
    /// A browser session: its cookie value.
    Session(String),
    /// An API token: its id.
    Token(String),
}

impl std::fmt::Debug for Proof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Proof::Session(_) => f.write_str("Session(***)"),
            Proof::Token(id) => f.debug_tuple("Token").field(id).finish(),
        }
    }
}

/// Where a feed reads the store from.
#[derive(Debug, Clone, Copy)]
enum Resume {
    /// After the event with this number (a client's `Last-Event-ID`).
    AfterSeq(i64),
    /// After this place in the log.
    At(LogPosition),
}

/// A subscription being served to one client.
#[derive(Debug)]
pub struct Feed {
    state: AppState,
    who: Principal,
    proof: Proof,
    scope: InboxScope,
    live: broadcast::Receiver<Arc<Event>>,
    /// Read from the store from here before going on.
    replay: Option<Resume>,
    /// Where the client started, to catch up from if it lags before any send.
    start: LogPosition,
    /// The last event sent: the hub sends in log order, so a lagging feed
    /// catches up after it.
    last_sent: Option<i64>,
    pending: VecDeque<Arc<Event>>,
    sent: Seen,
    recheck_every: Duration,
    recheck_at: Instant,
}

/// Opens a feed for `who`, resuming after `last_event_id` when given (its
/// events come from the store first), otherwise from now on.
pub async fn open(
    state: &AppState,
    who: Principal,
    proof: Proof,
    last_event_id: Option<i64>,
) -> Result<Feed, ApiError> {
    crate::realtime::tail::ensure_running(&TailParts {
        store: state.store.clone(),
        hub: state.hub.clone(),
        shutdown: state.shutdown.clone(),
    })
    .await;
    // Before anything is read: from here on, nothing committed is missed.
    let live = state.hub.subscribe();
    let (scope, start) = {
        let mut reader = state.store.read().await?;
        let mut conn = reader.conn();
        let scope = access::scope(&mut conn, &who).await?;
        // If it lags before sending anything, it catches up from here.
        let start = store::log::head(&mut conn).await?;
        (scope, start)
    };
    let recheck_every = Duration::from_secs(state.settings.live_recheck_secs);
    Ok(Feed {
        state: state.clone(),
        who,
        proof,
        scope,
        live,
        replay: last_event_id.map(Resume::AfterSeq),
        start,
        last_sent: None,
        pending: VecDeque::new(),
        sent: Seen::new(REMEMBERED),
        recheck_every,
        recheck_at: Instant::now() + recheck_every,
    })
}

impl Feed {
    /// The feed as a stream; it ends at shutdown, when the caller leaves the
    /// workspace, or when the store cannot be read (the client resumes).
    pub fn into_stream(self) -> impl Stream<Item = Arc<Event>> + Send + 'static {
        futures_util::stream::unfold(self, |mut feed| async move {
            let event = feed.next().await?;
            Some((event, feed))
        })
    }

    /// The next event to send, waiting for one.
    async fn next(&mut self) -> Option<Arc<Event>> {
        loop {
            while let Some(event) = self.pending.pop_front() {
                if self.sent.insert(event.seq) {
                    self.last_sent = Some(event.seq);
                    return Some(event);
                }
            }
            if let Some(from) = self.replay.take() {
                let batch = self.read_after(from).await?;
                if batch.len() == BATCH as usize {
                    self.replay = batch.last().map(|e| Resume::At(e.position));
                }
                self.pending
                    .extend(batch.into_iter().map(|logged| Arc::new(logged.event)));
                continue;
            }
            tokio::select! {
                () = self.state.shutdown.cancelled() => return None,
                received = self.live.recv() => match received {
                    Ok(event) => {
                        if self.visible(&event) {
                            self.pending.push_back(event);
                        }
                    }
                    // Fell behind the hub's buffer: the store has what was dropped.
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "live feed lagged; reading from the store");
                        self.replay = Some(match self.last_sent {
                            Some(seq) => Resume::AfterSeq(seq),
                            None => Resume::At(self.start),
                        });
                    }
                    Err(RecvError::Closed) => return None,
                },
                () = tokio::time::sleep_until(self.recheck_at) => {
                    self.recheck_at = Instant::now() + self.recheck_every;
                    if !self.recheck().await {
                        return None;
                    }
                }
            }
        }
    }

    fn visible(&self, event: &Event) -> bool {
        event.workspace_id == self.who.workspace_id
            && match &self.scope {
                InboxScope::All => true,
                InboxScope::Only(inboxes) => inboxes.contains(&event.inbox_id),
            }
    }

    async fn read_after(&self, from: Resume) -> Option<Vec<LoggedEvent>> {
        let read = async {
            let mut reader = self.state.store.read().await?;
            let mut conn = reader.conn();
            let after = match from {
                Resume::At(position) => position,
                Resume::AfterSeq(seq) => store::log::position_of(&mut conn, seq).await?,
            };
            store::log::after(
                &mut conn,
                after,
                Some(&self.who.workspace_id),
                &self.scope,
                BATCH,
            )
            .await
        };
        match read.await {
            Ok(events) => Some(events),
            Err(error) => {
                // Ending the stream makes the client resume from its last id.
                tracing::warn!(%error, "cannot read the event backlog; ending the stream");
                None
            }
        }
    }

    /// Checks the caller's proof and reads their role and inboxes again;
    /// `false` when the proof no longer holds or they left the workspace.
    async fn recheck(&mut self) -> bool {
        let checked = async {
            let mut reader = self.state.store.read().await?;
            let mut conn = reader.conn();
            let holds = match &self.proof {
                Proof::Session(raw) => {
                    store::sessions::find(&mut conn, raw, self.state.clock.now())
                        .await?
                        .is_some()
                }
                Proof::Token(id) => store::tokens::for_user(&mut conn, &self.who.user.id)
                    .await?
                    .iter()
                    .any(|token| &token.id == id),
            };
            if !holds {
                return Ok::<_, ApiError>(None);
            }
            let role =
                store::workspaces::role_of(&mut conn, &self.who.workspace_id, &self.who.user.id)
                    .await?;
            let Some(role) = role else {
                return Ok(None);
            };
            let mut who = self.who.clone();
            who.role = role;
            let scope = access::scope(&mut conn, &who).await?;
            Ok(Some((who, scope)))
        };
        match checked.await {
            Ok(Some((who, scope))) => {
                self.who = who;
                self.scope = scope;
                true
            }
            Ok(None) => false,
            Err(error) => {
                // Keep serving with what was known; try again next time.
                tracing::warn!(%error, "cannot recheck a live feed's access");
                true
            }
        }
    }
}

//! One reaction's reader: its cursor, its lease, and the transaction that
//! turns a batch of events into jobs.
//!
//! The position read so far is kept in memory and written back with the jobs
//! it produced, or at least every [`PERSIST_EVERY`] when a batch called for
//! none (inbound texts, most of the log): the hot path of a busy inbox then
//! costs the single SQLite writer one small transaction a second, not one per
//! batch. A node that dies re-reads from the written position; the jobs'
//! keys make that replay enqueue nothing twice.

use std::time::{Duration, Instant};

use store::log::LogPosition;
use store::InboxScope;

use super::{Memory, Planned, Reaction};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How many events one batch reads.
const BATCH: u32 = 500;
/// The longest a position read stays unwritten when it produced no jobs.
const PERSIST_EVERY: Duration = Duration::from_secs(1);
// An idle holder renews its lease every third of it.

/// A reaction being read by this node.
#[derive(Debug)]
pub struct Consumer {
    reaction: Reaction,
    /// Read up to here; ahead of the stored cursor until [`Consumer::flush`].
    position: Option<LogPosition>,
    /// The stored cursor as this node last wrote or read it.
    stored: Option<LogPosition>,
    persisted_at: Instant,
    memory: Memory,
}

/// How long a node holds a reaction without renewing it (`lease_secs`).
fn lease(state: &AppState) -> Duration {
    Duration::from_secs(state.settings.lease_secs)
}

impl Consumer {
    /// A reader for `reaction` that starts where its stored cursor is.
    pub fn new(reaction: Reaction) -> Self {
        Self {
            reaction,
            position: None,
            stored: None,
            persisted_at: Instant::now(),
            memory: Memory::default(),
        }
    }

    /// The reaction's name.
    pub fn name(&self) -> &'static str {
        self.reaction.name()
    }

    /// Reads and plans batches until the log has nothing more for now.
    /// Returns how many events it read.
    pub async fn drain(&mut self, state: &AppState) -> Result<usize, ServiceError> {
        let mut read = 0;
        loop {
            let n = self.step(state).await?;
            read += n;
            if n < BATCH as usize {
                break;
            }
        }
        let unwritten = self.position.is_some() && self.position != self.stored;
        if unwritten && self.persisted_at.elapsed() >= PERSIST_EVERY {
            self.flush(state).await?;
        } else if self.position.is_some() && self.persisted_at.elapsed() >= lease(state) / 3 {
            self.renew(state).await?;
        }
        Ok(read)
    }

    /// One batch. Returns how many events it read (0: nothing new, or the
    /// reaction is another node's).
    async fn step(&mut self, state: &AppState) -> Result<usize, ServiceError> {
        let after = match self.position {
            Some(position) => position,
            None => match self.take(state).await? {
                Some(position) => position,
                None => return Ok(0),
            },
        };
        let mut reader = state.store.read().await?;
        let mut conn = reader.conn();
        let events = store::log::after(&mut conn, after, None, &InboxScope::All, BATCH).await?;
        let Some(last) = events.last().map(|e| e.position) else {
            return Ok(0);
        };
        let planned = self
            .reaction
            .plan(&mut conn, &events, &mut self.memory)
            .await?;
        drop(reader);
        if planned.is_empty() {
            self.position = Some(last);
        } else {
            self.write(state, planned, last).await?;
        }
        Ok(events.len())
    }

    /// Whether committed events wait behind an older running transaction.
    pub async fn held_back(&self, state: &AppState) -> Result<bool, ServiceError> {
        let Some(position) = self.position else {
            return Ok(false);
        };
        let mut reader = state.store.read().await?;
        Ok(store::log::held_back(&mut reader.conn(), position).await?)
    }

    /// Takes the reaction for this node if nobody else holds it; its stored
    /// cursor becomes the position to read from.
    async fn take(&mut self, state: &AppState) -> Result<Option<LogPosition>, ServiceError> {
        let now = state.clock.now();
        let until = now + lease(state);
        let mut tx = state.store.begin().await?;
        let lease = store::log::claim_reaction(
            &mut tx,
            self.name(),
            &state.node,
            LogPosition::default(),
            now,
            until,
        )
        .await?;
        tx.commit().await?;
        self.stored = lease.as_ref().map(|l| l.after);
        self.position = self.stored;
        self.persisted_at = Instant::now();
        self.memory = Memory::default();
        Ok(self.position)
    }

    /// Enqueues the jobs and moves the cursor to `to` in one transaction,
    /// renewing the lease; lets go when another node has taken over.
    async fn write(
        &mut self,
        state: &AppState,
        planned: Vec<Planned>,
        to: LogPosition,
    ) -> Result<(), ServiceError> {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let lease = store::log::claim_reaction(
            &mut tx,
            self.name(),
            &state.node,
            LogPosition::default(),
            now,
            now + lease(state),
        )
        .await?;
        if lease.map(|l| l.after) != self.stored {
            // Another node holds it or moved it meanwhile: start over from its cursor.
            drop(tx);
            self.position = None;
            return Ok(());
        }
        let mut index = 0;
        let mut previous = None;
        for plan in &planned {
            // Several jobs for one event are numbered within it.
            index = if previous == Some(plan.seq) {
                index + 1
            } else {
                0
            };
            previous = Some(plan.seq);
            let job = plan
                .job
                .to_new(plan.run_at)
                .with_workspace(plan.workspace_id.clone())
                .with_dedupe_key(format!("{}:{}:{index}", self.name(), plan.seq));
            store::jobs::enqueue_once(&mut tx, job).await?;
        }
        store::log::advance_reaction(&mut tx, self.name(), &state.node, to, now).await?;
        tx.commit().await?;
        self.position = Some(to);
        self.stored = Some(to);
        self.persisted_at = Instant::now();
        state.jobs_enqueued.notify_one();
        Ok(())
    }

    /// Writes the position read so far (and renews the lease).
    pub async fn flush(&mut self, state: &AppState) -> Result<(), ServiceError> {
        let Some(position) = self.position else {
            return Ok(());
        };
        if Some(position) == self.stored {
            // Nothing new read; the lease still needs renewing now and then.
            return self.renew(state).await;
        }
        self.write(state, Vec::new(), position).await
    }

    async fn renew(&mut self, state: &AppState) -> Result<(), ServiceError> {
        let now = state.clock.now();
        let mut tx = state.store.begin().await?;
        let lease = store::log::claim_reaction(
            &mut tx,
            self.name(),
            &state.node,
            LogPosition::default(),
            now,
            now + lease(state),
        )
        .await?;
        tx.commit().await?;
        if lease.map(|l| l.after) != self.stored {
            self.position = None;
        }
        self.persisted_at = Instant::now();
        Ok(())
    }

    /// Writes what was read and lets another node take over at once (shutdown).
    pub async fn release(&mut self, state: &AppState) {
        let released = async {
            self.flush(state).await?;
            let mut tx = state.store.begin().await?;
            store::log::release_reaction(&mut tx, self.name(), &state.node).await?;
            tx.commit().await?;
            Ok::<_, ServiceError>(())
        };
        if let Err(error) = released.await {
            tracing::warn!(reaction = self.name(), %error, "could not release a reaction");
        }
    }
}

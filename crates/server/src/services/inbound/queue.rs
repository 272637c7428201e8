//! Group commit for inbound messages.
//!
//! SQLite has one writer and every commit must reach the disk before it is
//! acknowledged, so one transaction per message caps ingest at the disk's
//! fsync rate. Instead, webhooks hand their message to this node's writer
//! task, which takes every message waiting at that moment and stores them all
//! in one transaction. The commit then goes to the acknowledger task, which
//! waits until it is on disk and only then publishes its events and answers
//! each caller: nothing is acknowledged before it is durable. Meanwhile the
//! writer is already writing the next batch, so the disk's time is not the
//! writer's (see `store::Committed`). Under light load a batch is a single
//! message, so latency stays one commit.
//!
//! PostgreSQL takes several writers at once: there are [`POSTGRES_WRITERS`],
//! each with its own connection and batches, and each customer's texts go
//! to one of them (by their number), so that they are stored in order.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use store::StoreError;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::channels::Channels;
use super::{ingest_alone, InboundSms, Ingested, Lookups, Writer};
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::realtime::Hub;
use crate::services::ServiceError;

/// How many writers store texts at once on PostgreSQL. SQLite has one
/// writer connection; on PostgreSQL one writer leaves the machine idle
/// while it waits for its statements' round trips, and a second one
/// overlaps them (the counter rows they share are taken in key order by
/// migration 0027's triggers, so two writers wait for each other there
/// rather than deadlock). A third measured no faster on two cores.
const POSTGRES_WRITERS: usize = 2;
/// The most messages one transaction carries.
const MAX_BATCH: usize = 256;
/// How many messages may wait for the writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4096;
/// How many committed batches may wait for the disk before the writer waits.
const UNSYNCED_BATCHES: usize = 64;

type Reply = oneshot::Sender<Result<Ingested, ServiceError>>;

/// The handle webhooks submit inbound messages to.
#[derive(Debug, Clone)]
pub struct IngestQueue {
    /// One per writer; a customer's texts always go to the same one.
    senders: Vec<mpsc::Sender<(InboundSms, Reply)>>,
    /// The channels webhooks named lately.
    pub(crate) channels: Channels,
    /// Cancelled by [`IngestQueue::stop`]: the writer stores what waits, then ends.
    stop: CancellationToken,
    /// The acknowledger task, which ends after the writer (see [`IngestQueue::stop`]).
    finished: Arc<Mutex<Option<JoinHandle<()>>>>,
}

/// What the ingest writer uses of its node, and nothing more: it stores
/// messages, reads the time, and counts its batches; the events it commits
/// reach live subscribers through the node's log tailer, which `hub` nudges.
#[derive(Debug, Clone)]
pub struct IngestParts {
    /// The database messages are stored in.
    pub store: store::Store,
    /// The time messages are stamped with.
    pub clock: Clock,
    /// Nudged once a batch is durable.
    pub hub: Hub,
    /// Batch sizes.
    pub metrics: Arc<Metrics>,
}

impl IngestQueue {
    /// Starts the writer and acknowledger tasks over `parts`.
    pub fn start(parts: IngestParts) -> IngestQueue {
        let stop = CancellationToken::new();
        let (committed, acknowledger) = mpsc::channel(UNSYNCED_BATCHES);
        let writers = match parts.store.backend() {
            store::Backend::Sqlite => 1,
            store::Backend::Postgres => POSTGRES_WRITERS,
        };
        let senders = (0..writers)
            .map(|_| {
                let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
                tokio::spawn(write_batches(
                    parts.clone(),
                    receiver,
                    committed.clone(),
                    stop.clone(),
                ));
                sender
            })
            .collect();
        let acknowledger = tokio::spawn(acknowledge(parts, acknowledger));
        IngestQueue {
            senders,
            channels: Channels::default(),
            stop,
            finished: Arc::new(Mutex::new(Some(acknowledger))),
        }
    }

    /// How many messages wait for the writer now.
    pub fn depth(&self) -> usize {
        self.senders
            .iter()
            .map(|sender| sender.max_capacity() - sender.capacity())
            .sum()
    }

    /// Stops the writer once every message already submitted is committed,
    /// durable and answered, and returns then. Called at shutdown after the
    /// server has stopped taking requests and finished the ones it had, so
    /// that no accepted webhook is answered with an error; a message
    /// submitted afterwards is refused as "the ingest writer has stopped".
    pub async fn stop(&self) {
        self.stop.cancel();
        let acknowledger = self
            .finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(acknowledger) = acknowledger {
            // It ends when the writer has ended and every batch is answered.
            let _ = acknowledger.await;
        }
    }

    /// Stores `sms` with whatever else is waiting and returns once it is committed.
    pub async fn submit(&self, sms: InboundSms) -> Result<Ingested, ServiceError> {
        let (reply, answer) = oneshot::channel();
        let writer = writer_of(&sms.from, self.senders.len());
        self.senders[writer]
            .send((sms, reply))
            .await
            .map_err(|_| ServiceError::internal("the ingest writer has stopped"))?;
        answer
            .await
            .map_err(|_| ServiceError::internal("the ingest writer dropped a message"))?
    }
}

/// Which of `writers` stores texts from `from`: always the same one, so
/// that a customer's texts are stored in the order they came (each writer
/// stores its texts in order; two could commit in either order).
fn writer_of(from: &domain::PhoneNumber, writers: usize) -> usize {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let hash = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
        .hash_one(from.as_str());
    (hash % writers.max(1) as u64) as usize
}

/// The writer task: runs until `stop`, then stores what is already waiting.
async fn write_batches(
    state: IngestParts,
    mut receiver: mpsc::Receiver<(InboundSms, Reply)>,
    acknowledger: mpsc::Sender<Written>,
    stop: CancellationToken,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut lookups = Lookups::default();
    let mut held = Held::default();
    loop {
        held.release_unless_busy(&receiver);
        tokio::select! {
            received = receiver.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    return;
                }
                write_batch(&state, &acknowledger, &mut held, std::mem::take(&mut batch), &mut lookups).await;
            }
            () = stop.cancelled() => {
                receiver.close();
                while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
                    write_batch(&state, &acknowledger, &mut held, std::mem::take(&mut batch), &mut lookups).await;
                }
                return;
            }
        }
    }
}

/// The writer connection, kept from one batch to the next while texts keep
/// coming (see [`store::Store::hold_writer`]): taking it from the pool and
/// giving it back costs two round trips to the database per batch, as much
/// as the batch's own statements. On SQLite nobody else writes while it is
/// held, so it goes back to the pool as soon as nothing waits, and at the
/// latest after [`HOLD_AT_MOST`].
#[derive(Debug, Default)]
struct Held(Option<(store::HeldWriter, Instant)>);

/// The longest the writer keeps the connection from others (agents' writes).
const HOLD_AT_MOST: Duration = Duration::from_millis(25);

impl Held {
    /// The held connection, taken from the pool if none is held.
    async fn writer(&mut self, state: &IngestParts) -> Result<&mut store::HeldWriter, StoreError> {
        let (writer, _) = match self.0.take() {
            Some(held) => self.0.insert(held),
            None => self
                .0
                .insert((state.store.hold_writer().await?, Instant::now())),
        };
        Ok(writer)
    }

    /// Gives the connection back when nothing waits or it was held long enough.
    fn release_unless_busy<T>(&mut self, receiver: &mpsc::Receiver<T>) {
        if self
            .0
            .as_ref()
            .is_some_and(|(_, since)| receiver.is_empty() || since.elapsed() >= HOLD_AT_MOST)
        {
            self.release();
        }
    }

    fn release(&mut self) {
        self.0 = None;
    }
}

/// Stores a batch in one transaction. When that fails (a duplicate that
/// was left to the unique index, a conversation the writer remembered was
/// changed by someone else, a race with another node), the writer forgets
/// what it remembered and tries the batch once more carefully from fresh
/// reads; if that fails too, each message is stored on its own so that one
/// bad message cannot fail the others.
async fn write_batch(
    state: &IngestParts,
    acknowledger: &mpsc::Sender<Written>,
    held: &mut Held,
    batch: Vec<(InboundSms, Reply)>,
    lookups: &mut Lookups,
) {
    lookups.expire();
    state.metrics.observe_ingest_batch(batch.len());
    let mut outcome = write_together(state, held, &batch, lookups, false).await;
    if outcome.is_err() {
        outcome = write_together(state, held, &batch, lookups, true).await;
    }
    match outcome {
        Ok((committed, results, events)) => {
            let answers = batch
                .into_iter()
                .zip(results)
                .map(|((_, reply), result)| (reply, result))
                .collect();
            let written = Written {
                committed,
                events,
                answers,
            };
            if let Err(mpsc::error::SendError(written)) = acknowledger.send(written).await {
                // Only if the acknowledger task is gone (its runtime shutting down).
                written.acknowledge(state).await;
            }
        }
        Err(error) => {
            tracing::warn!(%error, size = batch.len(), "group commit failed; storing one by one");
            // Storing alone takes the writer connection from the pool.
            held.release();
            for (sms, reply) in batch {
                let result = ingest_alone(state, &sms).await;
                let _ = reply.send(result);
            }
        }
    }
}

/// One transaction for the whole batch; forgets what it remembered when it fails.
async fn write_together(
    state: &IngestParts,
    held: &mut Held,
    batch: &[(InboundSms, Reply)],
    lookups: &mut Lookups,
    careful: bool,
) -> Result<(store::Committed, Vec<Ingested>, Vec<domain::Event>), StoreError> {
    let together = async {
        let mut tx = held.writer(state).await?.begin().await?;
        let mut writer = Writer::new(state.clock.now(), careful);
        if !careful {
            lookups
                .prefetch(&mut tx, batch.iter().map(|(sms, _)| sms))
                .await?;
        }
        for (sms, _) in batch {
            writer.add(&mut tx, sms, lookups).await?;
        }
        let (results, events) = writer.finish(&mut tx).await?;
        let committed = tx.commit_unsynced().await?;
        Ok((committed, results, events))
    };
    let outcome = together.await;
    if outcome.is_err() {
        lookups.forget();
        // A connection that failed goes back to the pool, which checks it.
        held.release();
    }
    outcome
}

/// A batch committed, waiting for the disk before it is acknowledged.
#[derive(Debug)]
struct Written {
    committed: store::Committed,
    events: Vec<domain::Event>,
    answers: Vec<(Reply, Ingested)>,
}

impl Written {
    /// Waits until the batch is durable, then publishes its events and
    /// answers its callers; if it cannot be made durable, they get an error
    /// (a provider sends again, and finds the message stored).
    async fn acknowledge(self, state: &IngestParts) {
        match self.committed.durable().await {
            Ok(()) => {
                state.hub.publish(self.events);
                for (reply, result) in self.answers {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(error) => {
                tracing::error!(%error, size = self.answers.len(), "a committed batch is not durable");
                for (reply, _) in self.answers {
                    let _ = reply.send(Err(ServiceError::internal(
                        "the message could not be made durable",
                    )));
                }
            }
        }
    }
}

/// The acknowledger task: acknowledges committed batches in commit order.
async fn acknowledge(state: IngestParts, mut committed: mpsc::Receiver<Written>) {
    while let Some(written) = committed.recv().await {
        written.acknowledge(&state).await;
    }
}

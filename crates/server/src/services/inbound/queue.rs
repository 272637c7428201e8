//! Group commit for inbound messages.
//!
//! SQLite has one writer and every commit waits for an fsync, so one
//! transaction per message caps ingest at the disk's fsync rate. Instead,
//! webhooks hand their message to this node's writer task, which takes every
//! message waiting at that moment, stores them all in one transaction, commits
//! once, and only then answers each caller: nothing is acknowledged before
//! it is durable, and a burst costs one fsync. Under light load a batch is a
//! single message, so latency stays one commit.

use tokio::sync::{mpsc, oneshot};

use super::channels::Channels;
use super::{ingest_alone, InboundSms, Ingested, Lookups, Writer};
use crate::app::AppState;
use crate::error::ApiError;

/// The most messages one transaction carries.
const MAX_BATCH: usize = 256;
/// How many messages may wait for the writer before callers wait to enqueue.
const QUEUE_DEPTH: usize = 4096;

type Reply = oneshot::Sender<Result<Ingested, ApiError>>;

/// The handle webhooks submit inbound messages to.
#[derive(Debug, Clone)]
pub struct IngestQueue {
    sender: mpsc::Sender<(InboundSms, Reply)>,
    /// The channels webhooks named lately.
    pub(crate) channels: Channels,
}

impl IngestQueue {
    /// Starts the writer task for `state` (which holds this queue).
    pub fn start(state_for_writer: impl FnOnce(IngestQueue) -> AppState) -> AppState {
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        let state = state_for_writer(IngestQueue {
            sender,
            channels: Channels::default(),
        });
        tokio::spawn(write_batches(state.clone(), receiver));
        state
    }

    /// Stores `sms` with whatever else is waiting and returns once it is committed.
    pub async fn submit(&self, sms: InboundSms) -> Result<Ingested, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send((sms, reply))
            .await
            .map_err(|_| ApiError::internal("the ingest writer has stopped"))?;
        answer
            .await
            .map_err(|_| ApiError::internal("the ingest writer dropped a message"))?
    }
}

/// The writer task: runs until shutdown, then stores what is already waiting.
async fn write_batches(state: AppState, mut receiver: mpsc::Receiver<(InboundSms, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut lookups = Lookups::default();
    loop {
        tokio::select! {
            received = receiver.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    return;
                }
                write_batch(&state, std::mem::take(&mut batch), &mut lookups).await;
            }
            () = state.shutdown.cancelled() => {
                receiver.close();
                while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
                    write_batch(&state, std::mem::take(&mut batch), &mut lookups).await;
                }
                return;
            }
        }
    }
}

/// Stores a batch in one transaction. When that fails (a duplicate that
/// was left to the unique index, a conversation the writer remembered was
/// changed by someone else, a race with another node), the writer forgets
/// what it remembered and tries the batch once more carefully from fresh
/// reads; if that fails too, each message is stored on its own so that one
/// bad message cannot fail the others.
async fn write_batch(state: &AppState, batch: Vec<(InboundSms, Reply)>, lookups: &mut Lookups) {
    lookups.expire();
    let mut outcome = write_together(state, &batch, lookups, false).await;
    if outcome.is_err() {
        outcome = write_together(state, &batch, lookups, true).await;
    }
    match outcome {
        Ok((results, events)) => {
            state.hub.publish(events);
            for ((_, reply), result) in batch.into_iter().zip(results) {
                let _ = reply.send(Ok(result));
            }
        }
        Err(error) => {
            tracing::warn!(%error, size = batch.len(), "group commit failed; storing one by one");
            for (sms, reply) in batch {
                let result = ingest_alone(state, &sms).await;
                let _ = reply.send(result);
            }
        }
    }
}

/// One transaction for the whole batch; forgets what it remembered when it fails.
async fn write_together(
    state: &AppState,
    batch: &[(InboundSms, Reply)],
    lookups: &mut Lookups,
    careful: bool,
) -> Result<(Vec<Ingested>, Vec<domain::Event>), store::StoreError> {
    let together = async {
        let mut tx = state.store.begin().await?;
        let mut writer = Writer::new(state.clock.now(), careful);
        for (sms, _) in batch {
            writer.add(&mut tx, sms, lookups).await?;
        }
        let written = writer.finish(&mut tx).await?;
        tx.commit().await?;
        Ok(written)
    };
    let outcome = together.await;
    if outcome.is_err() {
        lookups.forget();
    }
    outcome
}

//! Reactions: durable consumers of the event log. "When this event has been
//! committed, do that, exactly once, even across crashes and nodes."
//!
//! Each [`Reaction`] has a name, a cursor in the database
//! (`reaction_cursors`) and a function from a batch of committed events to
//! the jobs they call for ([`Reaction::plan`]; it may read state, it changes
//! nothing). The consumer ([`consumer`]) reads the log after the cursor in
//! log order (`store::log`), plans, and in one transaction enqueues the jobs
//! under keys made of the reaction's name and the event's sequence number
//! and moves the cursor: a replay after a crash enqueues nothing twice. On
//! PostgreSQL one node holds a reaction at a time under a lease; another
//! takes over when the holder stops renewing it.
//!
//! To add a reaction: a variant of [`Reaction`] with its name and its `plan`
//! arm, a module beside this one, the job it enqueues in `crate::jobs`, and
//! a migration that inserts its cursor (at the log's head, so that it reacts
//! to what happens from then on).

mod assignment;
mod auto_replies;
mod consumer;
mod deliveries;
mod forwarding;
mod lifecycle;
mod notifications;
mod sla;
mod slack;
mod webhooks;

use std::time::Duration;

use domain::{Timestamp, WorkspaceId};
use store::log::LoggedEvent;
use store::Conn;
use tokio_util::sync::CancellationToken;

use crate::jobs::Job;
use crate::services::state::AppState;
use crate::services::ServiceError;

pub use consumer::Consumer;

/// How often an idle node looks at the log without being nudged (other
/// nodes' events on PostgreSQL, a lease to take over).
const IDLE_POLL: Duration = Duration::from_millis(500);

/// Every reaction there is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reaction {
    /// An outbound reply is handed to its channel; scheduled replies go at
    /// their time and are cancelled when the customer writes first.
    Deliveries,
    /// A snoozed conversation is woken at its time.
    Lifecycle,
    /// Events go to the workspace's outgoing-webhook endpoints.
    Webhooks,
    /// Inbound messages are emailed to their inbox's forwarding address.
    Forwarding,
    /// Events tell the people and channels the notification rules name.
    Notifications,
    /// Slack notifications follow their conversation's state.
    Slack,
    /// Customers who write while the team is away get the out-of-office reply.
    AutoReplies,
    /// Conversations entering the Unassigned queue go to a member by the
    /// inbox's policy; freed capacity pulls in waiting ones.
    Assignment,
    /// SLA due times follow messages, status and priority.
    Sla,
}

/// What reactions remember from one batch to the next while this node holds
/// them; forgotten when a node (re)takes a reaction, since another may have
/// read on meanwhile.
#[derive(Debug, Default)]
pub struct Memory {
    /// The notifications reaction's: who was told about which conversation when.
    told: notifications::Told,
}

/// A job a reaction wants for one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The event's sequence number (with the reaction's name, the job's key).
    pub seq: i64,
    /// Whose work it is.
    pub workspace_id: WorkspaceId,
    /// What to do.
    pub job: Job,
    /// Not before this time.
    pub run_at: Timestamp,
}

impl Reaction {
    /// Every reaction, in the order a pass runs them.
    pub const ALL: [Self; 9] = [
        Self::Deliveries,
        Self::Lifecycle,
        Self::Webhooks,
        Self::Forwarding,
        Self::Notifications,
        Self::Slack,
        Self::AutoReplies,
        Self::Assignment,
        Self::Sla,
    ];

    /// Its name: the key of its cursor and the prefix of its jobs' keys.
    pub fn name(self) -> &'static str {
        match self {
            Self::Deliveries => "deliveries",
            Self::Lifecycle => "lifecycle",
            Self::Webhooks => "webhooks",
            Self::Forwarding => "forwarding",
            Self::Notifications => "notifications",
            Self::Slack => "slack",
            Self::AutoReplies => "auto_replies",
            Self::Assignment => "assignment",
            Self::Sla => "sla",
        }
    }

    /// The jobs these events call for, in order.
    pub async fn plan(
        self,
        conn: &mut Conn<'_>,
        events: &[LoggedEvent],
        memory: &mut Memory,
    ) -> Result<Vec<Planned>, ServiceError> {
        match self {
            Self::Deliveries => deliveries::plan(conn, events).await,
            Self::Lifecycle => Ok(lifecycle::plan(events)),
            Self::Webhooks => webhooks::plan(conn, events).await,
            Self::Forwarding => forwarding::plan(conn, events).await,
            Self::Notifications => notifications::plan(conn, events, &mut memory.told).await,
            Self::Slack => slack::plan(conn, events).await,
            Self::AutoReplies => auto_replies::plan(conn, events).await,
            Self::Assignment => assignment::plan(conn, events).await,
            Self::Sla => sla::plan(conn, events).await,
        }
    }
}

/// Runs every reaction on this node until `shutdown`: each reads the log as
/// far as it goes, then the node waits for a nudge (a local commit) or the
/// idle poll.
pub async fn run(state: AppState, shutdown: CancellationToken) {
    let mut consumers: Vec<Consumer> = Reaction::ALL.into_iter().map(Consumer::new).collect();
    loop {
        for consumer in &mut consumers {
            if let Err(error) = consumer.drain(&state).await {
                tracing::warn!(reaction = consumer.name(), %error, "reaction pass failed");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = state.hub.appended() => {}
            () = tokio::time::sleep(IDLE_POLL) => {}
        }
    }
    for consumer in &mut consumers {
        consumer.release(&state).await;
    }
}

/// One pass for tests and one-shot commands, instead of the tasks: the
/// reactions catch up with the log (so the jobs of every committed event
/// exist), then the jobs due now run. Returns how many ran.
pub async fn run_due(state: &AppState) -> Result<usize, ServiceError> {
    catch_up(state).await?;
    crate::jobs::run_claimed(state).await
}

/// Brings every reaction up to the log's end once, persisting each cursor
/// (see [`run_due`]).
/// Waits for events that committed but are held back behind an older
/// transaction still running (PostgreSQL), for at most [`HELD_BACK_WAIT`].
pub async fn catch_up(state: &AppState) -> Result<(), ServiceError> {
    for reaction in Reaction::ALL {
        let mut consumer = Consumer::new(reaction);
        let deadline = std::time::Instant::now() + HELD_BACK_WAIT;
        consumer.drain(state).await?;
        while consumer.held_back(state).await? && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
            consumer.drain(state).await?;
        }
        consumer.flush(state).await?;
    }
    Ok(())
}

/// The longest [`catch_up`] waits for held-back events. Generous: only
/// tests and one-shot commands wait here. (Before the log's horizon counted
/// only this database's transactions, tests in other databases of a busy
/// server held it back for longer than 15 s.)
const HELD_BACK_WAIT: Duration = Duration::from_secs(90);

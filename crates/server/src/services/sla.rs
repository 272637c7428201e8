//! SLA due times and breaches.
//!
//! The `sla` reaction (`crate::reactions`) plans a [`Job::SlaRefresh`] for
//! every message, status and priority change of a conversation in an inbox
//! with targets; [`refresh`] computes the conversation's next due time from
//! what is true when it runs, stores it, and keeps one [`Job::SlaBreach`]
//! per conversation due at that time. [`breach`] records the `sla_breached`
//! event once per due time, however often it runs and on however many nodes.
//!
//! [`Job::SlaRefresh`]: crate::jobs::Job::SlaRefresh
//! [`Job::SlaBreach`]: crate::jobs::Job::SlaBreach

use domain::event::NewEvent;
use domain::{ConversationId, EventKind, SlaFacts, Status, Timestamp, View};

use crate::jobs::Job;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The dedupe key of a conversation's one pending breach job.
fn breach_key(conversation: &ConversationId) -> String {
    format!("sla_breach:{conversation}")
}

/// Recomputes a conversation's due time and (re)schedules its breach job.
#[tracing::instrument(skip_all, fields(conversation_id = %id), err(level = "debug"))]
pub async fn refresh(state: &AppState, id: &ConversationId) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    let Some(conversation) = store::conversations::get(&mut tx.conn(), id).await? else {
        return Ok(());
    };
    let policy = store::sla::get(&mut tx.conn(), &conversation.inbox_id).await?;
    let hours = store::out_of_office::get(&mut tx.conn(), &conversation.inbox_id)
        .await?
        .map(|setting| setting.hours);
    let (waiting_since, replied_before) = store::sla::waiting(&mut tx.conn(), id).await?;
    // Snoozed and done conversations owe nothing until they open again.
    let open = View::Open.statuses().contains(&conversation.status)
        && conversation.status != Status::Snoozed;
    let facts = SlaFacts {
        priority: conversation.priority,
        open,
        started_at: conversation.created_at,
        waiting_since,
        replied_before,
    };
    let due = policy.and_then(|p| domain::sla::next_due(&p, hours.as_ref(), &facts));
    store::sla::set_due(&mut tx, id, due).await?;
    match due {
        Some(due) => {
            let job = Job::SlaBreach {
                conversation_id: id.clone(),
                due_at: due.at,
            };
            let new = job
                .to_new(due.at)
                .with_workspace(conversation.workspace_id.clone())
                .with_dedupe_key(breach_key(id));
            store::jobs::enqueue(&mut tx, new).await?;
        }
        None => {
            store::jobs::cancel(&mut tx, &breach_key(id)).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Records that the conversation missed `due_at`, if that is still its due
/// time and the breach was not recorded yet.
#[tracing::instrument(skip_all, fields(conversation_id = %id), err(level = "debug"))]
pub async fn breach(
    state: &AppState,
    id: &ConversationId,
    due_at: Timestamp,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    if now < due_at {
        return Ok(());
    }
    let mut tx = state.store.begin().await?;
    let Some(conversation) = store::conversations::get(&mut tx.conn(), id).await? else {
        return Ok(());
    };
    if !store::sla::record_breach(&mut tx, id, due_at).await? {
        return Ok(());
    }
    let event = NewEvent {
        workspace_id: conversation.workspace_id,
        inbox_id: conversation.inbox_id,
        conversation_id: conversation.id,
        actor_id: None,
        kind: EventKind::SlaBreached { due_at },
        created_at: now,
    };
    let event = store::events::append(&mut tx, event).await?;
    tx.commit().await?;
    state.hub.publish(vec![event]);
    Ok(())
}

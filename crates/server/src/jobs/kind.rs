//! What a job is: one variant per kind of background work, stored as JSON
//! tagged with its kind (why a run failed is in `failure`).

use domain::{ConversationId, InboxId, MessageId, UserId, WorkspaceId};
use serde::{Deserialize, Serialize};
use store::jobs::NewJob;

use super::{Attempt, JobError};
use crate::services::notifications::Notice;
use crate::services::state::AppState;
use crate::services::{self, notifications};

/// A unit of background work. The `kind` tag is also the `jobs.kind`
/// column, for SQL filters and the admins' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Hand a queued outbound message to its channel.
    DeliverMessage {
        /// The message.
        message_id: MessageId,
    },
    /// Open a snoozed conversation once its time has come.
    WakeConversation {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// POST one event to one outgoing-webhook endpoint.
    DeliverWebhook {
        /// The endpoint.
        endpoint_id: String,
        /// The event (its sequence number makes the `webhook-id`).
        event_seq: i64,
        /// The event's type, for the delivery log.
        event_type: String,
        /// The JSON body, made once so that every retry signs the same bytes.
        body: String,
    },
    /// Tell one recipient about one event (`services::notifications`).
    Notify {
        /// What, to whom, how.
        notice: Notice,
    },
    /// Email an inbound message to its inbox's forwarding address.
    ForwardMessage {
        /// The inbound message.
        message_id: MessageId,
        /// The address, as the inbox said when the message came in.
        to: String,
    },
    /// Rewrite the Slack messages showing a conversation with its state now.
    UpdateSlackMessages {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// Recompute a conversation's SLA due time after a change.
    SlaRefresh {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// Record that a conversation missed its SLA due time (once per due time).
    SlaBreach {
        /// The conversation.
        conversation_id: ConversationId,
        /// The due time this job watches; a later refresh replaces the job.
        due_at: domain::Timestamp,
    },
    /// Answer an inbound message with its inbox's out-of-office reply.
    AutoReply {
        /// The inbound message.
        message_id: MessageId,
    },
    /// Give a conversation that entered the Unassigned queue to a member by
    /// its inbox's policy (`services::assignment`).
    AutoAssign {
        /// The conversation.
        conversation_id: ConversationId,
        /// Who just returned it, not to be given it back.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        skip_user: Option<UserId>,
    },
    /// A member's capacity freed in a balanced inbox: give them the oldest
    /// waiting conversation.
    FillFreedCapacity {
        /// The workspace.
        workspace_id: WorkspaceId,
        /// The inbox.
        inbox_id: InboxId,
        /// The member.
        user_id: UserId,
        /// The conversation they just returned, not to be given back.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        skip: Option<ConversationId>,
    },
    /// Hand the inbox's waiting conversations out by its policy, oldest
    /// first, while someone has room: after a member came back from away or
    /// the inbox turned automatic (`services::assignment`).
    HandOutWaiting {
        /// The workspace.
        workspace_id: WorkspaceId,
        /// The inbox.
        inbox_id: InboxId,
    },
    /// Delete a Slack notification (its Hide button).
    HideSlackMessage {
        /// The workspace whose Slack connection posted it.
        workspace_id: WorkspaceId,
        /// The Slack channel.
        channel: String,
        /// The message's `ts`.
        ts: String,
    },
    /// Give a new inbox its own Slack channel as its notification target.
    CreateInboxChannel {
        /// The inbox.
        inbox_id: InboxId,
    },
    /// Release a scheduled reply at its `send_at` (`services::scheduled`);
    /// does nothing when it was edited to a later time, cancelled or sent.
    SendScheduled {
        /// The scheduled reply.
        message_id: MessageId,
    },
    /// The customer wrote: cancel the conversation's replies scheduled
    /// before that, if its inbox says so.
    CancelScheduled {
        /// The conversation.
        conversation_id: ConversationId,
        /// When the customer's message came in.
        inbound_at: domain::Timestamp,
    },
}

impl Job {
    /// The stored kind (the serde tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DeliverMessage { .. } => "deliver_message",
            Self::WakeConversation { .. } => "wake_conversation",
            Self::DeliverWebhook { .. } => "deliver_webhook",
            Self::ForwardMessage { .. } => "forward_message",
            Self::Notify { .. } => "notify",
            Self::UpdateSlackMessages { .. } => "update_slack_messages",
            Self::HideSlackMessage { .. } => "hide_slack_message",
            Self::CreateInboxChannel { .. } => "create_inbox_channel",
            Self::AutoReply { .. } => "auto_reply",
            Self::AutoAssign { .. } => "auto_assign",
            Self::FillFreedCapacity { .. } => "fill_freed_capacity",
            Self::HandOutWaiting { .. } => "hand_out_waiting",
            Self::SlaRefresh { .. } => "sla_refresh",
            Self::SlaBreach { .. } => "sla_breach",
            Self::SendScheduled { .. } => "send_scheduled",
            Self::CancelScheduled { .. } => "cancel_scheduled",
        }
    }

    /// The row to enqueue for this job, due at `run_at`.
    pub fn to_new(&self, run_at: domain::Timestamp) -> NewJob {
        let payload = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        let job = NewJob::new(self.kind(), payload, run_at);
        match self {
            Self::DeliverMessage { .. } | Self::ForwardMessage { .. } => job,
            Self::WakeConversation { conversation_id } => {
                job.with_conversation(conversation_id.clone())
            }
            // Svix's schedule: about a day from the first try to the last.
            Self::DeliverWebhook { .. } => job.with_max_attempts(super::webhook::ATTEMPTS),
            Self::Notify { .. } => job,
            Self::UpdateSlackMessages { conversation_id }
            | Self::SlaRefresh { conversation_id }
            | Self::SlaBreach {
                conversation_id, ..
            }
            | Self::AutoAssign {
                conversation_id, ..
            }
            | Self::CancelScheduled {
                conversation_id, ..
            } => job.with_conversation(conversation_id.clone()),
            Self::HideSlackMessage { .. }
            | Self::CreateInboxChannel { .. }
            | Self::AutoReply { .. }
            | Self::FillFreedCapacity { .. }
            | Self::HandOutWaiting { .. }
            | Self::SendScheduled { .. } => job,
        }
    }

    /// Reads a stored job. Payloads written before the tag was stored in
    /// them carry it only in the `kind` column; both read the same. One that
    /// does not parse never will.
    pub fn from_stored(stored: &store::jobs::Job) -> Result<Self, JobError> {
        let mut payload = stored.payload.clone();
        if let Some(object) = payload.as_object_mut() {
            object
                .entry("kind")
                .or_insert_with(|| serde_json::Value::String(stored.kind.clone()));
        }
        serde_json::from_value(payload)
            .map_err(|e| JobError::Fail(format!("unreadable {} job: {e}", stored.kind)))
    }

    /// Does the work once.
    pub async fn run(&self, state: &AppState, attempt: Attempt) -> Result<(), JobError> {
        match self {
            Self::DeliverMessage { message_id } => {
                super::deliver::run(state, message_id, attempt).await
            }
            Self::WakeConversation { conversation_id } => {
                Ok(services::jobs::wake(state, conversation_id).await?)
            }
            Self::DeliverWebhook {
                endpoint_id,
                event_seq,
                event_type,
                body,
            } => {
                let delivery = super::webhook::Delivery {
                    endpoint_id,
                    event_seq: *event_seq,
                    event_type,
                    body,
                };
                super::webhook::run(state, delivery, attempt).await
            }
            Self::ForwardMessage { message_id, to } => {
                super::email::forward(state, message_id, to).await
            }
            Self::Notify { notice } => super::notify::run(state, notice).await,
            Self::UpdateSlackMessages { conversation_id } => {
                notifications::slack::refresh(state, conversation_id).await
            }
            Self::HideSlackMessage {
                workspace_id,
                channel,
                ts,
            } => notifications::slack::hide(state, workspace_id, channel, ts).await,
            Self::CreateInboxChannel { inbox_id } => {
                notifications::slack::inbox_channel::create(state, inbox_id).await
            }
            Self::SlaRefresh { conversation_id } => {
                Ok(services::sla::refresh(state, conversation_id).await?)
            }
            Self::SendScheduled { message_id } => {
                Ok(services::scheduled::release(state, message_id).await?)
            }
            Self::CancelScheduled {
                conversation_id,
                inbound_at,
            } => Ok(
                services::scheduled::cancel_for_customer(state, conversation_id, *inbound_at)
                    .await?,
            ),
            Self::SlaBreach {
                conversation_id,
                due_at,
            } => Ok(services::sla::breach(state, conversation_id, *due_at).await?),
            Self::AutoReply { message_id } => {
                if let Err(skipped) = services::auto_reply::answer(state, message_id).await? {
                    tracing::debug!(%message_id, ?skipped, "no out-of-office reply");
                }
                Ok(())
            }
            Self::AutoAssign {
                conversation_id,
                skip_user,
            } => Ok(services::assignment::assign_waiting(
                state,
                conversation_id,
                skip_user.as_ref(),
            )
            .await?),
            Self::FillFreedCapacity {
                workspace_id,
                inbox_id,
                user_id,
                skip,
            } => Ok(services::assignment::fill_freed_capacity(
                state,
                workspace_id,
                inbox_id,
                user_id,
                skip.as_ref(),
            )
            .await?),
            Self::HandOutWaiting {
                workspace_id,
                inbox_id,
            } => Ok(services::assignment::hand_out_waiting(state, workspace_id, inbox_id).await?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::ServiceError;

    fn stored(kind: &str, payload: serde_json::Value) -> store::jobs::Job {
        let now = chrono::Utc::now();
        store::jobs::Job {
            id: "j".into(),
            kind: kind.into(),
            payload,
            conversation_id: None,
            workspace_id: None,
            dedupe_key: None,
            status: store::jobs::JobStatus::Pending,
            run_at: now,
            attempts: 1,
            max_attempts: 3,
            locked_until: None,
            last_error: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_job_reads_back_as_it_was_written_and_so_do_older_untagged_rows() {
        let job = Job::DeliverWebhook {
            endpoint_id: "e1".into(),
            event_seq: 7,
            event_type: "message".into(),
            body: "{}".into(),
        };
        let new = job.to_new(chrono::Utc::now());
        assert_eq!(new.kind, "deliver_webhook");
        assert_eq!(Job::from_stored(&stored(&new.kind, new.payload)), Ok(job));
        let id = ConversationId::generate();
        let old = stored(
            "wake_conversation",
            serde_json::json!({ "conversation_id": id }),
        );
        assert_eq!(
            Job::from_stored(&old),
            Ok(Job::WakeConversation {
                conversation_id: id
            })
        );
    }

    #[test]
    fn an_unknown_kind_is_given_up_not_retried() {
        let unknown = stored("launch_rockets", serde_json::json!({}));
        assert!(matches!(Job::from_stored(&unknown), Err(JobError::Fail(_))));
    }

    #[test]
    fn refusals_fail_and_outages_retry() {
        let denied: JobError = ServiceError::denied("no").into();
        assert!(matches!(denied, JobError::Fail(_)));
        let down: JobError = ServiceError::unavailable("x", "down", "timeout").into();
        assert!(matches!(down, JobError::Retry { .. }));
    }
}

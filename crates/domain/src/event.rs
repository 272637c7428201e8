//! Events: the append-only record of every change to a conversation.

use serde::{Deserialize, Serialize};

use crate::{
    ConversationId, InboxId, LinkId, MessageId, MessageKind, Priority, Status, Tag, Timestamp,
    UserId, WorkspaceId,
};

/// One change, as stored and streamed. The timeline, the live stream, the
/// audit log and the reports are all read from these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the workspace's stream; SSE `id:` and `Last-Event-ID`.
    pub seq: i64,
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The inbox, which decides who may see the event.
    pub inbox_id: InboxId,
    /// The conversation it concerns.
    pub conversation_id: ConversationId,
    /// Who did it; `None` for the customer or the system.
    pub actor_id: Option<UserId>,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub created_at: Timestamp,
}

/// What happened, with what the timeline needs to say it in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The conversation was created (by an inbound message or a compose).
    Created {
        /// The closed conversation it continues.
        previous_id: Option<ConversationId>,
    },
    /// A message or note was added.
    Message {
        /// The message.
        message_id: MessageId,
        /// Its kind.
        message_kind: MessageKind,
    },
    /// Someone took it or an admin gave it to someone, from the Unassigned queue.
    Assigned {
        /// The new assignee.
        assignee_id: UserId,
        /// The inbox's auto-assignment mode that chose them; absent when a
        /// person assigned it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        auto: Option<crate::AssignmentMode>,
    },
    /// Moved from one assignee to another.
    Transferred {
        /// The previous assignee.
        from_id: UserId,
        /// The new assignee.
        to_id: UserId,
    },
    /// Put back in the Unassigned queue.
    Returned {
        /// The previous assignee.
        from_id: UserId,
    },
    /// The status changed.
    StatusChanged {
        /// Before.
        from: Status,
        /// After.
        to: Status,
        /// Until when, for `snoozed`.
        snoozed_until: Option<Timestamp>,
    },
    /// The priority changed.
    PriorityChanged {
        /// Before.
        from: Priority,
        /// After.
        to: Priority,
    },
    /// The subject changed.
    SubjectChanged {
        /// After.
        subject: Option<String>,
    },
    /// The tags changed.
    TagsChanged {
        /// The whole new set.
        tags: Vec<Tag>,
    },
    /// A CRM link was added.
    Linked {
        /// The link.
        link_id: LinkId,
    },
    /// A CRM link was removed.
    Unlinked {
        /// The link.
        link_id: LinkId,
    },
    /// A message's delivery status moved forward.
    Delivery {
        /// The message.
        message_id: MessageId,
        /// The new status.
        status: crate::DeliveryStatus,
    },
    /// Someone took the reply lock.
    Locked {
        /// The holder.
        holder_id: UserId,
    },
    /// The reply lock was released or expired.
    Unlocked,
    /// A voice call came in and was forwarded.
    Call {
        /// Where it was forwarded to.
        forwarded_to: Option<String>,
    },
    /// The conversation passed its SLA due time without the reply or the
    /// resolution it was due (recorded once per due time).
    SlaBreached {
        /// The due time that passed.
        due_at: Timestamp,
    },
    /// A reply was written to be sent later. It becomes a `message` event
    /// when it goes.
    MessageScheduled {
        /// The scheduled reply.
        message_id: MessageId,
        /// When it is due to go.
        send_at: Timestamp,
    },
    /// A scheduled reply's text or time changed before it went.
    ScheduledMessageEdited {
        /// The scheduled reply.
        message_id: MessageId,
        /// When it is due to go now.
        send_at: Timestamp,
    },
    /// A scheduled reply was cancelled before it went.
    ScheduledMessageCancelled {
        /// The scheduled reply.
        message_id: MessageId,
        /// Cancelled by a person, or because the customer wrote first.
        reason: crate::CancelReason,
    },
}

impl EventKind {
    /// Every kind's [`name`](EventKind::name), in declaration order.
    pub const NAMES: &'static [&'static str] = &[
        "created",
        "message",
        "assigned",
        "transferred",
        "returned",
        "status_changed",
        "priority_changed",
        "subject_changed",
        "tags_changed",
        "linked",
        "unlinked",
        "delivery",
        "locked",
        "unlocked",
        "call",
        "sla_breached",
        "message_scheduled",
        "scheduled_message_edited",
        "scheduled_message_cancelled",
    ];

    /// The stable word for this kind: the SSE `event:` field and the `type` of its JSON.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Created { .. } => "created",
            EventKind::Message { .. } => "message",
            EventKind::Assigned { .. } => "assigned",
            EventKind::Transferred { .. } => "transferred",
            EventKind::Returned { .. } => "returned",
            EventKind::StatusChanged { .. } => "status_changed",
            EventKind::PriorityChanged { .. } => "priority_changed",
            EventKind::SubjectChanged { .. } => "subject_changed",
            EventKind::TagsChanged { .. } => "tags_changed",
            EventKind::Linked { .. } => "linked",
            EventKind::Unlinked { .. } => "unlinked",
            EventKind::Delivery { .. } => "delivery",
            EventKind::Locked { .. } => "locked",
            EventKind::Unlocked => "unlocked",
            EventKind::Call { .. } => "call",
            EventKind::SlaBreached { .. } => "sla_breached",
            EventKind::MessageScheduled { .. } => "message_scheduled",
            EventKind::ScheduledMessageEdited { .. } => "scheduled_message_edited",
            EventKind::ScheduledMessageCancelled { .. } => "scheduled_message_cancelled",
        }
    }
}

/// An event before the store gives it its sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// The inbox.
    pub inbox_id: InboxId,
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Who did it.
    pub actor_id: Option<UserId>,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_kind_is_named_as_its_json_type() {
        let id = crate::UserId::generate();
        let kinds = [
            EventKind::Created { previous_id: None },
            EventKind::Assigned {
                assignee_id: id.clone(),
                auto: None,
            },
            EventKind::Returned {
                from_id: id.clone(),
            },
            EventKind::StatusChanged {
                from: crate::Status::New,
                to: crate::Status::Open,
                snoozed_until: None,
            },
            EventKind::TagsChanged { tags: Vec::new() },
            EventKind::Locked { holder_id: id },
            EventKind::Unlocked,
            EventKind::Call { forwarded_to: None },
            EventKind::ScheduledMessageCancelled {
                message_id: crate::MessageId::generate(),
                reason: crate::CancelReason::CustomerWrote,
            },
        ];
        for kind in kinds {
            let json = serde_json::to_value(&kind).unwrap();
            assert_eq!(json["type"], kind.name());
        }
    }
}

//! The buttons: assign, transfer, return, done, reopen, snooze, status,
//! priority, subject, tags. Each is one [`change`] with its permission.

use domain::{
    Action, Conversation, ConversationId, Event, EventKind, InboxId, Priority, Status, Tag,
    Timestamp, Trigger, UserId, WorkspaceId,
};

use super::{apply_trigger, change, Change};
use crate::services::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// "Assign to me": an agent takes an unassigned conversation; admins take any.
pub async fn assign_to_me(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<Conversation, ServiceError> {
    let me = who.user.id.clone();
    change(state, who, id, Action::AssignToMe, move |c, now| {
        reassign(c, Some(me.clone()), now)
    })
    .await
}

/// "Transfer": hand a conversation to another member of its inbox.
pub async fn transfer(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    to: &UserId,
) -> Result<Conversation, ServiceError> {
    let target_is_member =
        is_member_of_conversation_inbox(state, who, id, Action::SeeInbox, to).await?;
    change(
        state,
        who,
        id,
        Action::Transfer { target_is_member },
        |c, now| reassign(c, Some(to.clone()), now),
    )
    .await
}

/// "Return to inbox": put it back in the Unassigned queue.
pub async fn return_to_inbox(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<Conversation, ServiceError> {
    change(state, who, id, Action::ReturnToInbox, |c, now| {
        reassign(c, None, now)
    })
    .await
}

/// Puts every conversation `user` is assigned (in `inbox`, or anywhere in
/// the workspace when `None`) back in the Unassigned queue, as `actor`'s
/// "return to inbox", inside the caller's transaction: when someone leaves
/// an inbox or the workspace, no customer is left waiting on a person who
/// can no longer see them. Returns the events to publish after commit.
pub(crate) async fn return_all_to_inbox(
    tx: &mut store::Tx<'_>,
    workspace: &WorkspaceId,
    inbox: Option<&InboxId>,
    user: &UserId,
    actor: &UserId,
    now: Timestamp,
) -> Result<Vec<Event>, ServiceError> {
    let assigned =
        store::conversations::assigned_to(&mut tx.conn(), workspace, inbox, user).await?;
    let mut events = Vec::new();
    for current in assigned {
        let mut next = current.clone();
        let change = reassign(&mut next, None, now)?;
        if change.events.is_empty() {
            continue;
        }
        let written = store::conversations::update(
            tx,
            &next,
            current.version,
            Some(actor),
            now,
            change.events,
        )
        .await?;
        events.extend(written);
    }
    Ok(events)
}

/// The admin's "assign": to any member of the inbox, or to nobody.
pub async fn assign(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    to: Option<&UserId>,
) -> Result<Conversation, ServiceError> {
    if let Some(to) = to {
        // An agent is refused (403) before learning anything about the target.
        if !is_member_of_conversation_inbox(state, who, id, Action::Assign, to).await? {
            return Err(ServiceError::invalid(
                "validation",
                "the user is not a member of this inbox",
            ));
        }
    }
    change(state, who, id, Action::Assign, |c, now| {
        reassign(c, to.cloned(), now)
    })
    .await
}

/// Sets the assignee and says how: assigned, transferred or returned.
fn reassign(
    c: &mut Conversation,
    to: Option<UserId>,
    now: Timestamp,
) -> Result<Change, ServiceError> {
    if c.assignee_id == to {
        return Ok(Change::default());
    }
    let event = match (c.assignee_id.take(), &to) {
        (None, Some(to)) => EventKind::Assigned {
            assignee_id: to.clone(),
            auto: None,
        },
        (Some(from), Some(to)) => EventKind::Transferred {
            from_id: from,
            to_id: to.clone(),
        },
        (Some(from), None) => EventKind::Returned { from_id: from },
        (None, None) => return Ok(Change::default()),
    };
    c.assignee_id = to;
    let status = apply_trigger(c, Trigger::AgentActivity, now, None)?;
    Ok(Change {
        events: vec![event],
    }
    .event(status))
}

/// Whether `user` may hold conversation `id`: a member of its inbox, or an
/// admin or owner of the workspace, who count as members of every inbox
/// for this (DESIGN.md §3), as they do for assign-to-me.
async fn is_member_of_conversation_inbox(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    action: Action,
    user: &UserId,
) -> Result<bool, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let (conversation, _) = access::conversation(&mut conn, who, id, action).await?;
    let role = store::workspaces::role_of(&mut conn, &who.workspace_id, user).await?;
    if role.is_some_and(|role| role.is_admin()) {
        return Ok(true);
    }
    Ok(store::inboxes::is_member(&mut conn, &conversation.inbox_id, user).await?)
}

/// "Mark as done".
pub async fn mark_done(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<Conversation, ServiceError> {
    set_status_by(state, who, id, Trigger::MarkDone, None).await
}

/// "Reopen".
pub async fn reopen(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<Conversation, ServiceError> {
    set_status_by(state, who, id, Trigger::Reopen, None).await
}

/// An explicit status (`open`, `pending`, `on_hold`, `resolved`, `closed`).
pub async fn set_status(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    status: Status,
) -> Result<Conversation, ServiceError> {
    set_status_by(state, who, id, Trigger::SetStatus(status), None).await
}

/// "Snooze" until a time in the future; a durable job wakes it.
pub async fn snooze(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    until: Timestamp,
) -> Result<Conversation, ServiceError> {
    if until <= state.clock.now() {
        return Err(ServiceError::invalid(
            "validation",
            "until: must be in the future",
        ));
    }
    set_status_by(state, who, id, Trigger::Snooze, Some(until)).await
}

async fn set_status_by(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    trigger: Trigger,
    snoozed_until: Option<Timestamp>,
) -> Result<Conversation, ServiceError> {
    change(state, who, id, Action::ChangeStatus, |c, now| {
        let status = apply_trigger(c, trigger, now, snoozed_until)?;
        Ok(Change::default().event(status))
    })
    .await
}

/// Priority.
pub async fn set_priority(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    priority: Priority,
) -> Result<Conversation, ServiceError> {
    change(state, who, id, Action::ChangeStatus, |c, now| {
        if c.priority == priority {
            return Ok(Change::default());
        }
        let from = std::mem::replace(&mut c.priority, priority);
        let status = apply_trigger(c, Trigger::AgentActivity, now, None)?;
        Ok(Change {
            events: vec![EventKind::PriorityChanged { from, to: priority }],
        }
        .event(status))
    })
    .await
}

/// Subject line (empty clears it).
pub async fn set_subject(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    subject: Option<String>,
) -> Result<Conversation, ServiceError> {
    change(state, who, id, Action::Reply, |c, now| {
        if c.subject == subject {
            return Ok(Change::default());
        }
        c.subject = subject.clone();
        // Agent activity: `new` becomes `open`, and a closed one refuses.
        let status = apply_trigger(c, Trigger::AgentActivity, now, None)?;
        Ok(Change {
            events: vec![EventKind::SubjectChanged {
                subject: subject.clone(),
            }],
        }
        .event(status))
    })
    .await
}

/// Replaces the tags.
pub async fn set_tags(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    tags: Vec<Tag>,
) -> Result<Conversation, ServiceError> {
    change(state, who, id, Action::Reply, |c, now| {
        if c.tags == tags {
            return Ok(Change::default());
        }
        c.tags = tags.clone();
        let status = apply_trigger(c, Trigger::AgentActivity, now, None)?;
        Ok(Change {
            events: vec![EventKind::TagsChanged { tags: tags.clone() }],
        }
        .event(status))
    })
    .await
}

/// What `PATCH /conversations/{id}` changes: each field only when given.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    /// A new subject; `Some(None)` clears it.
    pub subject: Option<Option<String>>,
    /// A new priority.
    pub priority: Option<Priority>,
}

/// Changes the subject and/or the priority in one change. The priority is
/// governed like a status change (agents: unassigned or theirs); the subject
/// like a note.
pub async fn edit(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    edit: Edit,
) -> Result<Conversation, ServiceError> {
    let action = if edit.priority.is_some() {
        Action::ChangeStatus
    } else {
        Action::Reply
    };
    change(state, who, id, action, |c, now| {
        let mut events = Vec::new();
        if let Some(subject) = edit.subject.clone().filter(|s| *s != c.subject) {
            c.subject = subject.clone();
            events.push(EventKind::SubjectChanged { subject });
        }
        if let Some(priority) = edit.priority.filter(|p| *p != c.priority) {
            let from = std::mem::replace(&mut c.priority, priority);
            events.push(EventKind::PriorityChanged { from, to: priority });
        }
        if events.is_empty() {
            return Ok(Change::default());
        }
        let status = apply_trigger(c, Trigger::AgentActivity, now, None)?;
        Ok(Change { events }.event(status))
    })
    .await
}

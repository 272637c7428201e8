//! The permission table of DESIGN.md §3 as one pure function.

use thiserror::Error;

use crate::text::Word;
use crate::{Registration, Role, UserId};

/// Who is asking.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The user.
    pub user_id: &'a UserId,
    /// Their role in the workspace the subject belongs to.
    pub role: Role,
}

/// What the action is about: an inbox (with the actor's membership) and,
/// for conversation actions, the conversation's assignee.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Whether the actor is a member of the inbox; `None` for workspace-wide actions.
    pub inbox_member: Option<bool>,
    /// The inbox's carrier registration: agents do not see an inbox until it is approved.
    pub registration: Registration,
    /// The conversation's assignee, for conversation actions.
    pub assignee: Option<&'a UserId>,
}

impl<'a> Subject<'a> {
    /// A workspace-wide subject (members, new inboxes, contacts).
    pub fn workspace() -> Self {
        Self {
            inbox_member: None,
            registration: Registration::Approved,
            assignee: None,
        }
    }

    /// An inbox, seen by someone who is or is not its member.
    pub fn inbox(member: bool, registration: Registration) -> Self {
        Self {
            inbox_member: Some(member),
            registration,
            assignee: None,
        }
    }

    /// A conversation in an inbox.
    pub fn conversation(
        member: bool,
        registration: Registration,
        assignee: Option<&'a UserId>,
    ) -> Self {
        Self {
            inbox_member: Some(member),
            registration,
            assignee,
        }
    }
}

/// Everything the table of §3 governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See an inbox and its conversations, read timelines, move one's read cursor.
    SeeInbox,
    /// Reply to the customer or write a note; take the reply lock; tags, subject, links.
    Reply,
    /// Assign to me.
    AssignToMe,
    /// Transfer to another member; `target_is_member` says whether the target belongs to the inbox.
    Transfer {
        /// Whether the user it goes to is a member of the inbox.
        target_is_member: bool,
    },
    /// Return to inbox (unassign).
    ReturnToInbox,
    /// Assign to anyone or to nobody (the admin's `assign`).
    Assign,
    /// Mark done, reopen, snooze, set status or priority.
    ChangeStatus,
    /// Rename the inbox, change its emoji or colour.
    EditInboxAppearance,
    /// Mute the inbox or reorder it, for oneself.
    PersonaliseInbox,
    /// Unread mode, members, routing, forwarding, out-of-office, channels, registration.
    ManageInboxPolicy,
    /// Delete the inbox and everything in it.
    DeleteInbox,
    /// Create an inbox.
    CreateInbox,
    /// Add, change or remove a workspace member holding `target_role` (before or after the change).
    ManageMember {
        /// The highest role involved.
        target_role: Role,
    },
    /// See and edit contacts, compose new conversations in the inboxes one belongs to.
    UseWorkspace,
    /// Outgoing webhooks and the background jobs' list: admins.
    ManageIntegrations,
}

/// Why an action is refused. Each maps to one HTTP status and `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Denied {
    /// The actor may not know the inbox exists: answer 404.
    #[error("not found")]
    NotVisible,
    /// The action needs a higher role: answer 403.
    #[error("this needs the {} role", .0.as_str())]
    NeedsRole(Role),
    /// An agent tried to take a conversation someone else holds: answer 409 `conflict_assigned`.
    #[error("the conversation is assigned to someone else")]
    AssignedToSomeoneElse,
    /// An agent tried to act on a conversation that is not theirs: answer 403.
    #[error("only the assignee or an admin can do this")]
    NotYours,
    /// A transfer to someone outside the inbox: answer 422.
    #[error("the user is not a member of this inbox")]
    TargetNotMember,
}

/// Decides whether `actor` may do `action` on `subject` (DESIGN.md §3).
pub fn authorize(actor: Actor<'_>, subject: Subject<'_>, action: Action) -> Result<(), Denied> {
    let admin = actor.role.is_admin();
    // Visibility first: a non-member agent learns nothing about the inbox.
    if let Some(member) = subject.inbox_member {
        let visible = admin || (member && subject.registration == Registration::Approved);
        if !visible {
            return Err(Denied::NotVisible);
        }
    }
    let mine = subject.assignee == Some(actor.user_id);
    let unassigned = subject.assignee.is_none();
    let needs = |role: Role| {
        if actor.role >= role {
            Ok(())
        } else {
            Err(Denied::NeedsRole(role))
        }
    };
    match action {
        Action::SeeInbox
        | Action::Reply
        | Action::EditInboxAppearance
        | Action::PersonaliseInbox
        | Action::UseWorkspace => Ok(()),
        Action::AssignToMe if admin || unassigned || mine => Ok(()),
        Action::AssignToMe => Err(Denied::AssignedToSomeoneElse),
        Action::Transfer { target_is_member } => {
            if !admin && !mine {
                Err(Denied::NotYours)
            } else if !target_is_member {
                Err(Denied::TargetNotMember)
            } else {
                Ok(())
            }
        }
        Action::ReturnToInbox if admin || mine => Ok(()),
        Action::ReturnToInbox => Err(Denied::NotYours),
        Action::ChangeStatus if admin || unassigned || mine => Ok(()),
        Action::ChangeStatus => Err(Denied::NotYours),
        Action::Assign
        | Action::ManageInboxPolicy
        | Action::CreateInbox
        | Action::ManageIntegrations => needs(Role::Admin),
        Action::DeleteInbox => needs(Role::Owner),
        // Only an owner makes, changes or removes an owner; the refusal names
        // the role that would suffice, not one that would not.
        Action::ManageMember {
            target_role: Role::Owner,
        } => needs(Role::Owner),
        Action::ManageMember { .. } => needs(Role::Admin),
    }
}

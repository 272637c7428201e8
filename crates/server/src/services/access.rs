//! Who is asking, and what they may see: loading what DESIGN.md §3's one
//! permission function needs and asking it.

use domain::{
    authorize, Action, Actor, Conversation, ConversationId, Inbox, InboxId, Role, Subject, User,
    WorkspaceId,
};
use store::{Conn, InboxScope};

use crate::services::ServiceError;

/// The caller inside one workspace: the user and their role there.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user.
    pub user: User,
    /// The workspace named in the path.
    pub workspace_id: WorkspaceId,
    /// Their role in it.
    pub role: Role,
}

impl Principal {
    /// As the permission function wants it.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            user_id: &self.user.id,
            role: self.role,
        }
    }

    /// Checks a workspace-wide action (create an inbox, manage members).
    pub fn may(&self, action: Action) -> Result<(), ServiceError> {
        Ok(authorize(self.actor(), Subject::workspace(), action)?)
    }
}

/// Loads an inbox of the caller's workspace and checks `action` on it.
/// An inbox the caller may not see is "not found", never "forbidden".
pub async fn inbox(
    conn: &mut Conn<'_>,
    who: &Principal,
    id: &InboxId,
    action: Action,
) -> Result<Inbox, ServiceError> {
    let inbox = store::inboxes::get(conn, id)
        .await?
        .filter(|i| i.workspace_id == who.workspace_id)
        .ok_or_else(|| ServiceError::not_found("no such inbox"))?;
    let member = store::inboxes::is_member(conn, id, &who.user.id).await?;
    authorize(
        who.actor(),
        Subject::inbox(member, inbox.registration),
        action,
    )?;
    Ok(inbox)
}

/// Loads a conversation of the caller's workspace with its inbox and checks
/// `action` on it.
pub async fn conversation(
    conn: &mut Conn<'_>,
    who: &Principal,
    id: &ConversationId,
    action: Action,
) -> Result<(Conversation, Inbox), ServiceError> {
    let conversation = store::conversations::get(conn, id)
        .await?
        .filter(|c| c.workspace_id == who.workspace_id)
        .ok_or_else(|| ServiceError::not_found("no such conversation"))?;
    let inbox = store::inboxes::get(conn, &conversation.inbox_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("no such conversation"))?;
    let member = store::inboxes::is_member(conn, &inbox.id, &who.user.id).await?;
    authorize(
        who.actor(),
        Subject::conversation(
            member,
            inbox.registration,
            conversation.assignee_id.as_ref(),
        ),
        action,
    )?;
    Ok((conversation, inbox))
}

/// The inboxes whose conversations and events the caller may see.
pub async fn scope(conn: &mut Conn<'_>, who: &Principal) -> Result<InboxScope, ServiceError> {
    if who.role.is_admin() {
        return Ok(InboxScope::All);
    }
    let visible = store::inboxes::visible_to(conn, &who.workspace_id, &who.user.id, false).await?;
    Ok(InboxScope::Only(
        visible
            .into_iter()
            .filter(|v| v.member && v.inbox.registration == domain::Registration::Approved)
            .map(|v| v.inbox.id)
            .collect(),
    ))
}

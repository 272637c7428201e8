//! Canned replies as agents use them: list what one may insert (the
//! workspace's shared replies and one's own), filled in for a conversation;
//! save, change and remove them. Shared replies are the admins' to manage;
//! a personal one is its owner's alone (others are told it does not exist).

use domain::canned::Fill;
use domain::{Action, CannedReply, CannedReplyId, ConversationId};

use super::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// Most replies one list answers.
pub const MAX_LISTED: u32 = 200;
const NO_SUCH_REPLY: &str = "no such canned reply";

/// A reply as one agent sees it, filled in when a conversation was given.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The reply.
    pub reply: CannedReply,
    /// Its body with the placeholders filled, for a conversation.
    pub rendered: Option<String>,
}

/// What a new reply or a change says.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Shared with the workspace (admins) or the caller's own.
    pub shared: bool,
    /// The shortcut.
    pub shortcut: Option<String>,
    /// The body.
    pub body: Option<String>,
}

/// The replies `who` may insert whose shortcut starts with `prefix`; filled
/// in for `conversation` when given (which the caller must be able to see).
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn list(
    state: &AppState,
    who: &Principal,
    prefix: &str,
    conversation: Option<&ConversationId>,
) -> Result<Vec<Listed>, ServiceError> {
    who.may(Action::UseWorkspace)?;
    let prefix = if prefix.trim().is_empty() {
        String::new()
    } else {
        CannedReply::parse_shortcut(prefix)?
    };
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let fill = match conversation {
        Some(id) => {
            let (conversation, inbox) =
                access::conversation(&mut conn, who, id, Action::SeeInbox).await?;
            let contact = store::contacts::get(&mut conn, &conversation.contact_id).await?;
            Some(Fill {
                contact_name: contact.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                contact_phone: contact
                    .and_then(|c| c.phone)
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                agent_name: who.user.name.clone(),
                inbox_name: inbox.name,
            })
        }
        None => None,
    };
    let replies = store::canned::visible_to(
        &mut conn,
        &who.workspace_id,
        &who.user.id,
        &prefix,
        MAX_LISTED,
    )
    .await?;
    Ok(replies
        .into_iter()
        .map(|reply| Listed {
            rendered: fill.as_ref().map(|f| reply.render(f)),
            reply,
        })
        .collect())
}

/// Saves a new reply.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn create(
    state: &AppState,
    who: &Principal,
    draft: Draft,
) -> Result<CannedReply, ServiceError> {
    who.may(if draft.shared {
        Action::ManageIntegrations
    } else {
        Action::UseWorkspace
    })?;
    let shortcut = CannedReply::parse_shortcut(draft.shortcut.as_deref().unwrap_or(""))?;
    let body = CannedReply::parse_body(draft.body.as_deref().unwrap_or(""))?;
    let now = state.clock.now();
    let reply = CannedReply {
        id: CannedReplyId::generate(),
        workspace_id: who.workspace_id.clone(),
        owner_id: (!draft.shared).then(|| who.user.id.clone()),
        shortcut,
        body,
        created_at: now,
        updated_at: now,
    };
    let mut tx = state.store.begin().await?;
    store::canned::create(&mut tx, &reply)
        .await
        .map_err(taken(&reply.shortcut))?;
    tx.commit().await?;
    Ok(reply)
}

/// Changes a reply's shortcut or body (whichever the draft gives).
#[tracing::instrument(skip_all, fields(id = %id), err(level = "debug"))]
pub async fn update(
    state: &AppState,
    who: &Principal,
    id: &CannedReplyId,
    draft: Draft,
) -> Result<CannedReply, ServiceError> {
    let mut tx = state.store.begin().await?;
    let mut reply = editable(&mut tx.conn(), who, id).await?;
    if let Some(shortcut) = draft.shortcut.as_deref() {
        reply.shortcut = CannedReply::parse_shortcut(shortcut)?;
    }
    if let Some(body) = draft.body.as_deref() {
        reply.body = CannedReply::parse_body(body)?;
    }
    reply.updated_at = state.clock.now();
    store::canned::update(&mut tx, &reply)
        .await
        .map_err(taken(&reply.shortcut))?;
    tx.commit().await?;
    Ok(reply)
}

/// Removes a reply.
#[tracing::instrument(skip_all, fields(id = %id), err(level = "debug"))]
pub async fn delete(
    state: &AppState,
    who: &Principal,
    id: &CannedReplyId,
) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    editable(&mut tx.conn(), who, id).await?;
    store::canned::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// A reply `who` may change: a shared one for admins, their own for anyone.
async fn editable(
    conn: &mut store::Conn<'_>,
    who: &Principal,
    id: &CannedReplyId,
) -> Result<CannedReply, ServiceError> {
    let reply = store::canned::get(conn, id)
        .await?
        .filter(|r| r.workspace_id == who.workspace_id)
        .filter(|r| r.owner_id.is_none() || r.owner_id.as_ref() == Some(&who.user.id))
        .ok_or_else(|| ServiceError::not_found(NO_SUCH_REPLY))?;
    if reply.owner_id.is_none() {
        who.may(Action::ManageIntegrations)?;
    }
    Ok(reply)
}

fn taken(shortcut: &str) -> impl FnOnce(store::StoreError) -> ServiceError + '_ {
    move |error| match error {
        store::StoreError::Duplicate(_) => ServiceError::conflict(
            "shortcut_taken",
            format!("shortcut: /{shortcut} is already taken"),
        ),
        other => other.into(),
    }
}

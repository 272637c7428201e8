//! Links from a conversation to records in other systems (a CRM contact, a
//! ticket): added and removed with their events.

use domain::text::required_text;
use domain::{Action, ConversationId, Link, LinkId, LinkKind};

use crate::services::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// A link as a client asks for it, before it is checked.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// What it points at.
    pub kind: LinkKind,
    /// The record's id in the other system.
    pub external_id: String,
    /// Where to open it: http or https only.
    pub url: String,
    /// What to show; the external id when absent.
    pub title: Option<String>,
}

/// Adds a link to the conversation.
#[tracing::instrument(skip_all, fields(conversation = %id), err(level = "debug"))]
pub async fn add_link(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    new: NewLink,
) -> Result<Link, ServiceError> {
    let now = state.clock.now();
    let external_id = required_text("external_id", &new.external_id, 200)?;
    let url = Link::parse_url(&new.url)?;
    let title = match new.title.as_deref().map(str::trim) {
        None | Some("") => external_id.clone(),
        Some(title) => required_text("title", title, 200)?,
    };
    let mut reader = state.store.read().await?;
    let (conversation, _) =
        access::conversation(&mut reader.conn(), who, id, Action::Reply).await?;
    drop(reader);
    let link = Link {
        id: LinkId::generate(),
        conversation_id: conversation.id.clone(),
        kind: new.kind,
        external_id,
        url,
        title,
        created_at: now,
    };
    let mut tx = state.store.begin().await?;
    let event = store::links::add(&mut tx, &link, &conversation, Some(&who.user.id), now).await?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok(link)
}

/// Removes a link of the conversation; 404 when it has no such link.
#[tracing::instrument(skip_all, fields(conversation = %id, link = %link), err(level = "debug"))]
pub async fn remove_link(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    link: &LinkId,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let mut reader = state.store.read().await?;
    let (conversation, _) =
        access::conversation(&mut reader.conn(), who, id, Action::Reply).await?;
    drop(reader);
    let mut tx = state.store.begin().await?;
    let event = store::links::remove(&mut tx, &conversation, link, Some(&who.user.id), now)
        .await?
        .ok_or_else(|| ServiceError::not_found("no such link on this conversation"))?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok(())
}

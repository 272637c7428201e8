//! The conversation page: one conversation with everything shown beside it,
//! its timeline, and a message's permalink.

use std::time::Duration;

use domain::{
    Action, Contact, Conversation, ConversationId, Inbox, Link, Message, MessageId, Status,
    Timestamp, UserId,
};
use store::messages::TimelineItem;
use store::{Conn, Page};

use crate::services::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::{ErrorKind, ServiceError};

/// How long opening a conversation marks the caller as viewing it; the
/// client renews it by reading the conversation again.
pub const PRESENCE_LEASE: Duration = Duration::from_secs(60);

/// A conversation as its page shows it.
#[derive(Debug, Clone)]
pub struct Detail {
    /// The conversation.
    pub conversation: Conversation,
    /// Its inbox.
    pub inbox: Inbox,
    /// The customer.
    pub contact: Contact,
    /// Its CRM links, oldest first.
    pub links: Vec<Link>,
    /// Who holds the reply lock, while the lease is live.
    pub lock: Option<LockHolder>,
    /// Who else has it open (the caller included), by id.
    pub viewers: Vec<Viewer>,
    /// Whether the customer wrote since the caller's (or the team's) read cursor.
    pub unread: bool,
    /// For a closed conversation: the one the customer's next message
    /// started, once there is one.
    pub follow_up: Option<ConversationId>,
}

/// The holder of a live reply lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// Who.
    pub id: UserId,
    /// Their name, for "Ana is replying".
    pub name: String,
    /// When the lease runs out unless renewed.
    pub expires_at: Timestamp,
}

/// Someone viewing a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Who.
    pub id: UserId,
    /// Their name.
    pub name: String,
}

/// Opens a conversation: marks the caller as viewing it (for
/// [`PRESENCE_LEASE`]) and reads what the page shows.
#[tracing::instrument(skip_all, fields(conversation = %id), err(level = "debug"))]
pub async fn get(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<Detail, ServiceError> {
    let now = state.clock.now();
    {
        let mut reader = state.store.read().await?;
        access::conversation(&mut reader.conn(), who, id, Action::SeeInbox).await?;
    }
    let mut tx = state.store.begin().await?;
    store::presence::touch(&mut tx, id, &who.user.id, now + PRESENCE_LEASE).await?;
    tx.commit().await?;

    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let (conversation, inbox) = access::conversation(&mut conn, who, id, Action::SeeInbox).await?;
    let contact = store::contacts::get(&mut conn, &conversation.contact_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("no such conversation"))?;
    let links = store::links::for_conversation(&mut conn, id).await?;
    let lock = match store::locks::current(&mut conn, id, now).await? {
        Some(lock) => Some(LockHolder {
            name: name_of(&mut conn, &lock.holder_id).await?,
            id: lock.holder_id,
            expires_at: lock.expires_at,
        }),
        None => None,
    };
    let mut viewers = Vec::new();
    for viewer in store::presence::viewers(&mut conn, id, now).await? {
        viewers.push(Viewer {
            name: name_of(&mut conn, &viewer).await?,
            id: viewer,
        });
    }
    let reader_cursor = store::cursors::reader_for(inbox.unread_mode, &who.user.id);
    let read_at = store::cursors::get(&mut conn, id, &reader_cursor).await?;
    let unread = conversation
        .last_inbound_at
        .is_some_and(|inbound| read_at.is_none_or(|read| inbound > read));
    let follow_up = if conversation.status == Status::Closed {
        store::conversations::follow_up(&mut conn, id)
            .await?
            .map(|next| next.id)
    } else {
        None
    };
    Ok(Detail {
        conversation,
        inbox,
        contact,
        links,
        lock,
        viewers,
        unread,
        follow_up,
    })
}

/// A user's display name; a user deleted since shows as empty.
pub(crate) async fn name_of(conn: &mut Conn<'_>, user: &UserId) -> Result<String, ServiceError> {
    Ok(store::users::get(conn, user)
        .await?
        .map(|u| u.name)
        .unwrap_or_default())
}

/// A page of the conversation's timeline: messages, notes and events in
/// order, at most `limit` after `cursor` (the previous page's `next_cursor`).
#[tracing::instrument(skip_all, fields(conversation = %id), err(level = "debug"))]
pub async fn timeline(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<TimelineItem>, ServiceError> {
    let after = match cursor {
        None => 0,
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|seq| *seq >= 0)
            .ok_or_else(|| {
                ServiceError::malformed("validation", "cursor: not a cursor this list gave out")
            })?,
    };
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    access::conversation(&mut conn, who, id, Action::SeeInbox).await?;
    // One more than asked for: its presence says whether a next page exists.
    let mut items = store::messages::timeline(&mut conn, id, after, limit + 1).await?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next_cursor = more
        .then(|| items.last().map(|item| item.event.seq.to_string()))
        .flatten();
    Ok(Page { items, next_cursor })
}

/// A message by id (its permalink) with its conversation; "not found" when
/// the caller may not see that conversation.
#[tracing::instrument(skip_all, fields(message = %id), err(level = "debug"))]
pub async fn message(
    state: &AppState,
    who: &Principal,
    id: &MessageId,
) -> Result<(Message, Conversation), ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let message = store::messages::get(&mut conn, id)
        .await?
        .ok_or_else(|| ServiceError::not_found("no such message"))?;
    let (conversation, _) =
        access::conversation(&mut conn, who, &message.conversation_id, Action::SeeInbox)
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::NotFound => ServiceError::not_found("no such message"),
                _ => error,
            })?;
    Ok((message, conversation))
}

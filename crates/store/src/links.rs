//! Links from a conversation to records in other systems (CRM, tickets).
//! Adding and removing one appends its event, like every conversation change.

use domain::event::NewEvent;
use domain::text::Word;
use domain::{Conversation, ConversationId, Event, EventKind, Id, Link, LinkId, LinkKind};
use domain::{Timestamp, UserId};

use crate::events::append;
use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

/// A `links` row as stored.
#[derive(Debug, sqlx::FromRow)]
struct LinkRow {
    id: String,
    conversation_id: String,
    kind: String,
    external_id: String,
    url: String,
    title: String,
    created_at: i64,
}

fn link_from_row(row: LinkRow) -> Result<Link> {
    Ok(Link {
        id: Id::from_trusted(row.id),
        conversation_id: Id::from_trusted(row.conversation_id),
        kind: LinkKind::parse(&row.kind).map_err(|e| StoreError::corrupt("links.kind", e))?,
        external_id: row.external_id,
        url: row.url,
        title: row.title,
        created_at: from_millis(row.created_at)?,
    })
}

fn event(
    conversation: &Conversation,
    actor: Option<&UserId>,
    at: Timestamp,
    kind: EventKind,
) -> NewEvent {
    NewEvent {
        workspace_id: conversation.workspace_id.clone(),
        inbox_id: conversation.inbox_id.clone(),
        conversation_id: conversation.id.clone(),
        actor_id: actor.cloned(),
        kind,
        created_at: at,
    }
}

/// Adds `link` to `conversation` and appends its `Linked` event.
/// The link's own `conversation_id` is ignored: it joins `conversation`.
#[tracing::instrument(skip_all, fields(link_id = %link.id, conversation_id = %conversation.id), err(level = "debug"))]
pub async fn add(
    tx: &mut Tx<'_>,
    link: &Link,
    conversation: &Conversation,
    actor: Option<&UserId>,
    at: Timestamp,
) -> Result<Event> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO links (id, conversation_id, kind, external_id, url, title, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(link.id.as_str())
    .bind(conversation.id.as_str())
    .bind(link.kind.as_str())
    .bind(&link.external_id)
    .bind(&link.url)
    .bind(&link.title)
    .bind(to_millis(link.created_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let kind = EventKind::Linked {
        link_id: link.id.clone(),
    };
    append(tx, event(conversation, actor, at, kind)).await
}

/// Removes a link of `conversation` and appends its `Unlinked` event.
/// `None` (and no event) when the conversation has no such link.
#[tracing::instrument(skip_all, fields(link_id = %link, conversation_id = %conversation.id), err(level = "debug"))]
pub async fn remove(
    tx: &mut Tx<'_>,
    conversation: &Conversation,
    link: &LinkId,
    actor: Option<&UserId>,
    at: Timestamp,
) -> Result<Option<Event>> {
    // Scoped to the conversation: a link id from elsewhere removes nothing.
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM links WHERE id = $1 AND conversation_id = $2",
    )
    .bind(link.as_str())
    .bind(conversation.id.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Ok(None);
    }
    let kind = EventKind::Unlinked {
        link_id: link.clone(),
    };
    append(tx, event(conversation, actor, at, kind))
        .await
        .map(Some)
}

/// The links of a conversation, oldest first.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation), err(level = "debug"))]
pub async fn for_conversation(
    conn: &mut Conn<'_>,
    conversation: &ConversationId,
) -> Result<Vec<Link>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, LinkRow>(
        "SELECT id, conversation_id, kind, external_id, url, title, created_at \
         FROM links WHERE conversation_id = $1 ORDER BY created_at, id",
    )
    .bind(conversation.as_str())
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter().map(link_from_row).collect()
}

//! Where a customer's message goes: the contact's conversations in an inbox,
//! one contact at a time or, for a batch of texts, many in one query.

use domain::{ContactId, Conversation, InboxId};

use super::{fetch, Bind, COLUMNS};
use crate::events::{padded, placeholders};
use crate::{Conn, Result};

/// The contact's conversation in this inbox that is not closed, if any
/// (there is at most one): where an inbound message goes.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, contact_id = %contact), err(level = "debug"))]
pub async fn find_active(
    conn: &mut Conn<'_>,
    inbox: &InboxId,
    contact: &ContactId,
) -> Result<Option<Conversation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations c \
         WHERE c.inbox_id = $1 AND c.contact_id = $2 AND c.status <> 'closed'"
    );
    let binds = [Bind::Text(inbox.as_str()), Bind::Text(contact.as_str())];
    Ok(fetch(conn, &sql, &binds).await?.into_iter().next())
}

/// The contact's most recent conversation in the inbox, whatever its status:
/// the lifecycle decides whether an inbound message reopens it or, when it is
/// closed, starts a new one that points back at it.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, contact_id = %contact), err(level = "debug"))]
pub async fn latest(
    conn: &mut Conn<'_>,
    inbox: &InboxId,
    contact: &ContactId,
) -> Result<Option<Conversation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations c \
         WHERE c.inbox_id = $1 AND c.contact_id = $2 \
         ORDER BY CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END, c.created_at DESC, c.id DESC \
         LIMIT 1"
    );
    let binds = [Bind::Text(inbox.as_str()), Bind::Text(contact.as_str())];
    Ok(fetch(conn, &sql, &binds).await?.into_iter().next())
}

/// The conversations that are not closed of each of `contacts` in `inbox`
/// (at most one per contact), in one query: what [`find_active`] gives for
/// each. The ingest writer reads a batch's senders this way instead of one
/// round trip per sender.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox, contacts = contacts.len()), err(level = "debug"))]
pub async fn active_for_contacts(
    conn: &mut Conn<'_>,
    inbox: &InboxId,
    contacts: &[&ContactId],
) -> Result<Vec<Conversation>> {
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    let contacts = padded(contacts);
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations c \
         WHERE c.inbox_id = $1 AND c.contact_id IN ({}) AND c.status <> 'closed'",
        placeholders(2, contacts.len())
    );
    let mut binds = Vec::with_capacity(contacts.len() + 1);
    binds.push(Bind::Text(inbox.as_str()));
    binds.extend(contacts.iter().map(|c| Bind::Text(c.as_str())));
    fetch(conn, &sql, &binds).await
}

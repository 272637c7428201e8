//! Where a customer's message goes: the contact's conversations in an inbox,
//! one contact at a time or, for a batch of texts, many in one query.

use domain::{ContactId, Conversation, InboxId};

use super::{fetch, hydrate, Bind, ConversationRow, COLUMNS};
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
    let order =
        "ORDER BY CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END, c.created_at DESC, c.id DESC \
                 LIMIT 1";
    let sql = match conn {
        Conn::Sqlite(_) => format!(
            "SELECT {COLUMNS} FROM conversations c \
             WHERE c.inbox_id = $1 AND c.contact_id = $2 {order}"
        ),
        // The contact's conversations first (a few, by
        // `conversations_by_contact`), then the inbox: without statistics
        // PostgreSQL walked the whole inbox testing each conversation's
        // contact (a new database, until the first ANALYZE). OFFSET 0 keeps
        // the inbox's condition out of the inner query.
        Conn::Postgres(_) => format!(
            "SELECT * FROM (SELECT {COLUMNS} FROM conversations c WHERE c.contact_id = $2 OFFSET 0) c \
             WHERE c.inbox_id = $1 {order}"
        ),
    };
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
    match conn {
        Conn::Sqlite(_) => {
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
        // One lookup of (inbox, contact) per contact, whatever the
        // statistics say: with `contact_id IN (…)` PostgreSQL read every
        // open conversation of the inbox when it had no statistics yet (a
        // new database, until autovacuum's first ANALYZE), 2.5–4 ms a
        // batch at 5,000 customers and growing with them.
        Conn::Postgres(c) => {
            let ids: Vec<&str> = contacts.iter().map(|id| id.as_str()).collect();
            let sql = format!(
                "SELECT c.* FROM unnest($2::text[]) AS wanted (contact_id) \
                 CROSS JOIN LATERAL (SELECT {COLUMNS} FROM conversations c \
                   WHERE c.inbox_id = $1 AND c.contact_id = wanted.contact_id \
                   AND c.status <> 'closed' OFFSET 0) c"
            );
            let rows = sqlx::query_as::<_, ConversationRow>(&sql)
                .bind(inbox.as_str())
                .bind(ids)
                .fetch_all(&mut **c)
                .await?;
            hydrate(conn, rows).await
        }
    }
}

//! New customers and new conversations of an ingest batch, written a
//! statement for all of them: a first text from someone new used to cost a
//! round trip for the contact, two for the conversation and its event, and
//! the flush of everything waiting before it.
//!
//! The effects are those of [`crate::contacts::create`] and
//! [`crate::conversations::insert`] for each, in order; keep them in step.

use domain::text::Word;
use domain::{Contact, Conversation};

use super::{binds, json_columns, json_rows};
use crate::time::{to_millis, to_millis_opt};
use crate::{Backend, Conn, Result, StoreError, Tx};

/// Writes `contacts`. Any phone number already used by a contact of its
/// workspace gives [`StoreError::Duplicate`], with part of the batch
/// possibly written: the caller rolls back (another node took the number
/// first, and reading it again finds that contact).
pub(super) async fn insert_contacts(
    tx: &mut Tx<'_>,
    backend: Backend,
    contacts: &[&Contact],
) -> Result<()> {
    if contacts.is_empty() {
        return Ok(());
    }
    const INSERT: &str = "INSERT INTO contacts (id, workspace_id, name, phone, email, owner_id, \
         opted_out_at, created_at, updated_at, simulated)";
    let inserted = match tx.conn() {
        Conn::Sqlite(c) => {
            let rows: Vec<_> = contacts
                .iter()
                .map(|contact| {
                    (
                        contact.id.as_str(),
                        contact.workspace_id.as_str(),
                        &contact.name,
                        contact.phone.as_ref().map(|p| p.as_str()),
                        contact.email.as_ref().map(|e| e.as_str()),
                        contact.owner_id.as_ref().map(|u| u.as_str()),
                        to_millis_opt(contact.opted_out_at),
                        to_millis(contact.created_at),
                        to_millis(contact.updated_at),
                        contact.simulated,
                    )
                })
                .collect();
            let sql = format!(
                "{INSERT} SELECT {} FROM json_each(?) WHERE true ON CONFLICT DO NOTHING",
                json_columns(10)
            );
            sqlx::query(&sql)
                .bind(json_rows("contacts", &rows)?)
                .execute(&mut *c)
                .await?
                .rows_affected()
        }
        Conn::Postgres(c) => {
            const COLUMNS: usize = 10;
            let rows: Vec<String> = (0..contacts.len())
                .map(|i| format!("({})", binds(backend, i * COLUMNS + 1, COLUMNS)))
                .collect();
            let sql = format!("{INSERT} VALUES {} ON CONFLICT DO NOTHING", rows.join(", "));
            // The text changes with the batch size: not worth a cached statement.
            let mut query = sqlx::query(&sql).persistent(false);
            for contact in contacts {
                query = query
                    .bind(contact.id.as_str())
                    .bind(contact.workspace_id.as_str())
                    .bind(&contact.name)
                    .bind(contact.phone.as_ref().map(|p| p.as_str()))
                    .bind(contact.email.as_ref().map(|e| e.as_str()))
                    .bind(contact.owner_id.as_ref().map(|u| u.as_str()))
                    .bind(to_millis_opt(contact.opted_out_at))
                    .bind(to_millis(contact.created_at))
                    .bind(to_millis(contact.updated_at))
                    .bind(contact.simulated);
            }
            query.execute(&mut *c).await?.rows_affected()
        }
    };
    if inserted != contacts.len() as u64 {
        return Err(StoreError::Duplicate("contacts_phone_or_email".into()));
    }
    Ok(())
}

/// Writes new `conversations` (without tags: a conversation a customer's
/// text starts has none), each copying its contact's owner (written by
/// [`insert_contacts`] just before, or there already). A customer who
/// already has a conversation in the inbox that is not closed gives
/// [`StoreError::Duplicate`], with part of the batch possibly written: the
/// caller rolls back.
pub(super) async fn insert_conversations(
    tx: &mut Tx<'_>,
    backend: Backend,
    conversations: &[&Conversation],
) -> Result<()> {
    if conversations.is_empty() {
        return Ok(());
    }
    if conversations.iter().any(|c| !c.tags.is_empty()) {
        return Err(StoreError::Database(sqlx::Error::InvalidArgument(
            "insert_many starts conversations without tags only".into(),
        )));
    }
    const INSERT: &str = "INSERT INTO conversations (id, workspace_id, inbox_id, channel_id, \
         contact_id, status, priority, priority_rank, assignee_id, subject, snoozed_until, \
         previous_id, version, created_at, last_activity_at, last_inbound_at, resolved_at, \
         inbound_version, contact_owner_id)";
    const ON_CONFLICT: &str =
        "ON CONFLICT (inbox_id, contact_id) WHERE status <> 'closed' DO NOTHING";
    let inserted = match tx.conn() {
        Conn::Sqlite(c) => {
            let rows: Vec<_> = conversations
                .iter()
                .map(|c0| {
                    (
                        (
                            c0.id.as_str(),
                            c0.workspace_id.as_str(),
                            c0.inbox_id.as_str(),
                            c0.channel_id.as_ref().map(|i| i.as_str()),
                            c0.contact_id.as_str(),
                            c0.status.as_str(),
                            c0.priority.as_str(),
                            c0.priority.rank(),
                            c0.assignee_id.as_ref().map(|i| i.as_str()),
                        ),
                        (
                            c0.subject.as_deref(),
                            to_millis_opt(c0.snoozed_until),
                            c0.previous_id.as_ref().map(|i| i.as_str()),
                            c0.version,
                            to_millis(c0.created_at),
                            to_millis(c0.last_activity_at),
                            to_millis_opt(c0.last_inbound_at),
                            to_millis_opt(c0.resolved_at),
                            c0.inbound_version,
                        ),
                    )
                })
                .collect();
            // Each row is two arrays of nine: serde writes tuples of at
            // most sixteen fields as arrays.
            let columns: Vec<String> = (0..18)
                .map(|i| format!("value ->> '$[{}][{}]'", i / 9, i % 9))
                .collect();
            let sql = format!(
                "{INSERT} SELECT {}, (SELECT o.owner_id FROM contacts o WHERE o.id = value ->> '$[0][4]') \
                 FROM json_each(?) WHERE true {ON_CONFLICT}",
                columns.join(", ")
            );
            sqlx::query(&sql)
                .bind(json_rows("conversations", &rows)?)
                .execute(&mut *c)
                .await?
                .rows_affected()
        }
        Conn::Postgres(c) => {
            // 18 columns as given, then the contact's id again for the
            // owner's subselect (`contact_owner_id`, migration 0023).
            const COLUMNS: usize = 19;
            let rows: Vec<String> = (0..conversations.len())
                .map(|i| {
                    let first = i * COLUMNS + 1;
                    format!(
                        "({}, (SELECT o.owner_id FROM contacts o WHERE o.id = ${}))",
                        binds(backend, first, COLUMNS - 1),
                        first + COLUMNS - 1
                    )
                })
                .collect();
            let sql = format!("{INSERT} VALUES {} {ON_CONFLICT}", rows.join(", "));
            let mut query = sqlx::query(&sql).persistent(false);
            for c0 in conversations {
                query = query
                    .bind(c0.id.as_str())
                    .bind(c0.workspace_id.as_str())
                    .bind(c0.inbox_id.as_str())
                    .bind(c0.channel_id.as_ref().map(|i| i.as_str()))
                    .bind(c0.contact_id.as_str())
                    .bind(c0.status.as_str())
                    .bind(c0.priority.as_str())
                    .bind(c0.priority.rank())
                    .bind(c0.assignee_id.as_ref().map(|i| i.as_str()))
                    .bind(c0.subject.as_deref())
                    .bind(to_millis_opt(c0.snoozed_until))
                    .bind(c0.previous_id.as_ref().map(|i| i.as_str()))
                    .bind(c0.version)
                    .bind(to_millis(c0.created_at))
                    .bind(to_millis(c0.last_activity_at))
                    .bind(to_millis_opt(c0.last_inbound_at))
                    .bind(to_millis_opt(c0.resolved_at))
                    .bind(c0.inbound_version)
                    .bind(c0.contact_id.as_str());
            }
            query.execute(&mut *c).await?.rows_affected()
        }
    };
    if inserted != conversations.len() as u64 {
        return Err(StoreError::Duplicate("conversations_one_active".into()));
    }
    Ok(())
}

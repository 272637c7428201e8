//! New customers and new conversations of an ingest batch, written a
//! statement for all of them: a first text from someone new used to cost a
//! round trip for the contact, two for the conversation and its event, and
//! the flush of everything waiting before it.
//!
//! The effects are those of [`crate::contacts::create`] and
//! [`crate::conversations::insert`] for each, in order; keep them in step.

use domain::text::Word;
use domain::{Contact, Conversation};

use super::{bind, binds, Rows};
use crate::time::{to_millis, to_millis_opt};
use crate::{Backend, Result, StoreError, Tx};

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
    const COLUMNS: usize = 10;
    let rows = Rows::new(backend, contacts.len(), COLUMNS, |first| {
        format!("({})", binds(backend, first, COLUMNS))
    });
    let sql = format!(
        "INSERT INTO contacts (id, workspace_id, name, phone, email, owner_id, opted_out_at, \
         created_at, updated_at, simulated) {} ON CONFLICT DO NOTHING",
        rows.source()
    );
    let inserted = crate::on_backend!(tx.conn(), c => {
        let mut query = sqlx::query(&sql).persistent(rows.persistent);
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
        for _ in 0..rows.padding {
            query = query.bind(None::<&str>);
        }
        query.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
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
    // 18 columns as given, then the contact's id again for the owner's
    // subselect (`contact_owner_id`, migration 0023): SQLite's `?` binds
    // cannot be named twice.
    const COLUMNS: usize = 19;
    let rows = Rows::new(backend, conversations.len(), COLUMNS, |first| {
        format!(
            "({}, (SELECT o.owner_id FROM contacts o WHERE o.id = {}))",
            binds(backend, first, COLUMNS - 1),
            bind(backend, first + COLUMNS - 1)
        )
    });
    let sql = format!(
        "INSERT INTO conversations (id, workspace_id, inbox_id, channel_id, contact_id, status, \
         priority, priority_rank, assignee_id, subject, snoozed_until, previous_id, version, \
         created_at, last_activity_at, last_inbound_at, resolved_at, inbound_version, \
         contact_owner_id) {} \
         ON CONFLICT (inbox_id, contact_id) WHERE status <> 'closed' DO NOTHING",
        rows.source()
    );
    let inserted = crate::on_backend!(tx.conn(), c => {
        let mut query = sqlx::query(&sql).persistent(rows.persistent);
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
        for _ in 0..rows.padding {
            query = query.bind(None::<&str>);
        }
        query.execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    if inserted != conversations.len() as u64 {
        return Err(StoreError::Duplicate("conversations_one_active".into()));
    }
    Ok(())
}

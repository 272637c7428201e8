//! Conversations: the row, its tags, and the jobs' due lists.
//!
//! Every function here that changes a conversation appends the events of the
//! change itself, in the caller's transaction: a change without its event
//! cannot be written through this API.

use std::collections::HashMap;

use domain::event::NewEvent;
use domain::text::Word;
use domain::{
    Conversation, ConversationId, Event, EventKind, Id, InboxId, Priority, SlaClock, Status, Tag,
    Timestamp, UserId, WorkspaceId,
};

use crate::events::{append, padded, placeholders};
use crate::time::{from_millis, from_millis_opt, to_millis, to_millis_opt};
use crate::{Conn, Result, StoreError, Tx};

mod threading;
pub use threading::{active_for_contacts, find_active, latest};

/// The columns [`ConversationRow`] reads, for queries in other modules.
pub(crate) const COLUMNS: &str = "c.id, c.workspace_id, c.inbox_id, c.channel_id, c.contact_id, \
     c.status, c.priority, c.assignee_id, c.subject, c.snoozed_until, c.previous_id, c.version, c.inbound_version, \
     c.created_at, c.last_activity_at, c.last_inbound_at, c.resolved_at, \
     c.sla_due_at, c.sla_target_secs, c.sla_breached_due_at";

/// A `conversations` row as stored (select it as `c` with [`COLUMNS`]).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ConversationRow {
    id: String,
    workspace_id: String,
    inbox_id: String,
    channel_id: Option<String>,
    contact_id: String,
    status: String,
    priority: String,
    assignee_id: Option<String>,
    subject: Option<String>,
    snoozed_until: Option<i64>,
    previous_id: Option<String>,
    version: i64,
    inbound_version: i64,
    created_at: i64,
    last_activity_at: i64,
    last_inbound_at: Option<i64>,
    resolved_at: Option<i64>,
    sla_due_at: Option<i64>,
    sla_target_secs: Option<i64>,
    sla_breached_due_at: Option<i64>,
}

fn conversation_from_row(row: ConversationRow, tags: Vec<Tag>) -> Result<Conversation> {
    Ok(Conversation {
        id: Id::from_trusted(row.id),
        workspace_id: Id::from_trusted(row.workspace_id),
        inbox_id: Id::from_trusted(row.inbox_id),
        channel_id: row.channel_id.map(Id::from_trusted),
        contact_id: Id::from_trusted(row.contact_id),
        status: Status::parse(&row.status)
            .map_err(|e| StoreError::corrupt("conversations.status", e))?,
        priority: Priority::parse(&row.priority)
            .map_err(|e| StoreError::corrupt("conversations.priority", e))?,
        assignee_id: row.assignee_id.map(Id::from_trusted),
        subject: row.subject,
        snoozed_until: from_millis_opt(row.snoozed_until)?,
        previous_id: row.previous_id.map(Id::from_trusted),
        tags,
        version: row.version,
        inbound_version: row.inbound_version,
        created_at: from_millis(row.created_at)?,
        last_activity_at: from_millis(row.last_activity_at)?,
        last_inbound_at: from_millis_opt(row.last_inbound_at)?,
        resolved_at: from_millis_opt(row.resolved_at)?,
        sla: match row.sla_due_at {
            Some(due) => Some(SlaClock {
                due_at: from_millis(due)?,
                target_secs: row.sla_target_secs.unwrap_or(0),
                breached: row.sla_breached_due_at == Some(due),
            }),
            None => None,
        },
    })
}

/// Turns rows into conversations with their tags, reading the tags of the
/// whole batch in one query (never one query per conversation).
pub(crate) async fn hydrate(
    conn: &mut Conn<'_>,
    rows: Vec<ConversationRow>,
) -> Result<Vec<Conversation>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = padded(&rows.iter().map(|row| row.id.as_str()).collect::<Vec<_>>());
    let sql = format!(
        "SELECT conversation_id, tag FROM conversation_tags WHERE conversation_id IN ({})",
        placeholders(1, ids.len())
    );
    let pairs: Vec<(String, String)> = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as(&sql);
        for id in &ids {
            query = query.bind(*id);
        }
        query.fetch_all(&mut **c).await
    })?;
    let mut tags: HashMap<String, Vec<Tag>> = HashMap::new();
    for (conversation, tag) in pairs {
        tags.entry(conversation)
            .or_default()
            .push(Tag::from_trusted(tag));
    }
    rows.into_iter()
        .map(|row| {
            let mut own = tags.remove(&row.id).unwrap_or_default();
            // Sorted here, not in SQL, so both backends agree whatever the collation.
            own.sort();
            conversation_from_row(row, own)
        })
        .collect()
}

async fn fetch(conn: &mut Conn<'_>, sql: &str, binds: &[Bind<'_>]) -> Result<Vec<Conversation>> {
    let rows = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as::<_, ConversationRow>(sql);
        for bind in binds {
            query = match bind {
                Bind::Text(s) => query.bind(*s),
                Bind::Int(i) => query.bind(*i),
            };
        }
        query.fetch_all(&mut **c).await
    })?;
    hydrate(conn, rows).await
}

/// A bind value for [`fetch`]: the lookups here bind only text and integers.
enum Bind<'a> {
    Text(&'a str),
    Int(i64),
}

async fn write_tags(tx: &mut Tx<'_>, conversation: &ConversationId, tags: &[Tag]) -> Result<()> {
    for tag in tags {
        crate::on_backend!(tx.conn(), c => sqlx::query(
            "INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(conversation.as_str())
        .bind(tag.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Writes a new conversation with its tags and appends its `Created` event.
///
/// A contact has at most one conversation per inbox that is not closed: while
/// one is, this returns [`StoreError::Duplicate`] and writes nothing (the
/// transaction stays usable, so the caller can read the active one instead).
/// The row copies its contact's owner (`contact_owner_id`, migration 0023).
#[tracing::instrument(skip_all, fields(conversation_id = %conversation.id, inbox_id = %conversation.inbox_id), err(level = "debug"))]
pub async fn insert(
    tx: &mut Tx<'_>,
    conversation: &Conversation,
    actor: Option<&UserId>,
    at: Timestamp,
) -> Result<Event> {
    let c0 = conversation;
    let inserted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO conversations (id, workspace_id, inbox_id, channel_id, contact_id, status, \
         priority, priority_rank, assignee_id, subject, snoozed_until, previous_id, version, \
         created_at, last_activity_at, last_inbound_at, resolved_at, inbound_version, \
         contact_owner_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         (SELECT o.owner_id FROM contacts o WHERE o.id = $5)) \
         ON CONFLICT (inbox_id, contact_id) WHERE status <> 'closed' DO NOTHING",
    )
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
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Err(StoreError::Duplicate("conversations_one_active".into()));
    }
    write_tags(tx, &c0.id, &c0.tags).await?;
    append(
        tx,
        NewEvent {
            workspace_id: c0.workspace_id.clone(),
            inbox_id: c0.inbox_id.clone(),
            conversation_id: c0.id.clone(),
            actor_id: actor.cloned(),
            kind: EventKind::Created {
                previous_id: c0.previous_id.clone(),
            },
            created_at: at,
        },
    )
    .await
}

/// One conversation with its tags.
#[tracing::instrument(skip_all, fields(conversation_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &ConversationId) -> Result<Option<Conversation>> {
    let sql = format!("SELECT {COLUMNS} FROM conversations c WHERE c.id = $1");
    Ok(fetch(conn, &sql, &[Bind::Text(id.as_str())])
        .await?
        .into_iter()
        .next())
}

/// The conversation that continues closed conversation `id` (started by
/// the customer's next message), if there is one yet.
#[tracing::instrument(skip_all, fields(conversation_id = %id), err(level = "debug"))]
pub async fn follow_up(conn: &mut Conn<'_>, id: &ConversationId) -> Result<Option<Conversation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations c WHERE c.previous_id = $1 \
         ORDER BY c.created_at, c.id LIMIT 1"
    );
    Ok(fetch(conn, &sql, &[Bind::Text(id.as_str())])
        .await?
        .into_iter()
        .next())
}

/// The conversations `user` is assigned that are not closed, in `inbox` or,
/// when it is `None`, anywhere in the workspace: what goes back to the
/// Unassigned queue when someone leaves.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace, user_id = %user), err(level = "debug"))]
pub async fn assigned_to(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    inbox: Option<&InboxId>,
    user: &UserId,
) -> Result<Vec<Conversation>> {
    let mut sql = format!(
        "SELECT {COLUMNS} FROM conversations c \
         WHERE c.workspace_id = $1 AND c.assignee_id = $2 AND c.status <> 'closed'"
    );
    let mut binds = vec![Bind::Text(workspace.as_str()), Bind::Text(user.as_str())];
    if let Some(inbox) = inbox {
        sql.push_str(" AND c.inbox_id = $3");
        binds.push(Bind::Text(inbox.as_str()));
    }
    sql.push_str(" ORDER BY c.id");
    fetch(conn, &sql, &binds).await
}

/// Stores `new_state` if the conversation is still at `expected_version`,
/// and appends `events` (what changed, in order) in the same transaction.
///
/// The stored version becomes `expected_version + 1`. Someone else's change
/// since the caller read it gives [`StoreError::VersionConflict`] and writes
/// nothing. Tags are replaced when they differ. The workspace, inbox,
/// contact, `previous_id` and `created_at` never change. An empty `events`
/// is refused: a change nobody can see in the timeline is a bug.
#[tracing::instrument(skip_all, fields(conversation_id = %new_state.id, expected_version = expected_version), err(level = "debug"))]
pub async fn update(
    tx: &mut Tx<'_>,
    new_state: &Conversation,
    expected_version: i64,
    actor: Option<&UserId>,
    at: Timestamp,
    events: Vec<EventKind>,
) -> Result<Vec<Event>> {
    if events.is_empty() {
        return Err(StoreError::Database(sqlx::Error::InvalidArgument(
            "a conversation change needs at least one event".into(),
        )));
    }
    let s = new_state;
    let updated = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE conversations SET channel_id = $3, status = $4, priority = $5, priority_rank = $6, \
         assignee_id = $7, subject = $8, snoozed_until = $9, last_activity_at = $10, \
         last_inbound_at = $11, resolved_at = $12, version = $2 + 1 \
         WHERE id = $1 AND version = $2",
    )
    .bind(s.id.as_str())
    .bind(expected_version)
    .bind(s.channel_id.as_ref().map(|i| i.as_str()))
    .bind(s.status.as_str())
    .bind(s.priority.as_str())
    .bind(s.priority.rank())
    .bind(s.assignee_id.as_ref().map(|i| i.as_str()))
    .bind(s.subject.as_deref())
    .bind(to_millis_opt(s.snoozed_until))
    .bind(to_millis(s.last_activity_at))
    .bind(to_millis_opt(s.last_inbound_at))
    .bind(to_millis_opt(s.resolved_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if updated == 0 {
        return Err(StoreError::VersionConflict);
    }
    let mut stored: Vec<String> = crate::on_backend!(tx.conn(), c => sqlx::query_scalar(
        "SELECT tag FROM conversation_tags WHERE conversation_id = $1",
    )
    .bind(s.id.as_str())
    .fetch_all(&mut *c)
    .await)?;
    stored.sort_unstable();
    let mut wanted: Vec<&str> = s.tags.iter().map(Tag::as_str).collect();
    wanted.sort_unstable();
    wanted.dedup();
    if stored != wanted {
        crate::on_backend!(tx.conn(), c => sqlx::query(
            "DELETE FROM conversation_tags WHERE conversation_id = $1",
        )
        .bind(s.id.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        write_tags(tx, &s.id, &s.tags).await?;
    }
    let mut appended = Vec::with_capacity(events.len());
    for kind in events {
        let event = NewEvent {
            workspace_id: s.workspace_id.clone(),
            inbox_id: s.inbox_id.clone(),
            conversation_id: s.id.clone(),
            actor_id: actor.cloned(),
            kind,
            created_at: at,
        };
        appended.push(append(tx, event).await?);
    }
    Ok(appended)
}

/// Snoozed conversations whose `snoozed_until` has passed, earliest first:
/// the wake job's work list.
#[tracing::instrument(skip_all, fields(limit = limit), err(level = "debug"))]
pub async fn due_to_wake(
    conn: &mut Conn<'_>,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<Conversation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations c \
         WHERE c.status = 'snoozed' AND c.snoozed_until <= $1 \
         ORDER BY c.snoozed_until, c.id LIMIT $2"
    );
    let binds = [Bind::Int(to_millis(now)), Bind::Int(i64::from(limit))];
    fetch(conn, &sql, &binds).await
}

/// Resolved conversations whose inbox's auto-close wait has passed since
/// they were resolved, earliest first: the auto-close job's work list.
#[tracing::instrument(skip_all, fields(limit = limit), err(level = "debug"))]
pub async fn due_to_close(
    conn: &mut Conn<'_>,
    now: Timestamp,
    limit: u32,
) -> Result<Vec<Conversation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         WHERE c.status = 'resolved' AND c.resolved_at + i.auto_close_secs * 1000 <= $1 \
         ORDER BY c.resolved_at, c.id LIMIT $2"
    );
    let binds = [Bind::Int(to_millis(now)), Bind::Int(i64::from(limit))];
    fetch(conn, &sql, &binds).await
}

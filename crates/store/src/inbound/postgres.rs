//! An ingest batch's messages, conversations and events on PostgreSQL: one
//! statement of constant text over arrays, prepared once per connection.
//!
//! The generic path ([`super::insert_messages`] and the rest) writes a
//! `VALUES` row of binds per item, so its text changes with the batch size
//! and PostgreSQL parses and plans it anew for every batch (each of its
//! four statements, some hundreds of binds each), and each statement is a
//! round trip. Here the messages, the conversations' activity, the events
//! and their NOTIFYs are data-modifying parts of one `WITH` statement, each
//! reading its rows from `unnest` of array binds: a batch costs one round
//! trip and no planning, whatever its size.
//!
//! Every part reads the snapshot the statement started with, so the new
//! conversations of the batch ([`super::threads`]) are written before, by
//! their own statements. The checks are those of the generic path: as many
//! messages inserted as given (else [`StoreError::Duplicate`]), as many
//! conversations updated as touched (else [`StoreError::VersionConflict`]),
//! and every event returned with its sequence number.

use domain::text::Word;
use domain::{Event, MessageKind};

use super::events::{data_of, new_events, with_seqs};
use super::{attachments_of, NewInbound, NewThread, Touch};
use crate::time::to_millis;
use crate::{Conn, Result, StoreError, Tx};

/// The whole batch after its new contacts and conversations. Keep each part
/// in step with its generic twin: the conversations' `SET` is
/// `touch_conversations`'s, the events are `events::append`'s. The batch is
/// announced once per workspace, with its last event (`notify::notify`'s
/// payload, "workspace seq"): a listener only wakes its node's tailer, which
/// reads the log from where it was, so one nudge covers the batch, and
/// every NOTIFY is a queue entry that each listening node reads.
///
/// The conversations are found by id one at a time (the `LATERAL … OFFSET 0`
/// the planner cannot flatten), then updated by row address. The plan is
/// made once per connection, often while `conversations` is small and has
/// no statistics: a plain `UPDATE … FROM unnest(…)` then kept a hash join
/// over a scan of the whole table (5.5 ms a batch at 5,000 conversations,
/// more as they grow). A row another transaction changes meanwhile is no
/// longer at that address and is left alone: [`StoreError::VersionConflict`],
/// as for any conversation changed since it was read.
///
/// The summary row comes first (`seq` NULL) so that the counts arrive even
/// when nothing was inserted; each event's row follows.
const WRITE: &str = "\
WITH m AS (
    INSERT INTO messages (id, conversation_id, channel_id, kind, author_id, body, attachments,
                          delivery_status, provider_id, error_code, error_message, created_at)
    SELECT u.id, u.conversation_id, u.channel_id, $1, NULL, u.body, u.attachments,
           NULL, u.provider_id, NULL, NULL, u.created_at
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
         AS u (id, conversation_id, channel_id, body, attachments, provider_id, created_at)
    ON CONFLICT (channel_id, provider_id) DO NOTHING
    RETURNING 1
), t AS (
    UPDATE conversations SET
        last_activity_at = CASE WHEN conversations.last_activity_at < v.at THEN v.at
                           ELSE conversations.last_activity_at END,
        last_inbound_at = CASE WHEN conversations.last_inbound_at IS NULL
                               OR conversations.last_inbound_at < v.at THEN v.at
                          ELSE conversations.last_inbound_at END,
        last_message_id = v.last_message_id,
        inbound_version = conversations.version + v.count,
        version = conversations.version + v.count
    FROM (SELECT v.*, found.row
          FROM unnest($9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[])
               AS v (id, expected, count, at, last_message_id)
          CROSS JOIN LATERAL (SELECT c.ctid AS row FROM conversations c WHERE c.id = v.id OFFSET 0)
               AS found) AS v
    WHERE conversations.ctid = v.row AND conversations.version = v.expected
    RETURNING 1
), e AS (
    INSERT INTO events (workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at)
    SELECT u.workspace_id, u.inbox_id, u.conversation_id, NULL, u.kind, u.data, u.created_at
    FROM unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[])
         WITH ORDINALITY AS u (workspace_id, inbox_id, conversation_id, kind, data, created_at, n)
    ORDER BY u.n
    RETURNING seq, workspace_id, conversation_id, kind, data
), n AS MATERIALIZED (
    SELECT pg_notify($20, e.workspace_id || ' ' || max(e.seq)) FROM e GROUP BY e.workspace_id
)
SELECT NULL::bigint AS seq, NULL::text AS conversation_id, NULL::text AS kind, NULL::text AS data,
       (SELECT count(*) FROM m) AS messages, (SELECT count(*) FROM t) AS touched,
       (SELECT count(*) FROM n) AS notified
UNION ALL
SELECT e.seq, e.conversation_id, e.kind, e.data, NULL, NULL, NULL FROM e";

/// One array bind: `f` of each of `rows`.
fn column<'a, T, U>(rows: &'a [T], f: impl Fn(&'a T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

/// One row of [`WRITE`]'s result: an event (seq, conversation, kind, data),
/// or the summary (counts of messages, conversations and NOTIFYs, one per workspace).
type Row = (
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Writes `items` and the events of `threads` and `items` (the new contacts
/// and conversations are written already); `touches` are the conversations
/// of `items` (see [`super::touches`]). Returns the events as
/// [`super::insert_many`] does.
pub(super) async fn write(
    tx: &mut Tx<'_>,
    threads: &[NewThread<'_>],
    items: &[NewInbound<'_>],
    touches: &[Touch<'_>],
) -> Result<Vec<Event>> {
    let events = new_events(threads, items);
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let data = data_of(&events)?;
    let attachments = attachments_of(items)?;
    let Conn::Postgres(c) = tx.conn() else {
        return Err(StoreError::Database(sqlx::Error::InvalidArgument(
            "the batched statement is PostgreSQL's".into(),
        )));
    };
    let rows: Vec<Row> = sqlx::query_as(WRITE)
        .bind(MessageKind::Inbound.as_str())
        .bind(column(items, |i| i.message.id.as_str()))
        .bind(column(items, |i| i.conversation.id.as_str()))
        .bind(column(items, |i| i.channel_id.as_str()))
        .bind(column(items, |i| i.message.body.as_str()))
        .bind(&attachments)
        .bind(column(items, |i| i.message.provider_id.as_deref()))
        .bind(column(items, |i| to_millis(i.message.created_at)))
        .bind(column(touches, |t| t.id.as_str()))
        .bind(column(touches, |t| t.expected))
        .bind(column(touches, |t| t.count))
        .bind(column(touches, |t| t.at))
        .bind(column(touches, |t| t.last_message))
        .bind(column(&events, |e| e.workspace_id.as_str()))
        .bind(column(&events, |e| e.inbox_id.as_str()))
        .bind(column(&events, |e| e.conversation_id.as_str()))
        .bind(column(&events, |e| e.kind.name()))
        .bind(&data)
        .bind(column(&events, |e| to_millis(e.created_at)))
        .bind(crate::notify::CHANNEL)
        .fetch_all(&mut *c)
        .await?;
    let mut summary = None;
    let mut returned = Vec::with_capacity(events.len());
    for row in rows {
        match row {
            (Some(seq), Some(conversation), Some(kind), Some(data), ..) => {
                returned.push((seq, conversation, kind, data))
            }
            (None, .., Some(messages), Some(touched), Some(notified)) => {
                summary = Some((messages, touched, notified))
            }
            _ => return Err(StoreError::corrupt("events", "an unexpected row")),
        }
    }
    let (messages, touched, notified) =
        summary.ok_or_else(|| StoreError::corrupt("events", "no summary row"))?;
    if messages != items.len() as i64 {
        return Err(StoreError::Duplicate("messages_provider_id".into()));
    }
    if touched != touches.len() as i64 {
        return Err(StoreError::VersionConflict);
    }
    let workspaces: std::collections::HashSet<&str> =
        events.iter().map(|e| e.workspace_id.as_str()).collect();
    if notified != workspaces.len() as i64 {
        return Err(StoreError::corrupt("events", "a batch was not announced"));
    }
    with_seqs(events, data, returned)
}

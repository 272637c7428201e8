//! The events of an ingest batch, appended in one statement.

use std::collections::HashMap;

use domain::event::NewEvent;
use domain::{Event, EventKind, MessageKind};

use super::{binds, NewInbound, NewThread, Rows};
use crate::time::to_millis;
use crate::{Backend, Result, StoreError, Tx};

/// Appends a `Created` event for each new conversation of `threads`, then a
/// `Message` event for each of `items`, in that order (a conversation's
/// creation comes before its first message in the log), and returns them
/// with their sequence numbers, in the same order.
pub(super) async fn append(
    tx: &mut Tx<'_>,
    backend: Backend,
    threads: &[NewThread<'_>],
    items: &[NewInbound<'_>],
) -> Result<Vec<Event>> {
    const COLUMNS: usize = 7;
    let events = new_events(threads, items);
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let data = data_of(&events)?;
    let rows = Rows::new(backend, events.len(), COLUMNS, |first| {
        format!("({})", binds(backend, first, COLUMNS))
    });
    // Returned in any order: `with_seqs` matches them up.
    let sql = format!(
        "INSERT INTO events (workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at) \
         {} RETURNING seq, conversation_id, kind, data",
        rows.source()
    );
    let returned: Vec<(i64, String, String, String)> = crate::on_backend!(tx.conn(), c => {
        let mut query = sqlx::query_as(&sql).persistent(rows.persistent);
        for (event, data) in events.iter().zip(&data) {
            query = query
                .bind(event.workspace_id.as_str())
                .bind(event.inbox_id.as_str())
                .bind(event.conversation_id.as_str())
                .bind(None::<&str>)
                .bind(event.kind.name())
                .bind(data.as_str())
                .bind(to_millis(event.created_at));
        }
        for _ in 0..rows.padding {
            query = query.bind(None::<&str>);
        }
        query.fetch_all(&mut *c).await
    })?;
    // Only SQLite comes here (PostgreSQL writes the batch in
    // `super::postgres`, NOTIFY included): one process, nothing to announce.
    with_seqs(events, data, returned)
}

/// The events of a batch, in the log's order: a `Created` event for each
/// new conversation of `threads`, then a `Message` event for each of `items`.
pub(super) fn new_events(threads: &[NewThread<'_>], items: &[NewInbound<'_>]) -> Vec<NewEvent> {
    let created = threads.iter().map(|t| NewEvent {
        workspace_id: t.conversation.workspace_id.clone(),
        inbox_id: t.conversation.inbox_id.clone(),
        conversation_id: t.conversation.id.clone(),
        actor_id: None,
        kind: EventKind::Created {
            previous_id: t.conversation.previous_id.clone(),
        },
        created_at: t.conversation.created_at,
    });
    let messages = items.iter().map(|item| NewEvent {
        workspace_id: item.conversation.workspace_id.clone(),
        inbox_id: item.conversation.inbox_id.clone(),
        conversation_id: item.conversation.id.clone(),
        actor_id: None,
        kind: EventKind::Message {
            message_id: item.message.id.clone(),
            message_kind: MessageKind::Inbound,
        },
        created_at: item.message.created_at,
    });
    created.chain(messages).collect()
}

/// Each event's `data` column, in the order of `events`.
pub(super) fn data_of(events: &[NewEvent]) -> Result<Vec<String>> {
    events
        .iter()
        .map(|e| serde_json::to_string(&e.kind).map_err(|e| StoreError::corrupt("events.data", e)))
        .collect()
}

/// `events` (with their `data`) as stored, in the same order, each with the
/// sequence number of its row among `returned` (seq, conversation, kind,
/// data). An event is told apart from the others by its conversation, kind
/// and data (a message event's data names its message; a conversation is
/// created once), whatever order the database returns the rows in.
pub(super) fn with_seqs(
    events: Vec<NewEvent>,
    data: Vec<String>,
    returned: Vec<(i64, String, String, String)>,
) -> Result<Vec<Event>> {
    let seqs: HashMap<(String, String, String), i64> = returned
        .into_iter()
        .map(|(seq, conversation, kind, data)| ((conversation, kind, data), seq))
        .collect();
    events
        .into_iter()
        .zip(data)
        .map(|(event, data)| {
            let key = (
                event.conversation_id.as_str().to_string(),
                event.kind.name().to_string(),
                data,
            );
            let seq = *seqs.get(&key).ok_or_else(|| {
                StoreError::corrupt("events", "an inserted event was not returned")
            })?;
            Ok(Event {
                seq,
                workspace_id: event.workspace_id,
                inbox_id: event.inbox_id,
                conversation_id: event.conversation_id,
                actor_id: None,
                kind: event.kind,
                created_at: event.created_at,
            })
        })
        .collect()
}

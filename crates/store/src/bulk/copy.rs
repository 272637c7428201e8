//! PostgreSQL's side of the bulk load: each table's rows streamed in one
//! `COPY … FROM STDIN` (text format) instead of multi-row INSERTs, and the
//! secondary indexes built once at the end instead of row by row (PostgreSQL's
//! own advice for populating a database). Measured: README, "The queue
//! benchmark".

use std::fmt::Write as _;

use sqlx::{Executor, PgConnection};

use super::Batch;
use crate::Result;

/// Bytes gathered before they are sent: large enough that the messages
/// sent are few, small enough that a batch never sits whole in memory twice.
const CHUNK: usize = 1 << 20;

/// Memory each index build may sort in (PostgreSQL's default is 64 MB):
/// the full-text index over ten million messages builds in far fewer passes.
const BUILD_MEMORY: &str = "SET maintenance_work_mem = '256MB'";

/// Drops the loaded tables' indexes that back no constraint (primary keys
/// stay: foreign keys need them) and returns their definitions. Keeping one
/// up to date costs a random b-tree or GIN insertion per row; building it
/// from the finished table is one sort. Measured on 20k conversations / 200k
/// messages: conversations' 18 indexes took 1.27 s of INSERT against 0.09 s
/// without them and ~0.8 s to build; events' 5, 4.8 s against 0.9 + 1.7 s.
pub(super) async fn drop_indexes(c: &mut PgConnection) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
         FROM pg_index i
         WHERE i.indrelid = ANY (ARRAY['contacts', 'conversations', 'conversation_tags',
                                       'messages', 'events', 'read_cursors']::regclass[])
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
         ORDER BY 1",
    )
    .fetch_all(&mut *c)
    .await?;
    for (name, _) in &indexes {
        c.execute(format!("DROP INDEX {name}").as_str()).await?;
    }
    Ok(indexes
        .into_iter()
        .map(|(_, definition)| definition)
        .collect())
}

/// Builds the indexes [`drop_indexes`] dropped, from their definitions.
pub(super) async fn create_indexes(c: &mut PgConnection, definitions: &[String]) -> Result<()> {
    c.execute(BUILD_MEMORY).await?;
    for definition in definitions {
        c.execute(definition.as_str()).await?;
    }
    c.execute("RESET maintenance_work_mem").await?;
    Ok(())
}

/// Writes a batch's rows, parents first, inside the caller's transaction.
pub(super) async fn write_rows(c: &mut PgConnection, batch: &Batch) -> Result<()> {
    copy(
        c,
        "contacts (id, workspace_id, name, phone, email, owner_id, created_at, updated_at)",
        &batch.contacts,
        |row, r| {
            row.field(&r.id)
                .field(&r.workspace_id)
                .field(&r.name)
                .field(&r.phone)
                .field(&r.email)
                .field(&r.owner_id)
                .field(r.created_at)
                .field(r.created_at);
        },
    )
    .await?;
    copy(
        c,
        "conversations (id, workspace_id, inbox_id, channel_id, contact_id, status, priority, \
         priority_rank, assignee_id, snoozed_until, created_at, last_activity_at, \
         last_inbound_at, resolved_at, last_message_id, inbound_version, contact_owner_id)",
        &batch.conversations,
        |row, r| {
            row.field(&r.id)
                .field(&r.workspace_id)
                .field(&r.inbox_id)
                .field(&r.channel_id)
                .field(&r.contact_id)
                .field(r.status)
                .field(r.priority)
                .field(r.priority_rank)
                .field(&r.assignee_id)
                .field(r.snoozed_until)
                .field(r.created_at)
                .field(r.last_activity_at)
                .field(r.last_inbound_at)
                .field(r.resolved_at)
                .field(&r.last_message_id)
                .field(r.inbound_version)
                .field(&r.contact_owner_id);
        },
    )
    .await?;
    copy(
        c,
        "conversation_tags (conversation_id, tag)",
        &batch.tags,
        |row, r| {
            row.field(&r.0).field(&r.1);
        },
    )
    .await?;
    copy(
        c,
        "messages (id, conversation_id, channel_id, kind, author_id, body, delivery_status, created_at)",
        &batch.messages,
        |row, r| {
            row.field(&r.id)
                .field(&r.conversation_id)
                .field(&r.channel_id)
                .field(r.kind)
                .field(&r.author_id)
                .field(&r.body)
                .field(r.delivery_status)
                .field(r.created_at);
        },
    )
    .await?;
    copy(
        c,
        "events (workspace_id, inbox_id, conversation_id, actor_id, kind, data, created_at)",
        &batch.events,
        |row, r| {
            row.field(&r.workspace_id)
                .field(&r.inbox_id)
                .field(&r.conversation_id)
                .field(&r.actor_id)
                .field(r.kind)
                .field(&r.data)
                .field(r.created_at);
        },
    )
    .await?;
    copy(
        c,
        "read_cursors (conversation_id, reader, read_at)",
        &batch.cursors,
        |row, r| {
            row.field(&r.conversation_id)
                .field(&r.reader)
                .field(r.read_at);
        },
    )
    .await
}

/// Streams `rows` into `table (columns)`, each written by `write`.
async fn copy<T>(
    c: &mut PgConnection,
    table: &str,
    rows: &[T],
    write: impl Fn(&mut Row<'_>, &T),
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut copy = c.copy_in_raw(&format!("COPY {table} FROM STDIN")).await?;
    let mut buf = String::with_capacity(CHUNK + CHUNK / 4);
    for r in rows {
        let mut row = Row {
            buf: &mut buf,
            first: true,
        };
        write(&mut row, r);
        buf.push('\n');
        if buf.len() >= CHUNK {
            if let Err(e) = copy.send(buf.as_bytes()).await {
                let _ = copy.abort("send failed").await;
                return Err(e.into());
            }
            buf.clear();
        }
    }
    if !buf.is_empty() {
        if let Err(e) = copy.send(buf.as_bytes()).await {
            let _ = copy.abort("send failed").await;
            return Err(e.into());
        }
    }
    copy.finish().await?;
    Ok(())
}

/// One line of `COPY`'s text format being written: fields separated by tabs.
struct Row<'a> {
    buf: &'a mut String,
    first: bool,
}

impl Row<'_> {
    fn field(&mut self, value: impl Field) -> &mut Self {
        if !self.first {
            self.buf.push('\t');
        }
        self.first = false;
        value.write(self.buf);
        self
    }
}

/// A value as `COPY`'s text format spells it.
trait Field {
    fn write(&self, out: &mut String);
}

impl Field for &str {
    /// The text with the four characters the format gives a meaning
    /// (backslash, tab, newline, carriage return) escaped.
    fn write(&self, out: &mut String) {
        for ch in self.chars() {
            match ch {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                _ => out.push(ch),
            }
        }
    }
}

impl Field for &String {
    fn write(&self, out: &mut String) {
        self.as_str().write(out);
    }
}

impl Field for i64 {
    fn write(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl<T: Field + Copy> Field for Option<T> {
    /// `\N`, the format's NULL, for `None`.
    fn write(&self, out: &mut String) {
        match self {
            Some(v) => v.write(out),
            None => out.push_str("\\N"),
        }
    }
}

impl Field for &Option<String> {
    fn write(&self, out: &mut String) {
        self.as_deref().write(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(write: impl Fn(&mut Row<'_>)) -> String {
        let mut buf = String::new();
        write(&mut Row {
            buf: &mut buf,
            first: true,
        });
        buf
    }

    #[test]
    fn text_with_the_formats_special_characters_is_escaped() {
        let text = "a\tb\\c\nd\re \\N";
        assert_eq!(
            line(|r| {
                r.field(text).field(None::<&str>).field(7);
            }),
            "a\\tb\\\\c\\nd\\re \\\\N\t\\N\t7"
        );
    }
}

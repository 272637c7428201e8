//! Cross-node wake-ups for the live stream (DESIGN.md §6, scale-out).
//!
//! On PostgreSQL every appended event NOTIFYs [`CHANNEL`] with its workspace
//! and sequence number (an ingest batch once per workspace, with its last
//! event: a nudge, since each node reads the log from where it was), inside
//! the transaction that appends it: PostgreSQL
//! delivers the notification only if and when that transaction commits, so a
//! listener never hears of an event it cannot read yet, nor of one that was
//! rolled back. Each node's [`Listener`] then reads the events themselves
//! with [`crate::events::since`]. SQLite is one process: nothing to do.

use domain::WorkspaceId;
use sqlx::postgres::PgListener;

use crate::{Conn, Result, Store, Tx};

/// The PostgreSQL channel the events are announced on.
pub const CHANNEL: &str = "switchboard_events";

/// One announced event: enough to read it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The event's workspace.
    pub workspace_id: WorkspaceId,
    /// The event's sequence number.
    pub seq: i64,
}

/// Announces an appended event to the other nodes when `tx` commits
/// (PostgreSQL only; a no-op on SQLite).
pub(crate) async fn notify(tx: &mut Tx<'_>, workspace: &WorkspaceId, seq: i64) -> Result<()> {
    if let Conn::Postgres(c) = tx.conn() {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(format!("{workspace} {seq}"))
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// What a node announced on [`CHANNEL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announced {
    /// An appended event.
    Event(Notice),
    /// A new in-app notification (its id), for its recipient's live feeds
    /// on every node.
    Notification(String),
}

/// Announces a new in-app notification to every node (this one included)
/// when `tx` commits. `false` on SQLite: one process, the caller publishes
/// it itself.
pub async fn announce_notification(tx: &mut Tx<'_>, id: &str) -> Result<bool> {
    if let Conn::Postgres(c) = tx.conn() {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(format!("{NOTIFICATION} {id}"))
            .execute(&mut *c)
            .await?;
        return Ok(true);
    }
    Ok(false)
}

/// The first word of a notification's announcement.
const NOTIFICATION: &str = "notification";

/// A connection listening on [`CHANNEL`].
pub struct Listener(PgListener);

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Listener")
    }
}

impl Listener {
    /// Starts listening on a connection of its own. `None` on SQLite, where
    /// every writer is in this process and nothing needs announcing.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn connect(store: &Store) -> Result<Option<Self>> {
        let Some(pool) = store.postgres_pool() else {
            return Ok(None);
        };
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(Self(listener)))
    }

    /// The next announcement. `Ok(None)` means the connection was lost
    /// and is being re-established (by the next call): notices sent in
    /// between are lost, so the caller should catch up from the store.
    pub async fn recv(&mut self) -> Result<Option<Announced>> {
        loop {
            let Some(notification) = self.0.try_recv().await? else {
                return Ok(None);
            };
            // Anything else on the channel was not sent by [`notify`]: skip it.
            let payload = notification.payload();
            if let Some(id) = payload
                .strip_prefix(NOTIFICATION)
                .and_then(|rest| rest.strip_prefix(' '))
            {
                return Ok(Some(Announced::Notification(id.to_string())));
            }
            if let Some(notice) = parse(payload) {
                return Ok(Some(Announced::Event(notice)));
            }
        }
    }
}

fn parse(payload: &str) -> Option<Notice> {
    let (workspace, seq) = payload.split_once(' ')?;
    Some(Notice {
        workspace_id: WorkspaceId::parse(workspace).ok()?,
        seq: seq.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_reads_back_what_notify_wrote() {
        let ws = WorkspaceId::generate();
        let notice = parse(&format!("{ws} 42")).unwrap();
        assert_eq!(notice.workspace_id, ws);
        assert_eq!(notice.seq, 42);
        assert_eq!(parse("nonsense"), None);
        assert_eq!(parse(&format!("{ws} x")), None);
    }
}

//! The queue counters after a bulk load: migration 0016's fill, and the
//! recount the bench checks them against.

use crate::{Result, Store};

/// Migration 0016's fill of the counter tables, after emptying them.
pub(super) const REFILL_COUNTERS: [&str; 4] = [
    "DELETE FROM queue_counters",
    "DELETE FROM read_counters",
    "INSERT INTO queue_counters (inbox_id, status, assignee_key, conversations, with_inbound)
     SELECT inbox_id, status, COALESCE(assignee_id, ''), COUNT(*),
            SUM(CASE WHEN last_inbound_at IS NULL THEN 0 ELSE 1 END)
     FROM conversations
     GROUP BY inbox_id, status, COALESCE(assignee_id, '')",
    "INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
     SELECT c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, ''), COUNT(*)
     FROM read_cursors rc JOIN conversations c ON c.id = rc.conversation_id
     WHERE rc.read_at >= c.last_inbound_at
     GROUP BY c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, '')",
];

/// How many rows of the counter tables differ from a recount of the
/// conversations and read cursors (migration 0016's fill), either way:
/// 0 when the counters are exact.
pub async fn counter_drift(store: &Store) -> Result<i64> {
    let mut reader = store.read().await?;
    Ok(
        crate::on_backend!(reader.conn(), c => sqlx::query_scalar::<_, i64>(COUNTER_DRIFT)
        .fetch_one(&mut *c)
        .await)?,
    )
}

const COUNTER_DRIFT: &str = "
SELECT (SELECT COUNT(*) FROM (
  SELECT * FROM (
    SELECT inbox_id, status, COALESCE(assignee_id, '') AS k, COUNT(*) AS n,
           SUM(CASE WHEN last_inbound_at IS NULL THEN 0 ELSE 1 END) AS w
    FROM conversations GROUP BY inbox_id, status, COALESCE(assignee_id, '')
    EXCEPT
    SELECT inbox_id, status, assignee_key, conversations, with_inbound
    FROM queue_counters WHERE conversations <> 0
  ) a
  UNION ALL
  SELECT * FROM (
    SELECT inbox_id, status, assignee_key, conversations, with_inbound
    FROM queue_counters WHERE conversations <> 0
    EXCEPT
    SELECT inbox_id, status, COALESCE(assignee_id, ''), COUNT(*),
           SUM(CASE WHEN last_inbound_at IS NULL THEN 0 ELSE 1 END)
    FROM conversations GROUP BY inbox_id, status, COALESCE(assignee_id, '')
  ) b
) queue_drift) + (SELECT COUNT(*) FROM (
  SELECT * FROM (
    SELECT c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, '') AS k, COUNT(*) AS n
    FROM read_cursors rc JOIN conversations c ON c.id = rc.conversation_id
    WHERE rc.read_at >= c.last_inbound_at
    GROUP BY c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, '')
    EXCEPT
    SELECT inbox_id, reader, status, assignee_key, n FROM read_counters WHERE n <> 0
  ) c
  UNION ALL
  SELECT * FROM (
    SELECT inbox_id, reader, status, assignee_key, n FROM read_counters WHERE n <> 0
    EXCEPT
    SELECT c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, ''), COUNT(*)
    FROM read_cursors rc JOIN conversations c ON c.id = rc.conversation_id
    WHERE rc.read_at >= c.last_inbound_at
    GROUP BY c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, '')
  ) d
) read_drift)";

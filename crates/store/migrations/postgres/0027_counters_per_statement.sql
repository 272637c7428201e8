-- Counter triggers per statement, not per row (issue 12, ingest on
-- PostgreSQL). The triggers of 0016 ran one statement for every updated or
-- inserted conversation: an ingest batch updates some thirty conversations
-- in one statement, and each text paid for a trigger call and a query. They
-- also took the counter rows in the order the conversations were changed,
-- so two writers changing conversations of the same buckets in different
-- orders could deadlock. Now one trigger per statement sums the
-- statement's changes per counter row and applies them in key order.
--
-- The sums are those of 0016: a changed conversation leaves its old bucket
-- (-1, and -1 "read" for each reader who had read up to its last inbound
-- text) and enters its new one (+1, +1 for each reader who has read up to
-- its new last inbound text). A conversation whose bucket and last inbound
-- text did not change cancels out and touches no row. Each conversation's
-- cursors are read by its id (`LATERAL … OFFSET 0`, which the planner
-- cannot turn into a scan of every cursor). Lock order is unchanged: the
-- conversations first, then counter rows (see read_cursors_lock_conversation).

DROP TRIGGER queue_counters_on_insert ON conversations;
DROP TRIGGER queue_counters_on_move ON conversations;
DROP TRIGGER read_counters_on_move ON conversations;
DROP TRIGGER read_counters_on_inbound ON conversations;
DROP FUNCTION queue_counters_on_insert();
DROP FUNCTION queue_counters_on_move();
DROP FUNCTION read_counters_on_move();
DROP FUNCTION read_counters_on_inbound();

-- A new conversation has no cursor yet (a cursor's own trigger counts it).
CREATE FUNCTION counters_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO queue_counters (inbox_id, status, assignee_key, conversations, with_inbound)
    SELECT n.inbox_id, n.status, COALESCE(n.assignee_id, ''), COUNT(*), COUNT(n.last_inbound_at)
    FROM inserted n
    GROUP BY n.inbox_id, n.status, COALESCE(n.assignee_id, '')
    ORDER BY 1, 2, 3
    ON CONFLICT (inbox_id, status, assignee_key) DO UPDATE SET
        conversations = queue_counters.conversations + excluded.conversations,
        with_inbound = queue_counters.with_inbound + excluded.with_inbound;
    RETURN NULL;
END $$;

CREATE TRIGGER counters_on_insert AFTER INSERT ON conversations
REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION counters_on_insert();

CREATE FUNCTION counters_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO queue_counters (inbox_id, status, assignee_key, conversations, with_inbound)
    SELECT d.inbox_id, d.status, d.assignee_key, SUM(d.conversations), SUM(d.with_inbound) FROM (
        SELECT o.inbox_id, o.status, COALESCE(o.assignee_id, '') AS assignee_key,
               -1 AS conversations, CASE WHEN o.last_inbound_at IS NULL THEN 0 ELSE -1 END AS with_inbound
        FROM before_update o
        UNION ALL
        SELECT n.inbox_id, n.status, COALESCE(n.assignee_id, ''),
               1, CASE WHEN n.last_inbound_at IS NULL THEN 0 ELSE 1 END
        FROM after_update n
    ) AS d
    GROUP BY d.inbox_id, d.status, d.assignee_key
    HAVING SUM(d.conversations) <> 0 OR SUM(d.with_inbound) <> 0
    ORDER BY d.inbox_id, d.status, d.assignee_key
    ON CONFLICT (inbox_id, status, assignee_key) DO UPDATE SET
        conversations = queue_counters.conversations + excluded.conversations,
        with_inbound = queue_counters.with_inbound + excluded.with_inbound;

    INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
    SELECT d.inbox_id, d.reader, d.status, d.assignee_key, SUM(d.n) FROM (
        SELECT o.inbox_id, rc.reader, o.status, COALESCE(o.assignee_id, '') AS assignee_key, -1 AS n
        FROM before_update o
        CROSS JOIN LATERAL (SELECT c.reader FROM read_cursors c
                            WHERE c.conversation_id = o.id AND c.read_at >= o.last_inbound_at
                            OFFSET 0) AS rc
        UNION ALL
        SELECT n.inbox_id, rc.reader, n.status, COALESCE(n.assignee_id, ''), 1
        FROM after_update n
        CROSS JOIN LATERAL (SELECT c.reader FROM read_cursors c
                            WHERE c.conversation_id = n.id AND c.read_at >= n.last_inbound_at
                            OFFSET 0) AS rc
    ) AS d
    GROUP BY d.inbox_id, d.reader, d.status, d.assignee_key
    HAVING SUM(d.n) <> 0
    ORDER BY d.inbox_id, d.reader, d.status, d.assignee_key
    ON CONFLICT (inbox_id, reader, status, assignee_key) DO UPDATE SET n = read_counters.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER counters_on_update AFTER UPDATE ON conversations
REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update
FOR EACH STATEMENT EXECUTE FUNCTION counters_on_update();

-- Queue counters (issue 12): the badges and the sidebar read a few counter
-- rows instead of scanning every conversation. Triggers keep the counters in
-- the same transaction as every change to a conversation or a read cursor,
-- whichever code path makes it, so they cannot drift from the rows they count.
-- Same tables and triggers on both backends (PostgreSQL wraps the statements
-- in functions).
--
-- No foreign keys: deleting an inbox deletes its conversations, whose
-- triggers then bring its counters to zero; a row left at zero is harmless
-- and readers join `inboxes`, so it is never seen.

-- How many conversations each (inbox, status, assignee) holds, and how many
-- of them the customer ever wrote in (`last_inbound_at` set: the ones that
-- can be unread). assignee_key is '' for nobody.
CREATE TABLE queue_counters (
    inbox_id       TEXT NOT NULL,
    status         TEXT NOT NULL,
    assignee_key   TEXT NOT NULL,
    conversations  BIGINT NOT NULL,
    with_inbound   BIGINT NOT NULL,
    PRIMARY KEY (inbox_id, status, assignee_key)
);

-- How many of those a reader ('*' for a shared inbox's team cursor) has read
-- since the customer last wrote: unread = with_inbound - read.
CREATE TABLE read_counters (
    inbox_id      TEXT NOT NULL,
    reader        TEXT NOT NULL,
    status        TEXT NOT NULL,
    assignee_key  TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (inbox_id, reader, status, assignee_key)
);

INSERT INTO queue_counters (inbox_id, status, assignee_key, conversations, with_inbound)
SELECT inbox_id, status, COALESCE(assignee_id, ''), COUNT(*),
       SUM(CASE WHEN last_inbound_at IS NULL THEN 0 ELSE 1 END)
FROM conversations
GROUP BY inbox_id, status, COALESCE(assignee_id, '');

INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
SELECT c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, ''), COUNT(*)
FROM read_cursors rc JOIN conversations c ON c.id = rc.conversation_id
WHERE rc.read_at >= c.last_inbound_at
GROUP BY c.inbox_id, rc.reader, c.status, COALESCE(c.assignee_id, '');

CREATE TRIGGER queue_counters_on_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO queue_counters (inbox_id, status, assignee_key, conversations, with_inbound)
    VALUES (new.inbox_id, new.status, COALESCE(new.assignee_id, ''), 1,
            CASE WHEN new.last_inbound_at IS NULL THEN 0 ELSE 1 END)
    ON CONFLICT (inbox_id, status, assignee_key) DO UPDATE SET
        conversations = queue_counters.conversations + excluded.conversations,
        with_inbound = queue_counters.with_inbound + excluded.with_inbound;
END;

-- Only when the conversation changes bucket; a new text in a conversation
-- already waiting for an answer touches no counter row.
CREATE TRIGGER queue_counters_on_move AFTER UPDATE OF inbox_id, status, assignee_id, last_inbound_at ON conversations
WHEN old.inbox_id <> new.inbox_id OR old.status <> new.status
  OR old.assignee_id IS NOT new.assignee_id
  OR (old.last_inbound_at IS NULL) <> (new.last_inbound_at IS NULL)
BEGIN
    INSERT INTO queue_counters (inbox_id, status, assignee_key, conversations, with_inbound)
    SELECT inbox_id, status, assignee_key, SUM(conversations), SUM(with_inbound) FROM (
        SELECT old.inbox_id AS inbox_id, old.status AS status, COALESCE(old.assignee_id, '') AS assignee_key,
               -1 AS conversations, CASE WHEN old.last_inbound_at IS NULL THEN 0 ELSE -1 END AS with_inbound
        UNION ALL
        SELECT new.inbox_id, new.status, COALESCE(new.assignee_id, ''),
               1, CASE WHEN new.last_inbound_at IS NULL THEN 0 ELSE 1 END
    ) AS delta
    WHERE TRUE
    GROUP BY inbox_id, status, assignee_key
    HAVING SUM(conversations) <> 0 OR SUM(with_inbound) <> 0
    ORDER BY inbox_id, status, assignee_key
    ON CONFLICT (inbox_id, status, assignee_key) DO UPDATE SET
        conversations = queue_counters.conversations + excluded.conversations,
        with_inbound = queue_counters.with_inbound + excluded.with_inbound;
END;

-- A change of bucket moves each reader's "read" from the old bucket to the
-- new (and, with a new text at once, takes it from those who had read it).
CREATE TRIGGER read_counters_on_move AFTER UPDATE OF inbox_id, status, assignee_id, last_inbound_at ON conversations
WHEN old.inbox_id <> new.inbox_id OR old.status <> new.status
  OR old.assignee_id IS NOT new.assignee_id
BEGIN
    INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
    SELECT inbox_id, reader, status, assignee_key, SUM(n) FROM (
        SELECT old.inbox_id AS inbox_id, rc.reader AS reader, old.status AS status,
               COALESCE(old.assignee_id, '') AS assignee_key, -1 AS n
        FROM read_cursors rc WHERE rc.conversation_id = old.id AND rc.read_at >= old.last_inbound_at
        UNION ALL
        SELECT new.inbox_id, rc.reader, new.status, COALESCE(new.assignee_id, ''), 1
        FROM read_cursors rc WHERE rc.conversation_id = new.id AND rc.read_at >= new.last_inbound_at
    ) AS delta
    WHERE TRUE
    GROUP BY inbox_id, reader, status, assignee_key
    HAVING SUM(n) <> 0
    ORDER BY inbox_id, reader, status, assignee_key
    ON CONFLICT (inbox_id, reader, status, assignee_key) DO UPDATE SET n = read_counters.n + excluded.n;
END;

-- A customer writing again, nothing else moved (the inbound path's common
-- case, kept to one lookup): each reader who had read up to the previous
-- text has not read this one.
CREATE TRIGGER read_counters_on_inbound AFTER UPDATE OF last_inbound_at ON conversations
WHEN old.inbox_id = new.inbox_id AND old.status = new.status
  AND old.assignee_id IS new.assignee_id
  AND old.last_inbound_at IS NOT new.last_inbound_at
BEGIN
    INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
    SELECT new.inbox_id, d.reader, new.status, COALESCE(new.assignee_id, ''), d.n FROM (
        SELECT rc.reader AS reader,
               CASE WHEN rc.read_at >= new.last_inbound_at THEN 1 ELSE 0 END
               - CASE WHEN rc.read_at >= old.last_inbound_at THEN 1 ELSE 0 END AS n
        FROM read_cursors rc WHERE rc.conversation_id = new.id
    ) AS d
    WHERE d.n <> 0
    ORDER BY d.reader
    ON CONFLICT (inbox_id, reader, status, assignee_key) DO UPDATE SET n = read_counters.n + excluded.n;
END;

-- BEFORE: the conversation's read cursors are still there (deleting it
-- deletes them, and their own trigger then finds no conversation).
CREATE TRIGGER queue_counters_on_delete BEFORE DELETE ON conversations BEGIN
    UPDATE queue_counters SET
        conversations = conversations - 1,
        with_inbound = with_inbound - CASE WHEN old.last_inbound_at IS NULL THEN 0 ELSE 1 END
    WHERE inbox_id = old.inbox_id AND status = old.status AND assignee_key = COALESCE(old.assignee_id, '');
    UPDATE read_counters SET n = n - 1
    WHERE inbox_id = old.inbox_id AND status = old.status AND assignee_key = COALESCE(old.assignee_id, '')
      AND reader IN (SELECT rc.reader FROM read_cursors rc
                     WHERE rc.conversation_id = old.id AND rc.read_at >= old.last_inbound_at);
END;

CREATE TRIGGER read_counters_on_cursor_insert AFTER INSERT ON read_cursors BEGIN
    INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
    SELECT c.inbox_id, new.reader, c.status, COALESCE(c.assignee_id, ''), 1
    FROM conversations c
    WHERE c.id = new.conversation_id AND new.read_at >= c.last_inbound_at
    ON CONFLICT (inbox_id, reader, status, assignee_key) DO UPDATE SET n = read_counters.n + excluded.n;
END;

CREATE TRIGGER read_counters_on_cursor_move AFTER UPDATE OF read_at ON read_cursors BEGIN
    INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
    SELECT c.inbox_id, new.reader, c.status, COALESCE(c.assignee_id, ''),
           CASE WHEN new.read_at >= c.last_inbound_at THEN 1 ELSE 0 END
           - CASE WHEN old.read_at >= c.last_inbound_at THEN 1 ELSE 0 END
    FROM conversations c
    WHERE c.id = new.conversation_id
      AND (CASE WHEN new.read_at >= c.last_inbound_at THEN 1 ELSE 0 END)
          <> (CASE WHEN old.read_at >= c.last_inbound_at THEN 1 ELSE 0 END)
    ON CONFLICT (inbox_id, reader, status, assignee_key) DO UPDATE SET n = read_counters.n + excluded.n;
END;

CREATE TRIGGER read_counters_on_cursor_delete AFTER DELETE ON read_cursors BEGIN
    UPDATE read_counters SET n = n - 1
    WHERE reader = old.reader
      AND (inbox_id, status, assignee_key) IN (
          SELECT c.inbox_id, c.status, COALESCE(c.assignee_id, '') FROM conversations c
          WHERE c.id = old.conversation_id AND old.read_at >= c.last_inbound_at);
END;

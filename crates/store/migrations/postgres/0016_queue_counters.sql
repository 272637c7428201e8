-- Queue counters (issue 12): the badges and the sidebar read a few counter
-- rows instead of scanning every conversation. Triggers keep the counters in
-- the same transaction as every change to a conversation or a read cursor,
-- whichever code path makes it, so they cannot drift from the rows they count.
-- Same tables and statements as on SQLite, wrapped in trigger functions.
--
-- Concurrent writers: every change is an atomic `n = n + delta` on the
-- counter row (never read, add, write back). A statement that moves one
-- conversation from one bucket to another changes both rows in key order, so
-- two transactions moving conversations in opposite directions cannot
-- deadlock on them. A cursor's trigger locks its conversation's row first, so
-- it sees the conversation as the transaction that last changed it left it.
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

-- Writers wait while the counters are filled, so none is missed or counted twice.
LOCK TABLE conversations, read_cursors IN SHARE ROW EXCLUSIVE MODE;

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

CREATE FUNCTION queue_counters_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO queue_counters (inbox_id, status, assignee_key, conversations, with_inbound)
    VALUES (NEW.inbox_id, NEW.status, COALESCE(NEW.assignee_id, ''), 1,
            CASE WHEN NEW.last_inbound_at IS NULL THEN 0 ELSE 1 END)
    ON CONFLICT (inbox_id, status, assignee_key) DO UPDATE SET
        conversations = queue_counters.conversations + excluded.conversations,
        with_inbound = queue_counters.with_inbound + excluded.with_inbound;
    RETURN NULL;
END $$;

CREATE TRIGGER queue_counters_on_insert AFTER INSERT ON conversations
FOR EACH ROW EXECUTE FUNCTION queue_counters_on_insert();

-- Only when the conversation changes bucket; a new text in a conversation
-- already waiting for an answer touches no counter row.
CREATE FUNCTION queue_counters_on_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO queue_counters (inbox_id, status, assignee_key, conversations, with_inbound)
    SELECT d.inbox_id, d.status, d.assignee_key, SUM(d.conversations), SUM(d.with_inbound) FROM (
        SELECT OLD.inbox_id AS inbox_id, OLD.status AS status, COALESCE(OLD.assignee_id, '') AS assignee_key,
               -1 AS conversations, CASE WHEN OLD.last_inbound_at IS NULL THEN 0 ELSE -1 END AS with_inbound
        UNION ALL
        SELECT NEW.inbox_id, NEW.status, COALESCE(NEW.assignee_id, ''),
               1, CASE WHEN NEW.last_inbound_at IS NULL THEN 0 ELSE 1 END
    ) AS d
    GROUP BY d.inbox_id, d.status, d.assignee_key
    HAVING SUM(d.conversations) <> 0 OR SUM(d.with_inbound) <> 0
    ORDER BY d.inbox_id, d.status, d.assignee_key
    ON CONFLICT (inbox_id, status, assignee_key) DO UPDATE SET
        conversations = queue_counters.conversations + excluded.conversations,
        with_inbound = queue_counters.with_inbound + excluded.with_inbound;
    RETURN NULL;
END $$;

CREATE TRIGGER queue_counters_on_move AFTER UPDATE OF inbox_id, status, assignee_id, last_inbound_at ON conversations
FOR EACH ROW
WHEN (OLD.inbox_id <> NEW.inbox_id OR OLD.status <> NEW.status
  OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
  OR (OLD.last_inbound_at IS NULL) <> (NEW.last_inbound_at IS NULL))
EXECUTE FUNCTION queue_counters_on_move();

-- A change of bucket moves each reader's "read" from the old bucket to the
-- new (and, with a new text at once, takes it from those who had read it).
CREATE FUNCTION read_counters_on_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
    SELECT d.inbox_id, d.reader, d.status, d.assignee_key, SUM(d.n) FROM (
        SELECT OLD.inbox_id AS inbox_id, rc.reader AS reader, OLD.status AS status,
               COALESCE(OLD.assignee_id, '') AS assignee_key, -1 AS n
        FROM read_cursors rc WHERE rc.conversation_id = OLD.id AND rc.read_at >= OLD.last_inbound_at
        UNION ALL
        SELECT NEW.inbox_id, rc.reader, NEW.status, COALESCE(NEW.assignee_id, ''), 1
        FROM read_cursors rc WHERE rc.conversation_id = NEW.id AND rc.read_at >= NEW.last_inbound_at
    ) AS d
    GROUP BY d.inbox_id, d.reader, d.status, d.assignee_key
    HAVING SUM(d.n) <> 0
    ORDER BY d.inbox_id, d.reader, d.status, d.assignee_key
    ON CONFLICT (inbox_id, reader, status, assignee_key) DO UPDATE SET n = read_counters.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER read_counters_on_move AFTER UPDATE OF inbox_id, status, assignee_id, last_inbound_at ON conversations
FOR EACH ROW
WHEN (OLD.inbox_id <> NEW.inbox_id OR OLD.status <> NEW.status
  OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
EXECUTE FUNCTION read_counters_on_move();

-- A customer writing again, nothing else moved (the inbound path's common
-- case, kept to one lookup): each reader who had read up to the previous
-- text has not read this one.
CREATE FUNCTION read_counters_on_inbound() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
    SELECT NEW.inbox_id, d.reader, NEW.status, COALESCE(NEW.assignee_id, ''), d.n FROM (
        SELECT rc.reader AS reader,
               CASE WHEN rc.read_at >= NEW.last_inbound_at THEN 1 ELSE 0 END
               - CASE WHEN rc.read_at >= OLD.last_inbound_at THEN 1 ELSE 0 END AS n
        FROM read_cursors rc WHERE rc.conversation_id = NEW.id
    ) AS d
    WHERE d.n <> 0
    ORDER BY d.reader
    ON CONFLICT (inbox_id, reader, status, assignee_key) DO UPDATE SET n = read_counters.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER read_counters_on_inbound AFTER UPDATE OF last_inbound_at ON conversations
FOR EACH ROW
WHEN (OLD.inbox_id = NEW.inbox_id AND OLD.status = NEW.status
  AND OLD.assignee_id IS NOT DISTINCT FROM NEW.assignee_id
  AND OLD.last_inbound_at IS DISTINCT FROM NEW.last_inbound_at)
EXECUTE FUNCTION read_counters_on_inbound();

-- BEFORE: the conversation's read cursors are still there (deleting it
-- deletes them, and their own trigger then finds no conversation).
CREATE FUNCTION queue_counters_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE queue_counters SET
        conversations = conversations - 1,
        with_inbound = with_inbound - CASE WHEN OLD.last_inbound_at IS NULL THEN 0 ELSE 1 END
    WHERE inbox_id = OLD.inbox_id AND status = OLD.status AND assignee_key = COALESCE(OLD.assignee_id, '');
    UPDATE read_counters SET n = n - 1
    WHERE inbox_id = OLD.inbox_id AND status = OLD.status AND assignee_key = COALESCE(OLD.assignee_id, '')
      AND reader IN (SELECT rc.reader FROM read_cursors rc
                     WHERE rc.conversation_id = OLD.id AND rc.read_at >= OLD.last_inbound_at);
    RETURN OLD;
END $$;

CREATE TRIGGER queue_counters_on_delete BEFORE DELETE ON conversations
FOR EACH ROW EXECUTE FUNCTION queue_counters_on_delete();

-- One function for a cursor's insert, move and delete: the difference it
-- makes to "read" in its conversation's current bucket.
CREATE FUNCTION read_counters_on_cursor() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    conversation_key TEXT;
    reader_key TEXT;
    was_read_at BIGINT;
    now_read_at BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        conversation_key := OLD.conversation_id;
        reader_key := OLD.reader;
        was_read_at := OLD.read_at;
    ELSE
        conversation_key := NEW.conversation_id;
        reader_key := NEW.reader;
        now_read_at := NEW.read_at;
        IF TG_OP = 'UPDATE' THEN
            was_read_at := OLD.read_at;
        END IF;
    END IF;
    -- Wait for a transaction changing the conversation, then read what it
    -- left (an insert or an upsert took this lock already, before the cursor's).
    PERFORM 1 FROM conversations WHERE id = conversation_key FOR NO KEY UPDATE;
    INSERT INTO read_counters (inbox_id, reader, status, assignee_key, n)
    SELECT c.inbox_id, reader_key, c.status, COALESCE(c.assignee_id, ''),
           CASE WHEN now_read_at >= c.last_inbound_at THEN 1 ELSE 0 END
           - CASE WHEN was_read_at >= c.last_inbound_at THEN 1 ELSE 0 END
    FROM conversations c
    WHERE c.id = conversation_key
      AND (CASE WHEN now_read_at >= c.last_inbound_at THEN 1 ELSE 0 END)
          <> (CASE WHEN was_read_at >= c.last_inbound_at THEN 1 ELSE 0 END)
    ON CONFLICT (inbox_id, reader, status, assignee_key) DO UPDATE SET n = read_counters.n + excluded.n;
    RETURN NULL;
END $$;

-- Lock order: the conversation, then the cursor, then counter rows, as a
-- change to the conversation does (conversation, then counter rows), so a
-- read and a change to the same conversation wait for each other instead of
-- deadlocking. BEFORE INSERT fires before an upsert locks an existing cursor.
CREATE FUNCTION read_cursors_lock_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM conversations WHERE id = NEW.conversation_id FOR NO KEY UPDATE;
    RETURN NEW;
END $$;

CREATE TRIGGER read_cursors_lock_conversation BEFORE INSERT ON read_cursors
FOR EACH ROW EXECUTE FUNCTION read_cursors_lock_conversation();

CREATE TRIGGER read_counters_on_cursor AFTER INSERT OR DELETE OR UPDATE OF read_at ON read_cursors
FOR EACH ROW EXECUTE FUNCTION read_counters_on_cursor();

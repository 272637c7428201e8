-- Fewer index entries per inbound text (issue 12, ingest). Every text moves
-- its conversation's `last_activity_at`, so each update of `conversations`
-- writes an entry into every index that carries a changed column (SQLite)
-- or into every index whose predicate the row meets (PostgreSQL: an update
-- that changes an indexed column is never HOT).
--
-- `conversations_queue` (workspace, inbox, status, assignee, activity) served
-- the list views before migrations 0003, 0017 and 0021 gave each its own
-- index in the page's order. What still read it: auto-assignment's
-- Unassigned queue of one inbox, oldest first (store::assignment::waiting and
-- oldest_unassigned), which sorted the whole queue from it. This partial index
-- holds only the conversations in that queue, in that order; a conversation
-- leaves it when someone takes it. Each agent's count of open conversations
-- (store::assignment::candidates) reads conversations_open_by_assignee.
DROP INDEX conversations_queue;
CREATE INDEX conversations_unassigned_by_created
    ON conversations (inbox_id, created_at, id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold') AND assignee_id IS NULL;

-- Only a reopened conversation names the one before it (a few percent):
-- the others need no entry.
DROP INDEX conversations_by_previous;
CREATE INDEX conversations_by_previous ON conversations (previous_id)
    WHERE previous_id IS NOT NULL;

-- SLA targets (issue 14): an inbox's targets per priority, as JSON
-- ({"normal": {"first_response_mins": 60, ...}, ...}); the domain checks it
-- on the way in and again on the way out.
CREATE TABLE inbox_sla (
    inbox_id    TEXT PRIMARY KEY REFERENCES inboxes (id) ON DELETE CASCADE,
    policy      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Each conversation's next due time (NULL: nothing due), the target that
-- led to it (for "due soon"), and the due time whose breach was recorded,
-- so that a breach is recorded once however often its job runs.
ALTER TABLE conversations ADD COLUMN sla_due_at BIGINT;
ALTER TABLE conversations ADD COLUMN sla_target_secs BIGINT;
ALTER TABLE conversations ADD COLUMN sla_breached_due_at BIGINT;

-- `sort=due`: breaching soonest first, per workspace and per inbox. The key
-- is the list's own expression (nothing due sorts last), so that a page walks
-- the index and stops instead of sorting every row.
CREATE INDEX conversations_list_by_due
    ON conversations (workspace_id, (COALESCE(sla_due_at, 9223372036854775807)), id);
CREATE INDEX conversations_inbox_list_by_due
    ON conversations (inbox_id, (COALESCE(sla_due_at, 9223372036854775807)), id);

-- Due times follow every message, status and priority change: a reaction
-- of its own, starting at the log's head like the others.
INSERT INTO reaction_cursors (reaction, after_xid, after_seq, holder, lease_until, updated_at)
SELECT 'sla', pg_current_xact_id()::text::bigint, (SELECT COALESCE(MAX(seq), 0) FROM events), NULL, NULL, 0;

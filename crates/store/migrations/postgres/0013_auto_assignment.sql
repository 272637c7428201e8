-- Auto-assignment: each inbox's policy and its round-robin pointer. An
-- inbox without a row is manual (nobody is chosen). The pointer is the
-- member chosen last; the auto-assignment job updates this row first, so
-- that on PostgreSQL every node's choice for one inbox waits its turn on
-- the row's lock and no two nodes hand out the same turn.
CREATE TABLE inbox_assignment (
    inbox_id      TEXT PRIMARY KEY REFERENCES inboxes (id) ON DELETE CASCADE,
    mode          TEXT NOT NULL DEFAULT 'manual'
                  CHECK (mode IN ('manual', 'round_robin', 'balanced', 'contact_owner')),
    cap           BIGINT CHECK (cap IS NULL OR cap > 0),
    fallback      TEXT CHECK (fallback IS NULL OR fallback IN ('manual', 'round_robin', 'balanced')),
    last_user_id  TEXT,
    turns         BIGINT NOT NULL DEFAULT 0,
    updated_at    BIGINT NOT NULL
);

-- The assignment reaction starts at the log's head.
INSERT INTO reaction_cursors (reaction, after_xid, after_seq, holder, lease_until, updated_at)
SELECT 'assignment', pg_current_xact_id()::text::bigint, (SELECT COALESCE(MAX(seq), 0) FROM events), NULL, NULL, 0;

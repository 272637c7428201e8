-- Out-of-office (issue 14): an inbox's business hours and automatic reply.
-- The week and the holidays are JSON as people write them
-- ({"mon": [["09:00", "17:00"]], ...}; ["2026-12-25"]); the domain checks
-- them on the way in and again on the way out.
CREATE TABLE inbox_out_of_office (
    inbox_id     TEXT PRIMARY KEY REFERENCES inboxes (id) ON DELETE CASCADE,
    enabled      BOOLEAN NOT NULL,
    time_zone    TEXT NOT NULL,
    hours        TEXT NOT NULL,
    holidays     TEXT NOT NULL,
    message      TEXT NOT NULL,
    away_now     BOOLEAN NOT NULL,
    every_hours  BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- When each conversation last got an automatic reply: the "at most once per
-- N hours" rule is one conditional upsert, so two nodes never both send.
CREATE TABLE auto_replies (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    sent_at         BIGINT NOT NULL
);

-- Replies Switchboard sent by itself; the timeline says "Automatic reply".
ALTER TABLE messages ADD COLUMN automatic BOOLEAN NOT NULL DEFAULT FALSE;

-- Inbound messages while the team is away get the automatic reply: a
-- reaction of its own, starting at the log's head like the others.
INSERT INTO reaction_cursors (reaction, after_xid, after_seq, holder, lease_until, updated_at)
SELECT 'auto_replies', pg_current_xact_id()::text::bigint, (SELECT COALESCE(MAX(seq), 0) FROM events), NULL, NULL, 0;

-- Inbound messages forwarded by email (an inbox's forward_to_email): a
-- reaction of its own, starting at the log's head like the others.
INSERT INTO reaction_cursors (reaction, after_xid, after_seq, holder, lease_until, updated_at)
SELECT 'forwarding', pg_current_xact_id()::text::bigint, (SELECT COALESCE(MAX(seq), 0) FROM events), NULL, NULL, 0;

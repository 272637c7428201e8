-- Indexes for the background jobs and for deleting an inbox. Same text on
-- SQLite and PostgreSQL (partial indexes work on both).

-- The wake job (`conversations::due_to_wake`): snoozed conversations by the
-- time they wake, without scanning every conversation on each tick.
CREATE INDEX conversations_due_to_wake ON conversations (snoozed_until) WHERE status = 'snoozed';

-- The auto-close job (`conversations::due_to_close`): resolved conversations
-- by when they were resolved.
CREATE INDEX conversations_due_to_close ON conversations (resolved_at) WHERE status = 'resolved';

-- Foreign keys whose referencing side had no index: deleting a conversation
-- (one per row when an inbox is deleted) or a channel would otherwise scan
-- the whole table once per deleted row.
CREATE INDEX conversations_by_previous ON conversations (previous_id);
CREATE INDEX conversations_by_channel ON conversations (channel_id);
CREATE INDEX jobs_by_conversation ON jobs (conversation_id);

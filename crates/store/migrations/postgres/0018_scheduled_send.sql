-- Scheduled send (issue 14): a reply written now that goes at `send_at`.
-- It is a message with delivery_status 'scheduled' until its job releases
-- it ('queued', then the usual delivery) or someone cancels it ('cancelled').
ALTER TABLE messages ADD COLUMN send_at BIGINT;

-- "Has this conversation a reply waiting to go?", asked for every customer
-- message: partial, so it holds only the few replies not yet sent and the
-- question costs one probe of a tiny index.
CREATE INDEX messages_scheduled ON messages (conversation_id, created_at)
    WHERE delivery_status = 'scheduled';

-- Each inbox's scheduled-send policy. An inbox without a row has the
-- default: a scheduled reply is cancelled when the customer writes first.
CREATE TABLE inbox_scheduled_send (
    inbox_id         TEXT PRIMARY KEY REFERENCES inboxes (id) ON DELETE CASCADE,
    cancel_on_reply  BOOLEAN NOT NULL,
    updated_at       BIGINT NOT NULL
);

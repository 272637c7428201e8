-- Files the team sends as MMS (issue 10): uploaded once, kept in the
-- database so every node serves them, and linked to each message that
-- carries them by a public, unguessable, expiring token (Twilio fetches
-- the file from that URL).
CREATE TABLE media (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    uploader_id   TEXT REFERENCES users (id) ON DELETE SET NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    bytes         BYTEA NOT NULL,
    created_at    BIGINT NOT NULL
);
-- The sweep's "uploads never sent": oldest first.
CREATE INDEX media_created ON media (created_at);

-- One row per attachment of a sent message, looked up by its token's SHA-256
-- like every secret. The row stays after expiry (the team still sees the file
-- in the timeline) and goes with its message.
CREATE TABLE media_links (
    token_hash    TEXT PRIMARY KEY,
    media_id      TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    message_id    TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    -- The attachment's place in the message's list (0-based).
    position      BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
-- Whether a media item is still used (the sweep); a message's attachments.
CREATE INDEX media_links_media ON media_links (media_id);
CREATE UNIQUE INDEX media_links_message ON media_links (message_id, position);

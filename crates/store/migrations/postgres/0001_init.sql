-- Switchboard schema, PostgreSQL dialect. Keep in step with ../sqlite/0001_init.sql:
-- same tables, columns and index names; only types and full-text search differ.
-- Timestamps are UTC milliseconds since the epoch (BIGINT) so that one SQL text
-- compares and sorts them the same way on both backends.

CREATE TABLE workspaces (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    default_region  TEXT NOT NULL DEFAULT 'US',
    created_at      BIGINT NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL,
    name            TEXT NOT NULL,
    password_hash   TEXT,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE workspace_members (
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('agent', 'admin', 'owner')),
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_by_user ON workspace_members (user_id);

CREATE TABLE inboxes (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('shared', 'personal')),
    owner_id          TEXT REFERENCES users (id) ON DELETE SET NULL,
    name              TEXT NOT NULL,
    emoji             TEXT NOT NULL,
    color             TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    api_code          TEXT NOT NULL,
    unread_mode       TEXT NOT NULL CHECK (unread_mode IN ('per_user', 'shared')),
    registration      TEXT NOT NULL,
    forward_to_email  TEXT,
    voice_forward_to  TEXT,
    auto_close_secs   BIGINT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX inboxes_api_code ON inboxes (workspace_id, api_code);

-- Membership gives access; position and muted are the member's own view.
CREATE TABLE inbox_members (
    inbox_id    TEXT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position    BIGINT NOT NULL DEFAULT 0,
    muted       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (inbox_id, user_id)
);
CREATE INDEX inbox_members_by_user ON inbox_members (user_id, position);

CREATE TABLE channels (
    id          TEXT PRIMARY KEY,
    inbox_id    TEXT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('sms', 'email')),
    provider    TEXT NOT NULL,
    address     TEXT NOT NULL,
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX channels_address ON channels (kind, address);
CREATE INDEX channels_by_inbox ON channels (inbox_id);

CREATE TABLE contacts (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name          TEXT NOT NULL DEFAULT '',
    phone         TEXT,
    email         TEXT,
    owner_id      TEXT REFERENCES users (id) ON DELETE SET NULL,
    opted_out_at  BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX contacts_phone ON contacts (workspace_id, phone);
CREATE UNIQUE INDEX contacts_email ON contacts (workspace_id, lower(email));
CREATE INDEX contacts_owner ON contacts (workspace_id, owner_id);
CREATE INDEX contacts_name ON contacts (workspace_id, name);

CREATE TABLE conversations (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    inbox_id          TEXT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    channel_id        TEXT REFERENCES channels (id) ON DELETE SET NULL,
    contact_id        TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'snoozed', 'resolved', 'closed')),
    priority          TEXT NOT NULL,
    priority_rank     BIGINT NOT NULL DEFAULT 0,
    assignee_id       TEXT REFERENCES users (id) ON DELETE SET NULL,
    subject           TEXT,
    snoozed_until     BIGINT,
    previous_id       TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    inbound_version   BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    last_activity_at  BIGINT NOT NULL,
    last_inbound_at   BIGINT,
    resolved_at       BIGINT,
    last_message_id   TEXT
);
-- The queue: one inbox's (or every inbox's) conversations by status and owner, newest first.
CREATE INDEX conversations_queue ON conversations (workspace_id, inbox_id, status, assignee_id, last_activity_at);
CREATE INDEX conversations_by_assignee ON conversations (workspace_id, assignee_id, status, last_activity_at);
CREATE INDEX conversations_by_contact ON conversations (contact_id);
-- One thread per contact and inbox: only a closed conversation lets a new one start.
CREATE UNIQUE INDEX conversations_one_active ON conversations (inbox_id, contact_id) WHERE status <> 'closed';

CREATE TABLE conversation_tags (
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    tag              TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_by_tag ON conversation_tags (tag, conversation_id);

CREATE TABLE links (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    external_id      TEXT NOT NULL,
    url              TEXT NOT NULL,
    title            TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX links_by_conversation ON links (conversation_id);

CREATE TABLE messages (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel_id       TEXT REFERENCES channels (id) ON DELETE SET NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('inbound', 'outbound', 'note')),
    author_id        TEXT REFERENCES users (id) ON DELETE SET NULL,
    body             TEXT NOT NULL,
    attachments      TEXT NOT NULL DEFAULT '[]',
    delivery_status  TEXT,
    provider_id      TEXT,
    error_code       TEXT,
    error_message    TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX messages_timeline ON messages (conversation_id, created_at);
-- A provider's retried webhook stores nothing new.
CREATE UNIQUE INDEX messages_provider_id ON messages (channel_id, provider_id);

-- Full-text search over message bodies.
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED;
CREATE INDEX messages_search ON messages USING GIN (search);

CREATE TABLE events (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    inbox_id         TEXT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    actor_id         TEXT REFERENCES users (id) ON DELETE SET NULL,
    kind             TEXT NOT NULL,
    data             TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX events_timeline ON events (conversation_id, seq);
CREATE INDEX events_stream ON events (workspace_id, seq);

-- reader is a user id, or '*' for the team's cursor in a shared-unread inbox.
CREATE TABLE read_cursors (
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    reader           TEXT NOT NULL,
    read_at          BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, reader)
);

CREATE TABLE reply_locks (
    conversation_id  TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    holder_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at       BIGINT NOT NULL
);

CREATE TABLE presence (
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at       BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

-- id is the SHA-256 of the cookie value: a leaked table opens no session.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- The durable job queue: everything that leaves the process goes through here.
CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    conversation_id  TEXT REFERENCES conversations (id) ON DELETE CASCADE,
    dedupe_key       TEXT,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    run_at           BIGINT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL DEFAULT 10,
    locked_until     BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key);
CREATE INDEX jobs_due ON jobs (status, run_at);

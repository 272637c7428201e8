-- Notifications (issue 13): who is told what about an inbox, each member's
-- choice per trigger, the in-app notification centre, and the throttle that
-- folds an ongoing conversation's messages into one notification per target.
-- Same tables on both backends.

-- An inbox's notification settings. No row: the defaults (180 s, default
-- targets). targets NULL: the default targets (services::notifications).
CREATE TABLE inbox_notify_settings (
    inbox_id       TEXT PRIMARY KEY REFERENCES inboxes (id) ON DELETE CASCADE,
    throttle_secs  BIGINT NOT NULL,
    targets        TEXT,
    updated_at     BIGINT NOT NULL
);

-- A member's choice of medium per trigger; no row: the default.
CREATE TABLE notification_preferences (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    trigger_name  TEXT NOT NULL,
    medium        TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id, trigger_name)
);

-- The in-app notification centre.
CREATE TABLE notifications (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    inbox_id         TEXT REFERENCES inboxes (id) ON DELETE CASCADE,
    conversation_id  TEXT REFERENCES conversations (id) ON DELETE CASCADE,
    trigger_name     TEXT NOT NULL,
    body             TEXT NOT NULL,
    event_seq        BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    read_at          BIGINT
);
-- A job run twice (a worker that died after committing) notifies once.
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, event_seq, trigger_name);
CREATE INDEX notifications_by_user ON notifications (workspace_id, user_id, id);
CREATE INDEX notifications_unread ON notifications (workspace_id, user_id) WHERE read_at IS NULL;

-- When each target was last told about each conversation (the throttle).
CREATE TABLE notify_throttle (
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    target           TEXT NOT NULL,
    notified_at      BIGINT NOT NULL,
    event_seq        BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, target)
);

-- The notifications reaction starts at the log's head.
INSERT INTO reaction_cursors (reaction, after_xid, after_seq, holder, lease_until, updated_at)
SELECT 'notifications', 0, (SELECT COALESCE(MAX(seq), 0) FROM events), NULL, NULL, 0;

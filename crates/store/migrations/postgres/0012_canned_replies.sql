-- Canned replies: the workspace's shared ones (owner_id NULL) and each
-- member's personal ones. A shortcut is unique among the shared replies and
-- among one user's own; the '' stands in for NULL so that one index covers both.
CREATE TABLE canned_replies (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    shortcut      TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX canned_replies_shortcut ON canned_replies (workspace_id, COALESCE(owner_id, ''), shortcut);

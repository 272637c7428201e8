-- Slack (issue 13): a workspace's connection to one Slack workspace, and
-- which Slack messages show which conversation, so that later changes
-- update them in place. Same tables on both backends.

-- The bot token and signing secret are never returned by the API or
-- printed; `team_id` (from auth.test) finds the connection of an
-- interaction. `token_problem` says why Slack refused the token last
-- (revoked, invalid) and since when, for the admins.
CREATE TABLE slack_connections (
    workspace_id      TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    team_id           TEXT NOT NULL,
    team_name         TEXT NOT NULL,
    bot_user          TEXT NOT NULL,
    bot_token         TEXT NOT NULL,
    signing_secret    TEXT NOT NULL,
    connected_at      BIGINT NOT NULL,
    token_problem     TEXT,
    token_problem_at  BIGINT
);
CREATE INDEX slack_connections_team ON slack_connections (team_id);

-- One row per notification posted and not hidden.
CREATE TABLE slack_messages (
    channel          TEXT NOT NULL,
    ts               TEXT NOT NULL,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (channel, ts)
);
CREATE INDEX slack_messages_conversation ON slack_messages (conversation_id);

-- The reaction that updates those messages starts at the log's head.
INSERT INTO reaction_cursors (reaction, after_xid, after_seq, holder, lease_until, updated_at)
SELECT 'slack', 0, (SELECT COALESCE(MAX(seq), 0) FROM events), NULL, NULL, 0;

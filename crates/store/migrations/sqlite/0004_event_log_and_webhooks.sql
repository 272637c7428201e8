-- The event log read in commit-consistent order (store::log), the reactions'
-- cursors and leases, and outgoing webhooks. Same versions and names on both
-- backends; only the log's position differs: SQLite has one writer, so its
-- sequence numbers are commit order already and need no xid.

-- One row per reaction: how far it has read, and which node holds it.
CREATE TABLE reaction_cursors (
    reaction      TEXT PRIMARY KEY,
    after_xid     BIGINT NOT NULL,
    after_seq     BIGINT NOT NULL,
    holder        TEXT,
    lease_until   BIGINT,
    updated_at    BIGINT NOT NULL
);

-- The reactions there are start at the log's head: they react to what
-- happens from now on (earlier events were handled the way they were then).
INSERT INTO reaction_cursors (reaction, after_xid, after_seq, holder, lease_until, updated_at)
SELECT name, 0, (SELECT COALESCE(MAX(seq), 0) FROM events), NULL, NULL, 0
FROM (SELECT 'deliveries' AS name UNION ALL SELECT 'lifecycle' UNION ALL SELECT 'webhooks') AS reactions;

CREATE TABLE webhook_endpoints (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url              TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    event_kinds      TEXT NOT NULL,
    secret           TEXT NOT NULL,
    enabled          BOOLEAN NOT NULL,
    disabled_reason  TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_by_workspace ON webhook_endpoints (workspace_id);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_seq        BIGINT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    response_status  INTEGER,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (endpoint_id, event_seq);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (endpoint_id, created_at);

-- Jobs say whose they are, so that admins see their workspace's background work.
ALTER TABLE jobs ADD COLUMN workspace_id TEXT REFERENCES workspaces (id) ON DELETE CASCADE;
CREATE INDEX jobs_by_workspace ON jobs (workspace_id, status, updated_at);

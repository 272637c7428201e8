-- Adding an existing account to a workspace is an invitation that its owner
-- accepts (issue 11): an admin can neither pull someone into their workspace
-- nor learn whether an address has an account. Same text on both backends.
CREATE TABLE invitations (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Lower-cased: matched against the invitee's login address.
    email         TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'admin', 'owner')),
    invited_by    TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL
);
-- One open invitation per address and workspace.
CREATE UNIQUE INDEX invitations_email ON invitations (workspace_id, email);
-- "My invitations".
CREATE INDEX invitations_by_email ON invitations (email);

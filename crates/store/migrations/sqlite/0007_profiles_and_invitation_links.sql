-- Each person's profile (issue 10): the IANA time zone their pages show
-- times in (NULL until their browser's is sent or they pick one), and
-- whether they are available for new work. Same text on both backends.
ALTER TABLE users ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN availability TEXT NOT NULL DEFAULT 'available'
    CHECK (availability IN ('available', 'away'));
-- An invitation's link (`/invite/{token}`): only the SHA-256 of its secret,
-- like sessions and API tokens. A new link for the same invitation
-- replaces the old one.
ALTER TABLE invitations ADD COLUMN token_hash TEXT;
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);

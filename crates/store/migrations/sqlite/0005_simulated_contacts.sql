-- Phones played by the simulator are contacts of their own, kept apart from
-- the real contact with the same number (issue 11): a STOP or a text through
-- the simulator never touches a real customer's conversations or opt-out,
-- and the simulator never shows what was sent to a real customer.
-- Same text on SQLite and PostgreSQL.
ALTER TABLE contacts ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT FALSE;

-- A contact who only ever talked through simulator numbers was a simulated
-- phone. One who also talked through a real provider stays real (their
-- earlier simulator conversations stay theirs); the simulator's next text
-- from that number starts a simulated contact of its own.
UPDATE contacts SET simulated = TRUE
WHERE EXISTS (
        SELECT 1 FROM conversations c JOIN channels ch ON ch.id = c.channel_id
        WHERE c.contact_id = contacts.id AND ch.provider = 'simulator')
  AND NOT EXISTS (
        SELECT 1 FROM conversations c LEFT JOIN channels ch ON ch.id = c.channel_id
        WHERE c.contact_id = contacts.id
          AND (ch.id IS NULL OR ch.provider <> 'simulator'));

-- One real and one simulated contact per number and workspace.
DROP INDEX contacts_phone;
CREATE UNIQUE INDEX contacts_phone ON contacts (workspace_id, simulated, phone);

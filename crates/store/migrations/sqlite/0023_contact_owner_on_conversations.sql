-- A contact owner's conversations (`contact_owner=`) in one index walk
-- (issue 12). Before, the list gathered every conversation of the owner's
-- contacts (some 5,000 at a million conversations) and sorted them for one
-- page: 45 ms.
--
-- `contact_owner_id` is a copy of the conversation's contact's `owner_id`.
-- New conversations copy it as they are inserted (a subselect in the
-- INSERT); the trigger below follows every change of a contact's owner,
-- whoever makes it (the contact service, the CSV import, a deleted user's
-- `ON DELETE SET NULL`), in the same transaction. A conversation never
-- moves to another contact. Nothing else writes the column, so an ingested
-- message pays nothing for it.
ALTER TABLE conversations ADD COLUMN contact_owner_id TEXT;

UPDATE conversations
SET contact_owner_id = (SELECT o.owner_id FROM contacts o WHERE o.id = conversations.contact_id)
WHERE contact_id IN (SELECT id FROM contacts WHERE owner_id IS NOT NULL);

-- Partial: only conversations of owned contacts have an entry, so the many
-- conversation updates of ingest touch it for those alone.
CREATE INDEX conversations_contact_owner_by_activity
    ON conversations (workspace_id, contact_owner_id, last_activity_at, id)
    WHERE contact_owner_id IS NOT NULL;

-- Only a real change: saving a contact writes its owner every time.
CREATE TRIGGER contacts_owner_to_conversations AFTER UPDATE OF owner_id ON contacts
WHEN old.owner_id IS NOT new.owner_id
BEGIN
    UPDATE conversations SET contact_owner_id = new.owner_id WHERE contact_id = new.id;
END;

-- A contact owner's conversations (`contact_owner=`) in one index walk
-- (issue 12). Before, the list gathered every conversation of the owner's
-- contacts (some 5,000 at a million conversations) and sorted them for one
-- page: 33-37 ms.
--
-- `contact_owner_id` is a copy of the conversation's contact's `owner_id`.
-- New conversations copy it as they are inserted (a subselect in the
-- INSERT); the trigger below follows every change of a contact's owner,
-- whoever makes it (the contact service, the CSV import, a deleted user's
-- `ON DELETE SET NULL`), in the same transaction. A conversation never
-- moves to another contact. Nothing else writes the column, so an ingested
-- message pays nothing for it.
ALTER TABLE conversations ADD COLUMN contact_owner_id TEXT;

UPDATE conversations c
SET contact_owner_id = o.owner_id
FROM contacts o
WHERE o.id = c.contact_id AND o.owner_id IS NOT NULL;

-- Partial: only conversations of owned contacts have an entry, so the many
-- (never HOT) conversation updates of ingest write it for those alone.
CREATE INDEX conversations_contact_owner_by_activity
    ON conversations (workspace_id, contact_owner_id, last_activity_at, id)
    WHERE contact_owner_id IS NOT NULL;

CREATE FUNCTION contacts_owner_to_conversations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversations SET contact_owner_id = NEW.owner_id WHERE contact_id = NEW.id;
    RETURN NULL;
END;
$$;

-- Only a real change: saving a contact writes its owner every time.
CREATE TRIGGER contacts_owner_to_conversations AFTER UPDATE OF owner_id ON contacts
FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
EXECUTE FUNCTION contacts_owner_to_conversations();

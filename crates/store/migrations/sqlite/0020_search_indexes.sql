-- Search (issue 12): contacts found through an index, not by walking every
-- conversation and testing its contact with LIKE '%…%'.
--
-- `contacts_fts`: each word of the name and of the email, case- and
-- accent-insensitive ("jose" finds "José"), with prefix indexes so that a
-- word typed halfway is a cheap lookup. `contacts_phone_fts`: the phone's
-- digits as trigrams, so any run of three or more digits finds it however
-- it was typed ("555 01", "(555) 0100"). Both are contentless (they hold
-- only the index); their rowid is the contact's rowid, and the triggers
-- keep them in step with the contacts table (a contentless table forgets a
-- row through its 'delete' command, given the values it indexed).
CREATE VIRTUAL TABLE contacts_fts USING fts5 (
    name, email,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
CREATE VIRTUAL TABLE contacts_phone_fts USING fts5 (
    digits,
    content = '',
    tokenize = 'trigram'
);

INSERT INTO contacts_fts (rowid, name, email)
    SELECT rowid, name, COALESCE(email, '') FROM contacts;
INSERT INTO contacts_phone_fts (rowid, digits)
    SELECT rowid, replace(phone, '+', '') FROM contacts WHERE phone IS NOT NULL;

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, email) VALUES (new.rowid, new.name, COALESCE(new.email, ''));
    INSERT INTO contacts_phone_fts (rowid, digits)
        SELECT new.rowid, replace(new.phone, '+', '') WHERE new.phone IS NOT NULL;
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, COALESCE(old.email, ''));
    INSERT INTO contacts_phone_fts (contacts_phone_fts, rowid, digits)
        SELECT 'delete', old.rowid, replace(old.phone, '+', '') WHERE old.phone IS NOT NULL;
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, email, phone ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, email)
        VALUES ('delete', old.rowid, old.name, COALESCE(old.email, ''));
    INSERT INTO contacts_phone_fts (contacts_phone_fts, rowid, digits)
        SELECT 'delete', old.rowid, replace(old.phone, '+', '') WHERE old.phone IS NOT NULL;
    INSERT INTO contacts_fts (rowid, name, email) VALUES (new.rowid, new.name, COALESCE(new.email, ''));
    INSERT INTO contacts_phone_fts (rowid, digits)
        SELECT new.rowid, replace(new.phone, '+', '') WHERE new.phone IS NOT NULL;
END;

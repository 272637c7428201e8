-- Nothing to change on SQLite: PostgreSQL's counter triggers now run once
-- per statement (see ../postgres/0027_counters_per_statement.sql). SQLite
-- has no statement-level triggers, and its one writer cannot deadlock.
SELECT 1;

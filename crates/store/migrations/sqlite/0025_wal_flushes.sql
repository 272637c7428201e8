-- PostgreSQL's migration 0025 adds the rows its ingest flushes write
-- (store::durable). SQLite flushes its log with an fsync of the -wal file
-- and needs nothing stored; this file keeps the two folders' names in step.
SELECT 1;

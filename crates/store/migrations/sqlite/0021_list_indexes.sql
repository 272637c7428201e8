-- The list views that still walked far more than their page (issue 12).
--
-- `sort=created`, in any view: newest conversations first, one page read in
-- order. Before, the Open view sorted every open conversation of the
-- workspace for one page. `created_at` never changes, so this index costs
-- each new conversation one entry and nothing after.
CREATE INDEX conversations_list_by_created ON conversations (workspace_id, created_at, id);

-- The Snoozed view (about 3 % of conversations), newest activity first.
-- Walking the by-activity index read some thirty rows of other views for
-- each snoozed one; this walks snoozed conversations only, and its segments
-- (mine, unassigned) skip the others' snoozed ones. Partial: a conversation
-- has an entry only while it is snoozed. The predicate is the Snoozed
-- view's status list as the queue writes it (crates/store/src/queue/sql.rs).
CREATE INDEX conversations_snoozed_by_activity
    ON conversations (workspace_id, last_activity_at, id)
    WHERE status IN ('snoozed');

-- The Open view's lists in the orders an agent picks (issue 12), each an
-- index walk that stops after one page: by assignee newest activity first
-- (`assignee=me`, unassigned), by how long the customer has waited
-- (`sort=waiting`), by priority then activity (`sort=priority`).
--
-- Partial: only open conversations, so a closed backlog of any size is never
-- walked. The predicate is the Open view's status list exactly as the queue
-- writes it (crates/store/src/queue/sql.rs), which is how both planners
-- match it. The waiting key is the expression the queue orders by.
CREATE INDEX conversations_open_by_assignee
    ON conversations (workspace_id, assignee_id, last_activity_at, id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
CREATE INDEX conversations_open_by_waiting
    ON conversations (workspace_id, COALESCE(last_inbound_at, 9223372036854775807), id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
CREATE INDEX conversations_open_by_priority
    ON conversations (workspace_id, priority_rank, last_activity_at, id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');

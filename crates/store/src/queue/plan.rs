//! Which index serves a page, and the database's plan for it (issue 12).
//!
//! Each common Open-view page has an index that yields its rows in order, so
//! the database reads one page and stops (migrations 0003 and 0017).
//! PostgreSQL's planner finds them from its statistics. SQLite's does not
//! always: it has walked the by-activity index row by row for a rare
//! assignee, and it likes any small partial index even when a sort follows.
//! So on SQLite the page query names its index (`INDEXED BY`) for the shapes
//! below: the Open view's, any view by creation (migration 0021), the
//! Snoozed view's own partial index (0021), one contact's conversations by
//! contact, and a contact owner's by their own index (0023); other shapes
//! (a tag, the Done view) are left to the planner, which walks the
//! by-activity index for them. A search names the primary key: its matches
//! are a bounded set of ids (`search.rs`) to look up and sort, which SQLite
//! would otherwise test one by one while walking every conversation of the
//! workspace in the page's order. The plan tests in the store's test suite
//! pin every shape named here on both databases.

use domain::View;

use super::search::search_text;
use super::{AssigneeFilter, ConversationFilter, Sort};

/// The index SQLite must use for `filter`'s page, if the shape is one the
/// plan tests pin. Every one named is usable whenever it is named: the
/// partial ones are named only for the view whose status list is their
/// predicate (or, for the contact owner's, with the `contact_owner_id = …`
/// that implies theirs), the primary key only for a search, whose
/// `c.id IN (…)` it serves, and the by-contact one only with a contact
/// condition.
pub(super) fn sqlite_index(filter: &ConversationFilter) -> Option<&'static str> {
    if search_text(filter).is_some() {
        return Some(PRIMARY_KEY);
    }
    // One contact's conversations: a few, looked up and sorted. SQLite
    // would rather walk the page's order over the whole workspace, closed
    // conversations included, testing each row.
    if filter.contact.is_some() {
        return Some("conversations_by_contact");
    }
    // A contact owner's: their own stretch of the partial index, newest
    // activity first; in another order that stretch is sorted (thousands
    // of rows at most, where the workspace walk tests a million).
    if filter.contact_owner.is_some() {
        return Some("conversations_contact_owner_by_activity");
    }
    if filter.tag.is_some() {
        return None;
    }
    let one_assignee = matches!(
        filter.assignee,
        Some(AssigneeFilter::Me | AssigneeFilter::Nobody | AssigneeFilter::User(_))
    );
    match filter.view {
        View::Open => open_index(filter, one_assignee),
        // Newest created first in any view: the whole workspace's index
        // (its key never changes), skipping the other views' rows.
        _ if filter.sort == Sort::Created && filter.sla.is_none() => {
            Some("conversations_list_by_created")
        }
        // Snoozed conversations only, each segment skipping the others'.
        View::Snoozed if filter.sort == Sort::LastActivity && filter.sla.is_none() => {
            Some("conversations_snoozed_by_activity")
        }
        _ => None,
    }
}

/// The index of an Open-view page (its partial indexes' predicate is the
/// view's status list).
fn open_index(filter: &ConversationFilter, one_assignee: bool) -> Option<&'static str> {
    // Due soon or overdue: a range of the by-due index (only due times up
    // to the widest "soon" window can match), in due order already; in any
    // other order the few rows of the range are sorted.
    if filter.sla.is_some() && !one_assignee {
        return Some(if filter.inbox.is_some() {
            "conversations_inbox_list_by_due"
        } else {
            "conversations_list_by_due"
        });
    }
    match (filter.sort, one_assignee) {
        (Sort::LastActivity, true) => Some("conversations_open_by_assignee"),
        (Sort::LastActivity, false) if filter.inbox.is_some() => {
            Some("conversations_inbox_list_by_activity")
        }
        (Sort::LastActivity, false) => Some("conversations_list_by_activity"),
        (Sort::Waiting, false) => Some("conversations_open_by_waiting"),
        (Sort::Priority, false) => Some("conversations_open_by_priority"),
        (Sort::Created, false) => Some("conversations_list_by_created"),
        // One person's open conversations in another order: few enough to
        // sort, and the planner picks between their index and the order's.
        // By due time SQLite finds `conversations_list_by_due` on its own
        // (its key is the order's expression; the SLA story test pins it).
        (_, true) | (Sort::Due, false) => None,
    }
}

/// The primary key of `conversations` (its `id TEXT PRIMARY KEY`).
const PRIMARY_KEY: &str = "sqlite_autoindex_conversations_1";

/// ` INDEXED BY` the primary key for a search's badge counts on SQLite (the
/// same reason as its page), else nothing.
pub(super) fn counts_hint(filter: &ConversationFilter, sqlite: bool) -> String {
    if sqlite && search_text(filter).is_some() {
        format!(" INDEXED BY {PRIMARY_KEY}")
    } else {
        String::new()
    }
}

/// ` INDEXED BY name` after the conversations table on SQLite, else nothing.
pub(super) fn hint(filter: &ConversationFilter, sqlite: bool) -> String {
    match sqlite_index(filter) {
        Some(index) if sqlite => format!(" INDEXED BY {index}"),
        _ => String::new(),
    }
}

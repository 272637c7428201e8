//! Which index serves a page, and the database's plan for it (issue 12).
//!
//! Each common Open-view page has an index that yields its rows in order, so
//! the database reads one page and stops (migrations 0003 and 0017).
//! PostgreSQL's planner finds them from its statistics. SQLite's does not
//! always: it has walked the by-activity index row by row for a rare
//! assignee, and it likes any small partial index even when a sort follows.
//! So on SQLite the page query names its index (`INDEXED BY`) for the shapes
//! below; other shapes (one contact, a tag, a contact owner, other views)
//! are left to the planner. A search names the primary key: its matches are
//! a bounded set of ids (`search.rs`) to look up and sort, which SQLite
//! would otherwise test one by one while walking every conversation of the
//! workspace in the page's order. The plan tests in the store's test suite
//! pin every shape named here on both databases.

use domain::View;

use super::search::search_text;
use super::{AssigneeFilter, ConversationFilter, Sort};

/// The index SQLite must use for `filter`'s page, if the shape is one the
/// plan tests pin. Every one named is usable whenever it is named: the
/// partial ones are named only for the Open view, whose status list is their
/// predicate, and the primary key only for a search, whose `c.id IN (…)`
/// it serves.
pub(super) fn sqlite_index(filter: &ConversationFilter) -> Option<&'static str> {
    if search_text(filter).is_some() {
        return Some(PRIMARY_KEY);
    }
    if filter.view != View::Open
        || filter.contact.is_some()
        || filter.tag.is_some()
        || filter.contact_owner.is_some()
    {
        return None;
    }
    let one_assignee = matches!(
        filter.assignee,
        Some(AssigneeFilter::Me | AssigneeFilter::Nobody | AssigneeFilter::User(_))
    );
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
        // One person's open conversations in another order: few enough to
        // sort, and the planner picks between their index and the order's.
        // By due time SQLite finds `conversations_list_by_due` on its own
        // (its key is the order's expression; the SLA story test pins it).
        (_, true) | (Sort::Created | Sort::Due, false) => None,
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

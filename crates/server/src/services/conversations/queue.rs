//! The queue: the conversation list and its badge counts, within what the
//! caller may see.

use domain::{Action, ContactId, InboxId, Priority, Status, Tag, Timestamp, UserId, View};
use store::queue::{
    AssigneeFilter, ConversationFilter, QueueCounts, QueueItem, SlaFilter, SlaStanding, Sort,
};
use store::{Conn, Page};

use crate::services::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The filters of `GET /conversations`, parsed; the caller's workspace,
/// identity and visible inboxes are added by [`list`] and [`counts`].
#[derive(Debug, Clone)]
pub struct QueueQuery {
    /// One inbox (404 when the caller may not see it), or all they may see.
    pub inbox: Option<InboxId>,
    /// Open, Done, Snoozed or All.
    pub view: View,
    /// One status, on top of the view.
    pub status: Option<Status>,
    /// Whose conversations.
    pub assignee: Option<AssigneeFilter>,
    /// One priority.
    pub priority: Option<Priority>,
    /// Carrying this tag.
    pub tag: Option<Tag>,
    /// Only unread (`true`) or only read (`false`) ones, for the caller.
    pub unread: Option<bool>,
    /// Whose contacts.
    pub contact_owner: Option<ContactOwner>,
    /// One contact's conversations.
    pub contact: Option<ContactId>,
    /// Full-text search.
    pub q: Option<String>,
    /// Due soon, overdue, or either, now (by the app's clock).
    pub sla: Option<SlaStanding>,
    /// The order.
    pub sort: Sort,
}

impl Default for QueueQuery {
    /// The Open view of every inbox, most recent activity first.
    fn default() -> Self {
        Self {
            inbox: None,
            view: View::Open,
            status: None,
            assignee: None,
            priority: None,
            tag: None,
            unread: None,
            contact_owner: None,
            contact: None,
            q: None,
            sla: None,
            sort: Sort::LastActivity,
        }
    }
}

/// The `contact_owner=` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactOwner {
    /// Contacts the caller owns.
    Me,
    /// Contacts this user owns.
    User(UserId),
}

/// A page of the queue, at most `limit` items after `cursor`.
#[tracing::instrument(skip_all, fields(workspace = %who.workspace_id), err(level = "debug"))]
pub async fn list(
    state: &AppState,
    who: &Principal,
    query: QueueQuery,
    limit: u32,
    cursor: Option<&str>,
) -> Result<Page<QueueItem>, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let filter = filter(&mut conn, who, query, state.clock.now()).await?;
    Ok(store::queue::list(&mut conn, &filter, limit, cursor).await?)
}

/// The badges for the same filters, in one query (view, status and assignee
/// are what the badges split by, so they do not narrow them).
#[tracing::instrument(skip_all, fields(workspace = %who.workspace_id), err(level = "debug"))]
pub async fn counts(
    state: &AppState,
    who: &Principal,
    query: QueueQuery,
) -> Result<QueueCounts, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let filter = filter(&mut conn, who, query, state.clock.now()).await?;
    Ok(store::queue::counts(&mut conn, &filter).await?)
}

/// The store's filter: the query within the inboxes the caller may see,
/// an SLA filter as of `now`.
async fn filter(
    conn: &mut Conn<'_>,
    who: &Principal,
    query: QueueQuery,
    now: Timestamp,
) -> Result<ConversationFilter, ServiceError> {
    if let Some(inbox) = &query.inbox {
        access::inbox(conn, who, inbox, Action::SeeInbox).await?;
    }
    let scope = access::scope(conn, who).await?;
    let mut filter = ConversationFilter::new(who.workspace_id.clone(), who.user.id.clone(), scope);
    filter.inbox = query.inbox;
    filter.view = query.view;
    filter.status = query.status;
    filter.assignee = query.assignee;
    filter.priority = query.priority;
    filter.tag = query.tag;
    filter.unread = query.unread;
    filter.contact_owner = query.contact_owner.map(|owner| match owner {
        ContactOwner::Me => who.user.id.clone(),
        ContactOwner::User(user) => user,
    });
    filter.contact = query.contact;
    filter.q = query.q;
    filter.sla = query.sla.map(|standing| SlaFilter { standing, now });
    filter.sort = query.sort;
    Ok(filter)
}

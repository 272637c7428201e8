//! The queue's state in the address bar (`?inbox=…&view=…&sla=…`), and the
//! service's query it stands for.

use domain::text::Word;
use domain::{InboxId, Priority, Tag, View};
use serde::Deserialize;
use store::queue::{AssigneeFilter, SlaStanding, Sort};

use crate::services::conversations::{ContactOwner, QueueQuery};

/// The queue's state in the address bar: which inbox, tab, segment and filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueueParams {
    /// An inbox id, or every inbox.
    pub inbox: Option<String>,
    /// `open` (default), `done` or `snoozed`.
    pub view: Option<String>,
    /// `all` (default), `unassigned`, `mine` or `others`.
    pub seg: Option<String>,
    /// `unread` or `read`.
    pub unread: Option<String>,
    /// A priority word.
    pub priority: Option<String>,
    /// A tag.
    pub tag: Option<String>,
    /// `me`: only contacts I own.
    pub owner: Option<String>,
    /// Words to search for in messages and contacts.
    pub q: Option<String>,
    /// `at_risk` ("Breaching soon": due soon or overdue), `soon` or `breached`.
    pub sla: Option<String>,
    /// `last_activity` (default; `due` with an SLA filter), `waiting`,
    /// `priority` or `due`.
    pub sort: Option<String>,
    /// Where this page of rows starts: the store's cursor of the previous
    /// page. Not kept by links (a page of rows is not a place to go back to).
    pub after: Option<String>,
}

impl QueueParams {
    fn get<'a>(value: &'a Option<String>, default: &'a str) -> &'a str {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .unwrap_or(default)
    }

    /// The tab.
    pub fn view(&self) -> &str {
        Self::get(&self.view, "open")
    }

    /// The segment.
    pub fn seg(&self) -> &str {
        Self::get(&self.seg, "all")
    }

    /// The query string (`?inbox=…&view=…`), with `changes` applied.
    pub fn query(&self, changes: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("inbox", &self.inbox),
            ("view", &self.view),
            ("seg", &self.seg),
            ("unread", &self.unread),
            ("priority", &self.priority),
            ("tag", &self.tag),
            ("owner", &self.owner),
            ("q", &self.q),
            ("sla", &self.sla),
            ("sort", &self.sort),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
        for (key, value) in changes {
            pairs.retain(|(k, _)| k != key);
            if !value.is_empty() {
                pairs.push((key, value.to_string()));
            }
        }
        if pairs.is_empty() {
            return String::new();
        }
        // The pairs start after the `?`, so the first gets no `&` before it.
        let mut out = url::form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
        for (k, v) in pairs {
            out.append_pair(k, &v);
        }
        out.finish()
    }

    /// The search, when there is one.
    pub fn search(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    /// The SLA filter, when a known one is chosen.
    pub(super) fn sla(&self) -> Option<SlaStanding> {
        self.sla.as_deref().and_then(|s| SlaStanding::parse(s).ok())
    }

    /// The order's word: the one chosen, else soonest due first when an SLA
    /// filter is on (what breaches first is what to answer first), else
    /// the latest activity first.
    pub(super) fn sort_word(&self) -> &str {
        let default = if self.sla().is_some() {
            "due"
        } else {
            "last_activity"
        };
        Self::get(&self.sort, default)
    }

    /// As the queue service takes it; unknown words are ignored, not errors,
    /// since they come from a hand-edited address at worst.
    pub(super) fn to_query(&self) -> QueueQuery {
        QueueQuery {
            inbox: self.inbox.as_deref().and_then(|i| InboxId::parse(i).ok()),
            view: View::parse(self.view()).unwrap_or(View::Open),
            assignee: match self.seg() {
                "unassigned" => Some(AssigneeFilter::Nobody),
                "mine" => Some(AssigneeFilter::Me),
                "others" => Some(AssigneeFilter::Others),
                _ => None,
            },
            priority: self
                .priority
                .as_deref()
                .and_then(|p| Priority::parse(p).ok()),
            tag: self.tag.as_deref().and_then(|t| Tag::parse(t).ok()),
            unread: match self.unread.as_deref() {
                Some("unread") => Some(true),
                Some("read") => Some(false),
                _ => None,
            },
            contact_owner: (self.owner.as_deref() == Some("me")).then_some(ContactOwner::Me),
            q: self.search().map(str::to_string),
            sla: self.sla(),
            sort: Sort::parse(self.sort_word()).unwrap_or(Sort::LastActivity),
            ..QueueQuery::default()
        }
    }
}

//! The details pane beside a conversation: its contact (with a link to
//! edit them), their other conversations, the CRM links, and the subject,
//! priority and tags. On a phone it is a view of its own (`#details`).

mod links;

pub use links::{add_link, remove_link};

use askama::Template;
use domain::text::Word;
use domain::{ConversationId, View, Zone};

use super::conversation::Head;
use crate::http::error::ApiError;
use crate::http::ui::format::{ago, status_label};
use crate::http::ui::simulator::display_number;
use crate::services::access::Principal;
use crate::services::accounts::members as people;
use crate::services::conversations::{self, QueueQuery};
use crate::services::state::AppState;

/// How many of the contact's other conversations the pane lists.
const OTHERS_SHOWN: u32 = 10;

/// What the details pane shows beyond the header's fields.
#[derive(Debug, Clone)]
pub struct Details {
    /// The contact's id, for "Edit contact".
    pub contact_id: String,
    /// Their name (empty when they have none).
    pub contact_name: String,
    /// Their number, for people.
    pub contact_number: String,
    /// Their email.
    pub contact_email: String,
    /// Who owns the contact, by name.
    pub owner: Option<String>,
    /// Their other conversations, most recent first.
    pub others: Vec<Other>,
    /// Links to records in other systems, oldest first.
    pub links: Vec<LinkRow>,
}

/// Another conversation of the same contact.
#[derive(Debug, Clone)]
pub struct Other {
    /// Where it opens.
    pub href: String,
    /// Its status word, for styling.
    pub status: String,
    /// Its status for people.
    pub status_label: &'static str,
    /// Its inbox, with the emoji.
    pub inbox: String,
    /// Its subject, or the last message.
    pub summary: String,
    /// How long ago it last moved.
    pub time: String,
}

/// One CRM link.
#[derive(Debug, Clone)]
pub struct LinkRow {
    /// Its id, for removing it.
    pub id: String,
    /// `Contact`, `Ticket`…
    pub kind: String,
    /// What it says.
    pub title: String,
    /// Where it opens (http or https only: checked when it was added).
    pub url: String,
    /// The record's id in the other system.
    pub external_id: String,
}

/// `GET /w/{ws}/c/{id}/details`: the pane alone, for live refreshes.
#[derive(Debug, Template)]
#[template(path = "app/details_partial.html")]
pub struct DetailsPartial {
    /// The conversation's header (subject, priority, tags, buttons).
    pub head: Head,
    /// The rest.
    pub details: Details,
    /// The workspace id.
    pub ws: String,
    /// The CSRF token for the forms.
    pub csrf: String,
    /// The queue's query string, to come back to.
    pub back: String,
}

/// Loads the pane for conversation `id`; `back` is the queue's query string
/// that the other conversations' links keep.
pub async fn details(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    back: &str,
    zone: Zone,
) -> Result<Details, ApiError> {
    let detail = conversations::get(state, who, id).await?;
    let contact = &detail.contact;
    let owner = match &contact.owner_id {
        Some(owner) => people::list(state, who)
            .await?
            .into_iter()
            .find(|(user, _)| user.id == *owner)
            .map(|(user, _)| user.name),
        None => None,
    };
    let query = QueueQuery {
        view: View::All,
        contact: Some(contact.id.clone()),
        ..QueueQuery::default()
    };
    // One more than shown, as this conversation is among them.
    let page = conversations::list(state, who, query, OTHERS_SHOWN + 1, None).await?;
    let ws = who.workspace_id.to_string();
    let now = state.clock.now();
    let inboxes = crate::services::inboxes::list(state, who).await?;
    let others = page
        .items
        .iter()
        .filter(|item| item.conversation.id != *id)
        .take(OTHERS_SHOWN as usize)
        .map(|item| {
            let c = &item.conversation;
            let inbox = inboxes
                .iter()
                .find(|i| i.view.inbox.id == c.inbox_id)
                .map(|i| format!("{} {}", i.view.inbox.emoji, i.view.inbox.name))
                .unwrap_or_default();
            let summary = c
                .subject
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| {
                    item.last_message
                        .as_ref()
                        .map(|m| m.body.as_str().chars().take(80).collect())
                        .unwrap_or_default()
                });
            Other {
                href: format!("/w/{ws}/c/{}{back}", c.id),
                status: c.status.as_str().to_string(),
                status_label: status_label(c.status),
                inbox,
                summary,
                time: ago(c.last_activity_at, now, zone),
            }
        })
        .collect();
    Ok(Details {
        contact_id: contact.id.to_string(),
        contact_name: contact.name.trim().to_string(),
        contact_number: contact
            .phone
            .as_ref()
            .map(|p| display_number(p.as_str()))
            .unwrap_or_default(),
        contact_email: contact
            .email
            .as_ref()
            .map(|e| e.as_str().to_string())
            .unwrap_or_default(),
        owner,
        others,
        links: detail
            .links
            .iter()
            .map(|link| LinkRow {
                id: link.id.to_string(),
                kind: crate::http::ui::format::capitalised(link.kind.as_str()),
                title: link.title.clone(),
                url: link.url.clone(),
                external_id: link.external_id.clone(),
            })
            .collect(),
    })
}

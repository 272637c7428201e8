//! The left pane: the inboxes in the viewer's order with their unread
//! badges, and "All inboxes".

use askama::Template;
use domain::Registration;

use super::QueueParams;
use crate::http::error::ApiError;
use crate::http::ui::simulator::checked_color;
use crate::services::access::Principal;
use crate::services::inboxes;
use crate::services::state::AppState;

/// One inbox in the sidebar.
#[derive(Debug, Clone)]
pub struct InboxLink {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its emoji.
    pub emoji: String,
    /// A checked `#hex` colour (an SVG attribute, not a style).
    pub color: String,
    /// Unread conversations for me.
    pub unread: i64,
    /// Muted by me: shown dimmed.
    pub muted: bool,
    /// Carrier registration not approved yet (admins only see these).
    pub pending: Option<&'static str>,
    /// The queue of this inbox.
    pub href: String,
    /// Whether it is the one shown.
    pub active: bool,
}

/// The left pane.
#[derive(Debug, Clone)]
pub struct Sidebar {
    /// The inboxes, in my order.
    pub inboxes: Vec<InboxLink>,
    /// "All inboxes".
    pub all_href: String,
    /// Whether "All inboxes" is the one shown.
    pub all_active: bool,
    /// Unread across all of them.
    pub all_unread: i64,
}

/// `GET /w/{ws}/sidebar`: the left pane alone.
#[derive(Debug, Template)]
#[template(path = "app/sidebar_partial.html")]
pub struct SidebarPartial {
    /// The pane.
    pub sidebar: Sidebar,
    /// The workspace id.
    pub ws: String,
    /// Whether the viewer may create inboxes.
    pub is_admin: bool,
}

/// Loads the left pane.
pub async fn sidebar(
    state: &AppState,
    who: &Principal,
    params: &QueueParams,
) -> Result<(Sidebar, String), ApiError> {
    let ws = who.workspace_id.to_string();
    let list = inboxes::list(state, who).await?;
    let current = params.inbox.clone().unwrap_or_default();
    let mut title = String::from("All inboxes");
    let mut all_unread = 0;
    let inboxes = list
        .into_iter()
        .map(|summary| {
            let inbox = summary.view.inbox;
            let id = inbox.id.to_string();
            if id == current {
                title = inbox.name.clone();
            }
            if !summary.view.muted {
                all_unread += summary.counts.unread;
            }
            InboxLink {
                href: format!("/w/{ws}{}", params.query(&[("inbox", &id)])),
                active: id == current,
                color: checked_color(&inbox.color).to_string(),
                pending: match inbox.registration {
                    Registration::Approved => None,
                    Registration::Pending => Some("Registration pending"),
                    Registration::Rejected => Some("Registration rejected"),
                    Registration::Unregistered => Some("Not registered"),
                },
                id,
                name: inbox.name,
                emoji: inbox.emoji,
                unread: summary.counts.unread,
                muted: summary.view.muted,
            }
        })
        .collect();
    let sidebar = Sidebar {
        inboxes,
        all_href: format!("/w/{ws}{}", params.query(&[("inbox", "")])),
        all_active: current.is_empty(),
        all_unread,
    };
    Ok((sidebar, title))
}

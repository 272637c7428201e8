//! The right pane: one conversation's header and buttons, its timeline, and
//! the composer. The buttons come from the same permission function the
//! services ask ([`domain::authorize`]), so a button shown is a button
//! that works, and one that would not is disabled with the reason.

use askama::Template;
use domain::text::Word;
use domain::{authorize, Action, ConversationId, Priority, Registration, Status, Subject, Zone};

use crate::http::error::ApiError;
use crate::http::ui::format::{capitalised, full_time, initials, status_label};
use crate::http::ui::simulator::display_number;
use crate::services::access::Principal;
use crate::services::conversations::{self, Detail};
use crate::services::inboxes::members;
use crate::services::state::AppState;

pub use super::timeline::{timeline, Line, TimelinePartial};

/// Whether a button may be used, and if not, why.
#[derive(Debug, Clone)]
pub struct Allow {
    /// Allowed.
    pub ok: bool,
    /// Why not, in words (empty when allowed).
    pub why: String,
}

impl Allow {
    fn check(who: &Principal, member: bool, detail: &Detail, action: Action) -> Self {
        let subject = Subject::conversation(
            member,
            detail.inbox.registration,
            detail.conversation.assignee_id.as_ref(),
        );
        match authorize(who.actor(), subject, action) {
            Ok(()) => Allow {
                ok: true,
                why: String::new(),
            },
            Err(denied) => Allow {
                ok: false,
                why: capitalised(&denied.to_string()),
            },
        }
    }
}

/// The buttons of the header.
#[derive(Debug, Clone)]
pub struct Buttons {
    /// Assign to me.
    pub assign_to_me: Allow,
    /// Transfer.
    pub transfer: Allow,
    /// Return to inbox.
    pub return_to_inbox: Allow,
    /// Done, reopen, snooze, priority.
    pub status: Allow,
    /// Reply, note, tags, subject.
    pub reply: Allow,
}

/// A person to transfer to.
#[derive(Debug, Clone)]
pub struct Person {
    /// Their id.
    pub id: String,
    /// Their name.
    pub name: String,
}

/// The conversation's header, also served alone for live refreshes.
#[derive(Debug, Clone)]
pub struct Head {
    /// The conversation's id.
    pub id: String,
    /// The contact's name or number.
    pub contact_name: String,
    /// Their number, for people.
    pub contact_number: String,
    /// Their email.
    pub contact_email: String,
    /// Avatar initials.
    pub initials: String,
    /// Whether they texted STOP.
    pub opted_out: bool,
    /// Why a reply cannot be sent from here at all (the contact opted out,
    /// the inbox's carrier registration is not approved), said before
    /// anyone types one.
    pub send_block: Option<String>,
    /// What the composer says a reply does (or why it cannot be sent).
    pub reply_hint: String,
    /// The inbox.
    pub inbox_name: String,
    /// The inbox's emoji.
    pub inbox_emoji: String,
    /// Its status word (`open`), for styling.
    pub status: String,
    /// Its status for people.
    pub status_label: &'static str,
    /// Whether it is done or closed (Reopen instead of Done).
    pub done: bool,
    /// Whether it is closed: read-only but for notes (DESIGN.md §3).
    pub closed: bool,
    /// For a closed one, the conversation that continues it, if any.
    pub follow_up: Option<String>,
    /// Whether it is snoozed, and until when.
    pub snoozed_until: Option<String>,
    /// The priority word.
    pub priority: String,
    /// Every priority word, for the select.
    pub priorities: Vec<(&'static str, String)>,
    /// Its subject.
    pub subject: String,
    /// Its tags, comma-separated for the input.
    pub tags_text: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Who owns it.
    pub assignee: Option<String>,
    /// Whether that is me.
    pub mine: bool,
    /// Who else may own it.
    pub transfer_to: Vec<Person>,
    /// The buttons.
    pub buttons: Buttons,
    /// Someone else holding the reply lock.
    pub lock_other: Option<String>,
    /// Others looking at it now.
    pub viewers: Vec<String>,
    /// The version replies are written against.
    pub version: i64,
}

/// `GET /w/{ws}/c/{id}/head`.
#[derive(Debug, Template)]
#[template(path = "app/head_partial.html")]
pub struct HeadPartial {
    /// The header.
    pub head: Head,
    /// The workspace id.
    pub ws: String,
    /// The CSRF token for the forms.
    pub csrf: String,
    /// The queue's query string, to come back to.
    pub back: String,
}

/// Loads the header (marks me as viewing it).
pub async fn head(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    zone: Zone,
) -> Result<Head, ApiError> {
    let detail = conversations::get(state, who, id).await?;
    let inbox_members = members::list(state, who, &detail.inbox.id).await?;
    let member = inbox_members.iter().any(|m| m.user.id == who.user.id);
    // Who may hold it: the inbox's members first, then the workspace's
    // admins and owners, who count as members of every inbox for this
    // (DESIGN.md §3).
    let everyone = crate::services::accounts::members::list(state, who).await?;
    let away =
        store::users::away_in(&mut state.store.read().await?.conn(), &who.workspace_id).await?;
    let holders: Vec<&domain::User> = inbox_members
        .iter()
        .map(|m| &m.user)
        .chain(
            everyone
                .iter()
                .filter(|(user, role)| {
                    role.is_admin() && !inbox_members.iter().any(|m| m.user.id == user.id)
                })
                .map(|(user, _)| user),
        )
        .collect();
    let name_of = |user: &domain::UserId| {
        everyone
            .iter()
            .find(|(u, _)| u.id == *user)
            .map(|(u, _)| u.name.clone())
            .unwrap_or_else(|| "a former member".into())
    };
    let c = &detail.conversation;
    let number = detail
        .contact
        .phone
        .as_ref()
        .map(|p| display_number(p.as_str()))
        .unwrap_or_default();
    let contact_name = if detail.contact.name.trim().is_empty() {
        number.clone()
    } else {
        detail.contact.name.clone()
    };
    let closed = c.status == Status::Closed;
    let send_block = if detail.contact.is_opted_out() {
        Some("This contact opted out of texts (they texted STOP); they must text START before you can reply.".to_string())
    } else if detail.inbox.registration != Registration::Approved {
        Some("This inbox can't send texts until its carrier registration is approved; internal notes still work.".to_string())
    } else {
        None
    };
    let buttons = Buttons {
        assign_to_me: Allow::check(who, member, &detail, Action::AssignToMe),
        transfer: Allow::check(
            who,
            member,
            &detail,
            Action::Transfer {
                target_is_member: true,
            },
        ),
        return_to_inbox: Allow::check(who, member, &detail, Action::ReturnToInbox),
        status: Allow::check(who, member, &detail, Action::ChangeStatus),
        reply: Allow::check(who, member, &detail, Action::Reply),
    };
    Ok(Head {
        id: c.id.to_string(),
        initials: initials(&contact_name),
        contact_name,
        contact_number: number,
        contact_email: detail
            .contact
            .email
            .as_ref()
            .map(|e| e.as_str().to_string())
            .unwrap_or_default(),
        opted_out: detail.contact.is_opted_out(),
        reply_hint: send_block
            .clone()
            .unwrap_or_else(|| "Replies go to the customer by SMS.".into()),
        send_block,
        inbox_name: detail.inbox.name.clone(),
        inbox_emoji: detail.inbox.emoji.clone(),
        status: c.status.as_str().to_string(),
        status_label: status_label(c.status),
        done: matches!(c.status, Status::Resolved | Status::Closed),
        closed,
        follow_up: detail.follow_up.as_ref().map(ToString::to_string),
        snoozed_until: (c.status == Status::Snoozed)
            .then(|| c.snoozed_until.map(|until| full_time(until, zone)))
            .flatten(),
        priority: c.priority.as_str().to_string(),
        priorities: Priority::ALL
            .iter()
            .map(|(_, word)| (*word, capitalised(word)))
            .collect(),
        subject: c.subject.clone().unwrap_or_default(),
        tags_text: c
            .tags
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        tags: c.tags.iter().map(|t| t.as_str().to_string()).collect(),
        assignee: c.assignee_id.as_ref().map(name_of),
        mine: c.assignee_id.as_ref() == Some(&who.user.id),
        transfer_to: holders
            .iter()
            .filter(|user| Some(&user.id) != c.assignee_id.as_ref())
            .map(|user| Person {
                id: user.id.to_string(),
                // Whoever set themselves away is said so before a transfer.
                name: if away.contains(&user.id) {
                    format!("{} (away)", user.name)
                } else {
                    user.name.clone()
                },
            })
            .collect(),
        buttons,
        lock_other: detail
            .lock
            .as_ref()
            .filter(|l| l.id != who.user.id)
            .map(|l| l.name.clone()),
        viewers: detail
            .viewers
            .iter()
            .filter(|v| v.id != who.user.id)
            .map(|v| v.name.clone())
            .collect(),
        version: c.version,
    })
}

//! The right pane: one conversation's header and buttons, its timeline, and
//! the composer. The buttons come from the same permission function the
//! services ask ([`domain::authorize`]), so a button shown is a button
//! that works, and one that would not is disabled with the reason.

use std::collections::HashMap;

use askama::Template;
use domain::text::Word;
use domain::{
    authorize, Action, ConversationId, MessageKind, Priority, Registration, Status, Subject,
};

use crate::http::error::ApiError;
use crate::http::ui::format::{ago, capitalised, describe, full_time, initials, status_label};
use crate::http::ui::simulator::display_number;
use crate::services::access::Principal;
use crate::services::conversations::{self, Detail};
use crate::services::inboxes::members;
use crate::services::state::AppState;

/// How much of a timeline the page shows.
const TIMELINE_LENGTH: u32 = 500;

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

/// One line of the timeline.
#[derive(Debug, Clone)]
pub struct Line {
    /// `inbound`, `outbound`, `note` or `event`.
    pub kind: &'static str,
    /// The message id (for permalinks), empty for events.
    pub id: String,
    /// The text (a message's body, or an event in words).
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// Short time.
    pub time: String,
    /// Full time.
    pub time_full: String,
    /// For replies: the delivery status in words.
    pub delivery: String,
    /// `failed` when delivery failed, else empty.
    pub delivery_class: &'static str,
    /// Why delivery failed.
    pub failure: String,
    /// Attachments' URLs.
    pub media: Vec<String>,
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

/// `GET /w/{ws}/c/{id}/timeline`.
#[derive(Debug, Template)]
#[template(path = "app/timeline_partial.html")]
pub struct TimelinePartial {
    /// The lines.
    pub timeline: Vec<Line>,
    /// The workspace id.
    pub ws: String,
}

/// Loads the header (marks me as viewing it).
pub async fn head(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<Head, ApiError> {
    let detail = conversations::get(state, who, id).await?;
    let inbox_members = members::list(state, who, &detail.inbox.id).await?;
    let member = inbox_members.iter().any(|m| m.user.id == who.user.id);
    // Who may hold it: the inbox's members first, then the workspace's
    // admins and owners, who count as members of every inbox for this
    // (DESIGN.md §3).
    let everyone = crate::services::accounts::members::list(state, who).await?;
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
            .then(|| c.snoozed_until.map(full_time))
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
                name: user.name.clone(),
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

/// Loads the timeline, oldest first.
pub async fn timeline(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<Vec<Line>, ApiError> {
    let now = state.clock.now();
    let page = conversations::timeline(state, who, id, None, TIMELINE_LENGTH).await?;
    let names: HashMap<String, String> = crate::services::accounts::members::list(state, who)
        .await?
        .into_iter()
        .map(|(user, _)| (user.id.to_string(), user.name))
        .collect();
    let mut lines = Vec::with_capacity(page.items.len());
    for item in page.items {
        let base = Line {
            kind: "event",
            id: String::new(),
            text: String::new(),
            author: String::new(),
            time: ago(item.event.created_at, now),
            time_full: full_time(item.event.created_at),
            delivery: String::new(),
            delivery_class: "",
            failure: String::new(),
            media: Vec::new(),
        };
        if let Some(m) = item.message {
            let author = m
                .author_id
                .as_ref()
                .and_then(|a| names.get(&a.to_string()).cloned())
                .unwrap_or_default();
            let failed = matches!(
                m.delivery.map(|d| d.as_str()),
                Some("failed" | "undelivered")
            );
            lines.push(Line {
                kind: match m.kind {
                    MessageKind::Inbound => "inbound",
                    MessageKind::Outbound => "outbound",
                    MessageKind::Note => "note",
                },
                id: m.id.to_string(),
                text: m.body.as_str().to_string(),
                author,
                delivery: m
                    .delivery
                    .map(|d| capitalised(d.as_str()))
                    .unwrap_or_default(),
                delivery_class: if failed { "failed" } else { "" },
                failure: [m.error_message.clone(), m.error_code.clone()]
                    .into_iter()
                    .flatten()
                    .next()
                    .unwrap_or_default(),
                media: m.attachments.iter().map(|a| a.url.clone()).collect(),
                ..base
            });
        } else if let Some(text) = describe(&item.event, &names) {
            lines.push(Line { text, ..base });
        }
    }
    Ok(lines)
}

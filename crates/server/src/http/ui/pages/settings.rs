//! `/w/{ws}/inboxes/{id}/settings`: an inbox's appearance, my mute, and for
//! admins its policy, members and channels; for the owner, deleting it. A
//! control the permission function ([`domain::authorize`]) would refuse is
//! not shown at all.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{authorize, Action, Availability, InboxId, Registration, Subject, UnreadMode};

use super::numbers::{self, NumberQuery, NumbersCard};
use super::settings_actions::{assignment_values, AwayValues, SlaValues, ASSIGNMENT_MODES};

use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::format::initials;
use crate::http::ui::session::Agent;
use crate::http::ui::simulator::checked_color;
use crate::http::ui::{render, Chrome};
use crate::services::access::Principal;
use crate::services::accounts::members as people;
use crate::services::inboxes::{self, members};
use crate::services::state::AppState;

mod values;
pub use values::Values;

/// The units the auto-close wait is written in, largest first: the form
/// word, and its length in seconds.
pub const AUTO_CLOSE_UNITS: &[(&str, i64)] = &[("days", 86_400), ("hours", 3_600), ("minutes", 60)];

/// What every settings and contacts page's top bar needs.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The workspace id.
    pub ws: String,
    /// The CSRF token of every form.
    pub csrf: String,
    /// My name.
    pub my_name: String,
    /// My initials.
    pub my_initials: String,
    /// Whether I am an admin or owner.
    pub is_admin: bool,
}

impl Frame {
    /// The frame of `agent`'s pages.
    pub fn of(agent: &Agent) -> Self {
        Self {
            ws: agent.who.workspace_id.to_string(),
            csrf: agent.csrf.clone(),
            my_name: agent.who.user.name.clone(),
            my_initials: initials(&agent.who.user.name),
            is_admin: agent.who.role.is_admin(),
        }
    }
}

/// A person or number in a list, with the id its button posts.
#[derive(Debug, Clone)]
pub struct Item {
    /// What the button posts.
    pub id: String,
    /// What it says.
    pub label: String,
    /// Beneath it.
    pub detail: String,
    /// For a person who may take work: whether they are away.
    pub away: Option<bool>,
}

/// A refused change: the form it came from (the action it posts to), what
/// was typed, and why it was refused.
#[derive(Debug)]
pub struct Refused {
    /// The form's action (`policy`, `appearance`…).
    pub form: String,
    /// What was typed.
    pub typed: Values,
    /// The refusal, as a sentence.
    pub error: String,
}

/// The settings page.
#[derive(Debug, Template)]
#[template(path = "settings/settings.html")]
pub struct SettingsPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// The cards.
    pub page: Settings,
}

/// What the settings page and the setup steps show of an inbox.
#[derive(Debug)]
pub struct Settings {
    /// The inbox id.
    pub id: String,
    /// Its current name (the heading, and what deleting asks to type).
    pub title: String,
    /// Its current emoji.
    pub title_emoji: String,
    /// The form values.
    pub values: Values,
    /// Whether I muted it.
    pub muted: bool,
    /// Whether I am a member (only members mute).
    pub member: bool,
    /// Admin controls.
    pub manage: bool,
    /// The danger zone.
    pub delete: bool,
    /// Members, with remove buttons for admins.
    pub members: Vec<Item>,
    /// Workspace people who are not members yet.
    pub addable: Vec<Item>,
    /// Connected numbers and the search for more (admins).
    pub numbers: NumbersCard,
    /// The registration states.
    pub registrations: &'static [(Registration, &'static str)],
    /// The unread modes.
    pub unread_modes: &'static [(UnreadMode, &'static str)],
    /// The units of the auto-close wait.
    pub auto_close_units: &'static [(&'static str, i64)],
    /// The auto-assignment modes: `(word, label, hint)`.
    pub assignment_modes: &'static [(&'static str, &'static str, &'static str)],
    /// Where a form's button comes back to (`settings` or a setup step).
    pub next: String,
    /// A notice of the last change.
    pub notice: Option<String>,
    /// Why the last change was refused.
    pub error: Option<String>,
    /// "Notify users and channels" (admins only).
    pub notify: Option<super::settings_actions::NotifyCard>,
    /// Time zone names for the out-of-office card (admins only).
    pub zones: Vec<&'static str>,
}

/// `GET /w/{ws}/inboxes/{id}/settings`.
pub async fn page(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): Path<(String, String)>,
    Query(search): Query<NumberQuery>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let (jar, notice) = cookies::take_flash(jar);
    let mut page = build(&state, &agent, &id, search, None).await?;
    page.notice = notice;
    let page = SettingsPage {
        chrome: Chrome::new(format!("{} settings", page.title)),
        frame: Frame::of(&agent),
        page,
    };
    Ok((jar, render(&page)?).into_response())
}

/// The page for inbox `id`; after a refused change, the refused form shows
/// what was typed and the refusal, the others what is stored.
pub async fn build(
    state: &AppState,
    agent: &Agent,
    id: &InboxId,
    search: NumberQuery,
    refused: Option<Refused>,
) -> Result<Settings, ApiError> {
    let who = &agent.who;
    let summary = inboxes::get(state, who, id).await?;
    let inbox = &summary.view.inbox;
    let may = |action| allowed(who, summary.view.member, inbox.registration, action);
    let manage = may(Action::ManageInboxPolicy);
    let member_list = members::list(state, who, id).await?;
    let (mut addable, mut numbers) = (Vec::new(), NumbersCard::default());
    if manage {
        addable = people::list(state, who)
            .await?
            .into_iter()
            .filter(|(user, _)| !member_list.iter().any(|m| m.user.id == user.id))
            .map(|(user, role)| item(user.id.to_string(), user.name, role.as_str()))
            .collect();
        numbers = numbers::card(state, who, id, search).await?;
    }
    let notify = if manage {
        let people: Vec<(String, String)> = member_list
            .iter()
            .map(|m| (m.user.id.to_string(), m.user.name.clone()))
            .collect();
        Some(super::settings_actions::notify_card(state, who, id, &people).await?)
    } else {
        None
    };
    let (auto_close, auto_close_unit) = auto_close_fields(inbox.auto_close_secs);
    let stored = Values {
        name: inbox.name.clone(),
        emoji: inbox.emoji.clone(),
        color: checked_color(&inbox.color).to_string(),
        unread_mode: inbox.unread_mode.as_str().to_string(),
        forward_to_email: inbox
            .forward_to_email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        voice_forward_to: inbox
            .voice_forward_to
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        registration: inbox.registration.as_str().to_string(),
        api_code: inbox.api_code.as_str().to_string(),
        auto_close,
        auto_close_unit: auto_close_unit.to_string(),
        confirm: String::new(),
        away: AwayValues::stored(summary.out_of_office.as_ref()),
        sla: SlaValues::stored(summary.sla.as_ref()),
        cancel_on_reply: summary.scheduled_send.cancel_on_reply,
        ..assignment_values(summary.assignment)
    };
    let (values, error) = match refused {
        Some(r) => (stored.with_typed(&r.form, r.typed), Some(r.error)),
        None => (stored, None),
    };
    Ok(Settings {
        id: id.to_string(),
        title: inbox.name.clone(),
        title_emoji: inbox.emoji.clone(),
        values,
        muted: summary.view.muted,
        member: summary.view.member,
        manage,
        delete: may(Action::DeleteInbox),
        members: member_list
            .into_iter()
            .map(|m| {
                let mut member = item(m.user.id.to_string(), m.user.name, m.role.as_str());
                member.away = Some(m.availability == Availability::Away);
                member
            })
            .collect(),
        addable,
        numbers,
        registrations: Registration::ALL,
        unread_modes: UnreadMode::ALL,
        auto_close_units: AUTO_CLOSE_UNITS,
        assignment_modes: ASSIGNMENT_MODES,
        next: "settings".into(),
        notice: None,
        error,
        notify,
        zones: if manage {
            domain::Zone::all().collect()
        } else {
            Vec::new()
        },
    })
}

/// The auto-close wait in the largest unit that holds it whole; a wait
/// that is not whole minutes (only the API can set one) is rounded to them.
fn auto_close_fields(secs: i64) -> (String, &'static str) {
    for (unit, length) in AUTO_CLOSE_UNITS {
        if secs % length == 0 {
            return ((secs / length).to_string(), unit);
        }
    }
    (((secs + 30) / 60).to_string(), "minutes")
}

/// The auto-close wait typed in the policy form, in seconds.
pub fn auto_close_secs(amount: &str, unit: &str) -> Result<i64, domain::DomainError> {
    let invalid = || {
        domain::DomainError::invalid(
            "auto_close",
            "must be a whole number of minutes, hours or days",
        )
    };
    let length = AUTO_CLOSE_UNITS
        .iter()
        .find(|(word, _)| *word == unit)
        .map(|(_, length)| *length)
        .ok_or_else(invalid)?;
    let amount: i64 = amount.trim().parse().map_err(|_| invalid())?;
    domain::Inbox::parse_auto_close_secs(amount.checked_mul(length).ok_or_else(invalid)?)
}

fn item(id: String, label: String, detail: &str) -> Item {
    Item {
        id,
        label,
        detail: detail.to_string(),
        away: None,
    }
}

/// Whether `who` may do `action` on an inbox, asking the permission function.
pub fn allowed(who: &Principal, member: bool, registration: Registration, action: Action) -> bool {
    authorize(who.actor(), Subject::inbox(member, registration), action).is_ok()
}

/// An inbox id from the path; a malformed one is simply not found.
pub fn inbox_id(raw: &str) -> Result<InboxId, ApiError> {
    InboxId::parse(raw).map_err(|_| ApiError::not_found("no such inbox"))
}

/// Whether a refusal is about what was typed (shown on the form, input
/// kept) rather than about who is asking (403 and 404 stay errors). A
/// provider that did not answer (502) is shown too: trying again may work.
pub fn shown_on_page(error: &ApiError) -> bool {
    matches!(error.status().as_u16(), 400 | 409 | 413 | 422)
        || error.code() == "provider_unavailable"
}

#[cfg(test)]
mod tests;

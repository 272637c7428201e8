//! The forms of an inbox's settings page and of the new-inbox wizard's
//! steps: one handler and one small form per action, each calling one
//! service and redirecting (Post/Redirect/Get); a refused change shows the
//! page again with the refusal and, in the refused form, what was typed.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{
    Action, ApiCode, DomainError, EmailAddress, Inbox, InboxId, PhoneNumber, Registration,
    UnreadMode, UserId,
};
use serde::Deserialize;

use super::new_inbox::StepPage;
use super::numbers::NumberQuery;
use super::settings::{
    self, auto_close_secs, build, inbox_id, shown_on_page, Frame, Refused, Values,
};
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::{render, Chrome};
use crate::services::inboxes::{self, members, personal, InboxChanges};
use crate::services::state::AppState;

mod assignment_form;
mod away_form;
mod notify_form;
mod number_forms;
mod scheduled_form;
pub use assignment_form::{assignment_values, save_assignment, AssignmentForm, ASSIGNMENT_MODES};
mod sla_form;
pub use away_form::{save_away, AwayValues};
pub use notify_form::{card as notify_card, save_notify, NotifyCard};
pub use number_forms::{connect, disconnect, ConnectForm, DisconnectForm};
pub use scheduled_form::save_scheduled_send;
pub use sla_form::{save_sla, SlaValues};

/// The path of every settings form: the workspace and the inbox.
type InboxPath = Path<(String, String)>;

/// The appearance form.
#[derive(Debug, Default, Deserialize)]
pub struct AppearanceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    emoji: String,
    #[serde(default)]
    color: String,
}

/// The mute form: `muted` is present when checked.
#[derive(Debug, Default, Deserialize)]
pub struct MuteForm {
    muted: Option<String>,
}

/// The policy form (admins).
#[derive(Debug, Default, Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    api_code: String,
    #[serde(default)]
    unread_mode: String,
    #[serde(default)]
    forward_to_email: String,
    #[serde(default)]
    voice_forward_to: String,
    #[serde(default)]
    auto_close: String,
    #[serde(default)]
    auto_close_unit: String,
}

/// The carrier registration form (admins).
#[derive(Debug, Default, Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    registration: String,
}

/// Adding or removing a member; `next` is where to come back to
/// (`settings`, or the wizard's `members` step).
#[derive(Debug, Default, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    next: String,
}

/// Deleting the inbox: its name, typed to confirm.
#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

/// What a form posted, as the page needs it again after a refusal.
#[derive(Debug, Default)]
struct Posted {
    /// The form's action (`policy`…), naming the form that keeps `typed`.
    form: &'static str,
    /// `number` or `members` when it came from a step of the wizard.
    next: String,
    /// The number search to show again.
    search: NumberQuery,
    /// What was typed.
    typed: Values,
}

impl Posted {
    fn form(form: &'static str) -> Self {
        Self {
            form,
            ..Self::default()
        }
    }

    fn typed(mut self, typed: Values) -> Self {
        self.typed = typed;
        self
    }

    fn next(mut self, next: String) -> Self {
        self.next = next;
        self
    }
}

/// `POST …/settings/appearance`: name, emoji and colour (any member).
pub async fn appearance(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<AppearanceForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let done: Result<&'static str, ApiError> = async {
        let changes = InboxChanges {
            name: Some(Inbox::parse_name(&form.name)?),
            emoji: Some(Inbox::parse_emoji(&form.emoji)?),
            color: Some(Inbox::parse_color(&form.color)?),
            ..InboxChanges::default()
        };
        inboxes::update(&state, &agent.who, &id, changes).await?;
        Ok("Saved.")
    }
    .await;
    let typed = Values {
        name: form.name,
        emoji: form.emoji,
        color: form.color,
        ..Values::default()
    };
    let posted = Posted::form("appearance").typed(typed);
    answer(&state, &agent, jar, &id, posted, done).await
}

/// `POST …/settings/mute`: my mute.
pub async fn mute(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<MuteForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let done = personal::set_muted(&state, &agent.who, &id, form.muted.is_some())
        .await
        .map(|_| "Saved.")
        .map_err(ApiError::from);
    answer(&state, &agent, jar, &id, Posted::form("mute"), done).await
}

/// `POST …/settings/policy` (admins).
pub async fn policy(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<PolicyForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let region = state.settings.default_region.clone();
    let done: Result<&'static str, ApiError> = async {
        // Refuse an agent before reading the form, so that what they typed
        // is never judged on a page they may not use.
        agent.who.may(Action::ManageInboxPolicy)?;
        let changes = policy_changes(&form, &region)?;
        inboxes::update(&state, &agent.who, &id, changes).await?;
        Ok("Saved.")
    }
    .await;
    let typed = Values {
        api_code: form.api_code,
        unread_mode: form.unread_mode,
        forward_to_email: form.forward_to_email,
        voice_forward_to: form.voice_forward_to,
        auto_close: form.auto_close,
        auto_close_unit: form.auto_close_unit,
        ..Values::default()
    };
    let posted = Posted::form("policy").typed(typed);
    answer(&state, &agent, jar, &id, posted, done).await
}

/// `POST …/settings/registration` (admins).
pub async fn registration(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<RegistrationForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let done: Result<&'static str, ApiError> = async {
        let registration = Registration::parse(&form.registration)?;
        inboxes::set_registration(&state, &agent.who, &id, registration).await?;
        Ok("Registration updated.")
    }
    .await;
    let typed = Values {
        registration: form.registration,
        ..Values::default()
    };
    let posted = Posted::form("registration").typed(typed);
    answer(&state, &agent, jar, &id, posted, done).await
}

/// `POST …/settings/add-member` (admins).
pub async fn add_member(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let done: Result<&'static str, ApiError> = async {
        members::add(&state, &agent.who, &id, &user(&form.user_id)?).await?;
        Ok("Member added.")
    }
    .await;
    let posted = Posted::form("add-member").next(form.next);
    answer(&state, &agent, jar, &id, posted, done).await
}

/// `POST …/settings/remove-member` (admins).
pub async fn remove_member(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let done: Result<&'static str, ApiError> = async {
        members::remove(&state, &agent.who, &id, &user(&form.user_id)?).await?;
        Ok("Member removed.")
    }
    .await;
    let posted = Posted::form("remove-member").next(form.next);
    answer(&state, &agent, jar, &id, posted, done).await
}

/// `POST …/settings/delete` (owner): back to the app once it is gone.
pub async fn delete(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): InboxPath,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    match inboxes::delete(&state, &agent.who, &id, Some(&form.confirm)).await {
        Ok(_) => {
            let jar = cookies::flash(jar, "Inbox deleted.");
            Ok((jar, Redirect::to(&format!("/w/{ws}"))).into_response())
        }
        Err(error) => {
            let typed = Values {
                confirm: form.confirm,
                ..Values::default()
            };
            let posted = Posted::form("delete").typed(typed);
            answer(&state, &agent, jar, &id, posted, Err(error.into())).await
        }
    }
}

/// Saves one admin card's policy (`changes`, or why the form is wrong) and
/// answers with the page, the card keeping what was typed (`posted`).
/// Permission first: an agent is refused before their input is judged.
async fn save_policy(
    state: &AppState,
    agent: &Agent,
    jar: CookieJar,
    id: &InboxId,
    changes: Result<InboxChanges, ApiError>,
    posted: Posted,
    saved: &'static str,
) -> Result<Response, ApiError> {
    let done: Result<&'static str, ApiError> = async {
        agent.who.may(Action::ManageInboxPolicy)?;
        inboxes::update(state, &agent.who, id, changes?).await?;
        Ok(saved)
    }
    .await;
    answer(state, agent, jar, id, posted, done).await
}

/// Answers a settings form: back to the page (or the wizard's step) with
/// `done`'s notice; a refusal about what was typed shows the page again
/// with it; any other refusal is an error page.
async fn answer(
    state: &AppState,
    agent: &Agent,
    jar: CookieJar,
    id: &InboxId,
    posted: Posted,
    done: Result<&'static str, ApiError>,
) -> Result<Response, ApiError> {
    let ws = &agent.who.workspace_id;
    let step = match posted.next.as_str() {
        "number" | "members" => Some(posted.next.clone()),
        _ => None,
    };
    match done {
        Ok(notice) => {
            let jar = cookies::flash(jar, notice);
            let to = match step {
                Some(step) => format!("/w/{ws}/inboxes/{id}/new/{step}"),
                None => format!("/w/{ws}/inboxes/{id}/settings"),
            };
            Ok((jar, Redirect::to(&to)).into_response())
        }
        Err(error) if shown_on_page(&error) => {
            let refused = Refused {
                form: posted.form.to_string(),
                typed: posted.typed,
                error: sentence(error.public_detail()),
            };
            let mut page = build(state, agent, id, posted.search, Some(refused)).await?;
            if let Some(step) = step {
                page.next.clone_from(&step);
                let page = StepPage::new(agent, page, step);
                return Ok(render(&page)?.into_response());
            }
            let page = settings::SettingsPage {
                chrome: Chrome::new(format!("{} settings", page.title)),
                frame: Frame::of(agent),
                page,
            };
            Ok(render(&page)?.into_response())
        }
        Err(error) => Err(error),
    }
}

fn policy_changes(form: &PolicyForm, region: &str) -> Result<InboxChanges, DomainError> {
    let email = optional(&form.forward_to_email)
        .map(EmailAddress::parse)
        .transpose()?;
    let voice = optional(&form.voice_forward_to)
        .map(|p| PhoneNumber::parse(p, region))
        .transpose()?;
    Ok(InboxChanges {
        api_code: Some(ApiCode::parse(&form.api_code)?),
        unread_mode: Some(UnreadMode::parse(&form.unread_mode)?),
        forward_to_email: Some(email),
        voice_forward_to: Some(voice),
        auto_close_secs: Some(auto_close_secs(&form.auto_close, &form.auto_close_unit)?),
        ..InboxChanges::default()
    })
}

/// A field left blank, as `None`.
pub(super) fn optional(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|s| !s.is_empty())
}

fn user(raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw.trim())
        .map_err(|_| ApiError::unprocessable("validation", "user_id: choose someone"))
}

//! The forms of an inbox's settings page and of the new-inbox wizard's
//! steps. Each posts here, calls one service, and redirects
//! (Post/Redirect/Get); a refused change shows the page again with the
//! refusal and what was typed.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{
    Action, ApiCode, ChannelId, DomainError, EmailAddress, Inbox, PhoneNumber, Provider,
    Registration, UnreadMode, UserId,
};
use serde::Deserialize;

use super::new_inbox::StepPage;
use super::numbers::NumberQuery;
use super::settings::{self, auto_close_secs, build, inbox_id, shown_on_page, Frame, Values};
use crate::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::{render, Chrome};
use crate::services::inboxes::channels::{self, NewChannel};
use crate::services::inboxes::{self, members, personal, InboxChanges};
use crate::state::AppState;

/// Every field any settings form may carry; each action reads its own.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    /// The typed values.
    #[serde(flatten)]
    values: Values,
    /// Channels: the search the connect button came from (and, by its
    /// provider, whether connecting buys the number from Twilio).
    #[serde(flatten)]
    search: NumberQuery,
    /// Mute: present when checked.
    muted: Option<String>,
    /// Members: who.
    #[serde(default)]
    user_id: String,
    /// Channels: the number to connect.
    #[serde(default)]
    number: String,
    /// Channels: the channel to disconnect.
    #[serde(default)]
    channel_id: String,
    /// Where to come back to: `settings`, `number` or `members`.
    #[serde(default)]
    next: String,
}

/// `POST /w/{ws}/inboxes/{id}/settings/{action}`.
pub async fn act(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id, action)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let who = &agent.who;
    let region = state.settings.default_region.clone();
    let v = &form.values;
    let done: Result<&str, ApiError> = async {
        Ok(match action.as_str() {
            "appearance" => {
                let changes = appearance(v).map_err(ApiError::from)?;
                inboxes::update(&state, who, &id, changes)
                    .await
                    .map(|_| "Saved.")?
            }
            "mute" => personal::set_muted(&state, who, &id, form.muted.is_some())
                .await
                .map(|_| "Saved.")?,
            "policy" => {
                // Refuse an agent before reading the form, so that what
                // they typed is never judged on a page they may not use.
                who.may(Action::ManageInboxPolicy)?;
                let changes = policy(v, &region).map_err(ApiError::from)?;
                inboxes::update(&state, who, &id, changes)
                    .await
                    .map(|_| "Saved.")?
            }
            "registration" => {
                let state_ = Registration::parse(&v.registration)?;
                inboxes::set_registration(&state, who, &id, state_)
                    .await
                    .map(|_| "Registration updated.")?
            }
            "add-member" => members::add(&state, who, &id, &user(&form.user_id)?)
                .await
                .map(|_| "Member added.")?,
            "remove-member" => members::remove(&state, who, &id, &user(&form.user_id)?)
                .await
                .map(|_| "Member removed.")?,
            "connect" => {
                let number = PhoneNumber::parse(&form.number, &region)?;
                let (new, notice) = match form.search.provider() {
                    Provider::Twilio => (
                        NewChannel::TwilioPurchase { number },
                        "Number bought from Twilio and connected.",
                    ),
                    _ => (NewChannel::Simulator { number }, "Number connected."),
                };
                channels::connect(&state, who, &id, new)
                    .await
                    .map(|_| notice)?
            }
            "disconnect" => {
                let channel = ChannelId::parse(form.channel_id.trim())
                    .map_err(|_| ApiError::not_found("no such channel in this inbox"))?;
                channels::disconnect(&state, who, &id, &channel)
                    .await
                    .map(|_| "Number disconnected.")?
            }
            "delete" => inboxes::delete(&state, who, &id, Some(&v.confirm))
                .await
                .map(|_| "Inbox deleted.")?,
            _ => return Err(ApiError::not_found("no such action")),
        })
    }
    .await;
    let step = match form.next.as_str() {
        "number" | "members" => Some(form.next.clone()),
        _ => None,
    };
    match done {
        Ok(notice) if action == "delete" => {
            let jar = cookies::flash(jar, notice);
            Ok((jar, Redirect::to(&format!("/w/{ws}"))).into_response())
        }
        Ok(notice) => {
            let jar = cookies::flash(jar, notice);
            let to = match step {
                Some(step) => format!("/w/{ws}/inboxes/{id}/new/{step}"),
                None => format!("/w/{ws}/inboxes/{id}/settings"),
            };
            Ok((jar, Redirect::to(&to)).into_response())
        }
        Err(error) if shown_on_page(&error) => {
            let detail = sentence(error.public_detail());
            let typed = Some((form.values, detail));
            // The same search again, so a refused purchase leaves the
            // admin where they were, with the numbers still offered.
            let mut page = build(&state, &agent, &id, form.search, typed).await?;
            if let Some(step) = step {
                page.next.clone_from(&step);
                let page = StepPage::new(&agent, page, step);
                return Ok(render(&page)?.into_response());
            }
            let page = settings::SettingsPage {
                chrome: Chrome::new(format!("{} settings", page.title)),
                frame: Frame::of(&agent),
                page,
            };
            Ok(render(&page)?.into_response())
        }
        Err(error) => Err(error),
    }
}

fn appearance(v: &Values) -> Result<InboxChanges, DomainError> {
    Ok(InboxChanges {
        name: Some(Inbox::parse_name(&v.name)?),
        emoji: Some(Inbox::parse_emoji(&v.emoji)?),
        color: Some(Inbox::parse_color(&v.color)?),
        ..InboxChanges::default()
    })
}

fn policy(v: &Values, region: &str) -> Result<InboxChanges, DomainError> {
    let email = optional(&v.forward_to_email)
        .map(EmailAddress::parse)
        .transpose()?;
    let voice = optional(&v.voice_forward_to)
        .map(|p| PhoneNumber::parse(p, region))
        .transpose()?;
    Ok(InboxChanges {
        api_code: Some(ApiCode::parse(&v.api_code)?),
        unread_mode: Some(UnreadMode::parse(&v.unread_mode)?),
        forward_to_email: Some(email),
        voice_forward_to: Some(voice),
        auto_close_secs: Some(auto_close_secs(&v.auto_close, &v.auto_close_unit)?),
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

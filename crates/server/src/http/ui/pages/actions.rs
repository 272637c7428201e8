//! The buttons of a conversation as HTML forms: one handler and one small
//! form per action, each calling one service and redirecting back to the
//! conversation (Post/Redirect/Get). A refusal comes back as a notice on
//! that page rather than an error page.

use axum::extract::{Path, State};
use axum::response::Redirect;
use axum_extra::extract::CookieJar;
use domain::conversation::parse_subject;
use domain::text::Word;
use domain::{ConversationId, MessageBody, MessageKind, Priority, Tag, UserId};
use serde::Deserialize;

use super::app::parse_id;
use super::snooze;
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::conversations as svc;
use crate::services::messages::{self, Post};
use crate::services::state::AppState;

/// The path of every action: the workspace and the conversation.
pub(super) type ConversationPath = Path<(String, String)>;

/// What every action form carries: the queue's query string to come back to.
#[derive(Debug, Default, Deserialize)]
pub struct BackForm {
    #[serde(default)]
    back: String,
}

/// Transfer: to whom.
#[derive(Debug, Default, Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    user_id: String,
}

/// Snooze: a preset, or a time in the viewer's zone (see [`snooze`]).
#[derive(Debug, Default, Deserialize)]
pub struct SnoozeForm {
    #[serde(default)]
    back: String,
    /// `1h`, `4h`, `tomorrow`, `next_week` or `custom`.
    #[serde(default)]
    preset: String,
    /// A `datetime-local` value, in the viewer's zone.
    #[serde(default)]
    until: String,
    /// The browser's `getTimezoneOffset()` (minutes behind UTC).
    #[serde(default)]
    tz_offset: i64,
}

/// Priority: the new one.
#[derive(Debug, Default, Deserialize)]
pub struct PriorityForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    priority: String,
}

/// Tags, comma-separated.
#[derive(Debug, Default, Deserialize)]
pub struct TagsForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    tags: String,
}

/// The subject.
#[derive(Debug, Default, Deserialize)]
pub struct SubjectForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    subject: String,
}

/// A reply or a note.
#[derive(Debug, Default, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    back: String,
    /// `reply` or `note`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    body: String,
    /// Reply: the version the writer saw.
    expected_version: Option<i64>,
    /// Send later: `""` (now), `tomorrow`, `next_week` or `custom` (see
    /// [`super::scheduled::send_at`]).
    #[serde(default)]
    send_later: String,
    /// Send later, `custom`: a `datetime-local` value in the viewer's zone.
    #[serde(default)]
    send_at: String,
    /// The browser's `getTimezoneOffset()` (minutes behind UTC).
    #[serde(default)]
    tz_offset: i64,
}

/// `POST …/do/assign-to-me`.
pub async fn assign_to_me(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done = svc::assign_to_me(&state, &agent.who, &id)
        .await
        .map(drop)
        .map_err(ApiError::from);
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/transfer`.
pub async fn transfer(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<TransferForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let to = UserId::parse(&form.user_id)
            .map_err(|_| ApiError::unprocessable("validation", "choose someone to transfer to"))?;
        svc::transfer(&state, &agent.who, &id, &to)
            .await
            .map(drop)
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/return`: back to the inbox, unassigned.
pub async fn return_to_inbox(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done = svc::return_to_inbox(&state, &agent.who, &id)
        .await
        .map(drop)
        .map_err(ApiError::from);
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/done`.
pub async fn mark_done(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done = svc::mark_done(&state, &agent.who, &id)
        .await
        .map(drop)
        .map_err(ApiError::from);
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/reopen`.
pub async fn reopen(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done = svc::reopen(&state, &agent.who, &id)
        .await
        .map(drop)
        .map_err(ApiError::from);
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/snooze`.
pub async fn snooze(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<SnoozeForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        // The viewer's zone: the profile's, else the browser's offset.
        let zone = super::app::stored_zone(&state, &agent.who.user).await?;
        let local = snooze::LocalTime {
            zone,
            browser_offset_minutes: form.tz_offset,
        };
        let until = snooze::until(&form.preset, &form.until, local, state.clock.now())?;
        svc::snooze(&state, &agent.who, &id, until)
            .await
            .map(drop)
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/priority`.
pub async fn priority(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<PriorityForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let priority = Priority::parse(&form.priority)?;
        svc::set_priority(&state, &agent.who, &id, priority)
            .await
            .map(drop)
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/tags`.
pub async fn tags(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<TagsForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let raw: Vec<String> = form
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        let tags = Tag::parse_set(&raw)?;
        svc::set_tags(&state, &agent.who, &id, tags)
            .await
            .map(drop)
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/subject`.
pub async fn subject(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<SubjectForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let subject = parse_subject(&form.subject)?;
        svc::set_subject(&state, &agent.who, &id, subject)
            .await
            .map(drop)
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST …/do/message`: a reply or a note, without the page's script.
pub async fn message(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id)): ConversationPath,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let kind = if form.kind == "note" {
            MessageKind::Note
        } else {
            MessageKind::Outbound
        };
        let send_at = super::scheduled::send_at(
            &state,
            &agent.who,
            &form.send_later,
            &form.send_at,
            form.tz_offset,
        )
        .await?;
        let post = Post {
            kind,
            body: MessageBody::parse(&form.body, false)?,
            attachments: Vec::new(),
            expected_version: form.expected_version,
            send_at,
        };
        messages::post(&state, &agent.who, &id, post)
            .await
            .map(drop)
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

/// Back to the conversation (Post/Redirect/Get); a refusal the person can
/// act on is a notice there, anything else the error page.
pub(super) fn answer(
    jar: CookieJar,
    ws: &str,
    id: &ConversationId,
    back: &str,
    done: Result<(), ApiError>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let jar = match done {
        Ok(()) => jar,
        Err(error) if error.status().is_client_error() => {
            cookies::flash(jar, &sentence(error.public_detail()))
        }
        Err(error) => return Err(error),
    };
    Ok((
        jar,
        Redirect::to(&format!("/w/{ws}/c/{id}{}", safe_back(back))),
    ))
}

/// The queue's query string only: anything else is dropped, so a crafted
/// form cannot redirect elsewhere.
pub fn safe_back(back: &str) -> &str {
    let ok = back.starts_with('?')
        && back
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"?&=%-_.+".contains(&b));
    if ok {
        back
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_query_strings_come_back() {
        assert_eq!(safe_back("?view=done&seg=mine"), "?view=done&seg=mine");
        assert_eq!(safe_back("//evil.example"), "");
        assert_eq!(safe_back("?a=b\r\nSet-Cookie: x"), "");
    }
}

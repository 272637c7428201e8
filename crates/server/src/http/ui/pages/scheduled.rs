//! Scheduled replies in the web app: when the composer's "Send later"
//! sends, and the Edit and Cancel forms of a scheduled reply in the
//! timeline (plain forms: they work without the page's script).

use axum::extract::{Path, State};
use axum::response::Redirect;
use axum_extra::extract::CookieJar;
use domain::{MessageBody, MessageId, Timestamp};
use serde::Deserialize;

use super::actions::answer;
use super::app::parse_id;
use super::snooze;
use crate::http::error::ApiError;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::access::Principal;
use crate::services::scheduled::{self, Reschedule};
use crate::services::state::AppState;

/// The time a composer's Send later menu names: `None` for "now" (no
/// choice), else `tomorrow` or `next_week` (9:00 in the viewer's zone) or
/// `custom`, the typed `datetime-local` value read in the viewer's zone (the
/// profile's, else the browser's offset). Whether it is in the future is
/// the service's to say.
pub async fn send_at(
    state: &AppState,
    who: &Principal,
    preset: &str,
    typed: &str,
    tz_offset: i64,
) -> Result<Option<Timestamp>, ApiError> {
    if preset.is_empty() {
        return Ok(None);
    }
    let zone = super::app::stored_zone(state, &who.user).await?;
    let local = snooze::LocalTime {
        zone,
        browser_offset_minutes: tz_offset,
    };
    snooze::chosen(preset, typed.trim(), local, state.clock.now())
        .map(Some)
        .ok_or_else(|| {
            ApiError::unprocessable(
                "validation",
                "send_at: choose the day and time the reply should go",
            )
        })
}

/// The path of a scheduled reply's forms: workspace, conversation, message.
type ScheduledPath = Path<(String, String, String)>;

fn message_id(raw: &str) -> Result<MessageId, ApiError> {
    MessageId::parse(raw).map_err(|_| ApiError::not_found("no such message"))
}

/// Edit: the new text and time.
#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    body: String,
    /// A `datetime-local` value in the viewer's zone.
    #[serde(default)]
    send_at: String,
    /// The browser's `getTimezoneOffset()` (minutes behind UTC).
    #[serde(default)]
    tz_offset: i64,
}

/// Cancel: only where to come back to.
#[derive(Debug, Default, Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    back: String,
}

/// `POST /w/{ws}/c/{id}/do/scheduled/{message}/edit`.
pub async fn edit(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id, message)): ScheduledPath,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let message = message_id(&message)?;
        let send_at = send_at(&state, &agent.who, "custom", &form.send_at, form.tz_offset).await?;
        let change = Reschedule {
            body: Some(MessageBody::parse(&form.body, false)?),
            send_at,
        };
        scheduled::edit(&state, &agent.who, &message, change)
            .await
            .map(drop)
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

/// `POST /w/{ws}/c/{id}/do/scheduled/{message}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id, message)): ScheduledPath,
    CsrfForm(form): CsrfForm<CancelForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let done: Result<(), ApiError> = async {
        let message = message_id(&message)?;
        scheduled::cancel(&state, &agent.who, &message)
            .await
            .map_err(ApiError::from)
    }
    .await;
    answer(jar, &ws, &id, &form.back, done)
}

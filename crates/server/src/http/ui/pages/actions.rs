//! The buttons of a conversation as HTML forms: each posts here, calls one
//! service, and redirects back to the conversation (Post/Redirect/Get). A
//! refusal comes back as a notice on that page rather than an error page.

use axum::extract::{Path, State};
use axum::response::Redirect;
use axum_extra::extract::CookieJar;
use chrono::{Datelike, NaiveDateTime, TimeDelta, TimeZone, Utc};
use domain::conversation::parse_subject;
use domain::text::Word;
use domain::{MessageBody, MessageKind, Priority, Tag, Timestamp, UserId};
use serde::Deserialize;

use super::app::parse_id;
use crate::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::conversations as svc;
use crate::services::messages::{self, Post};
use crate::state::AppState;

/// Every field any action form may carry; each action reads its own.
#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    /// The queue's query string to come back to.
    #[serde(default)]
    back: String,
    /// Transfer: to whom.
    #[serde(default)]
    user_id: String,
    /// Snooze: `1h`, `4h`, `tomorrow`, `next_week` or `custom`.
    #[serde(default)]
    preset: String,
    /// Snooze: a `datetime-local` value, in the browser's time zone.
    #[serde(default)]
    until: String,
    /// Snooze: the browser's `getTimezoneOffset()` (minutes behind UTC).
    #[serde(default)]
    tz_offset: i64,
    /// Priority: the new one.
    #[serde(default)]
    priority: String,
    /// Tags, comma-separated.
    #[serde(default)]
    tags: String,
    /// The subject.
    #[serde(default)]
    subject: String,
    /// Reply or note: `reply` or `note`.
    #[serde(default)]
    kind: String,
    /// Reply or note: the text.
    #[serde(default)]
    body: String,
    /// Reply: the version the writer saw.
    expected_version: Option<i64>,
}

/// `POST /w/{ws}/c/{id}/do/{action}`.
pub async fn act(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((ws, id, action)): Path<(String, String, String)>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<(CookieJar, Redirect), ApiError> {
    let id = parse_id(&id)?;
    let who = &agent.who;
    let now = state.clock.now();
    let done: Result<&str, ApiError> = async {
        Ok(match action.as_str() {
            "assign-to-me" => svc::assign_to_me(&state, who, &id).await.map(|_| "")?,
            "transfer" => {
                let to = UserId::parse(&form.user_id).map_err(|_| {
                    ApiError::unprocessable("validation", "choose someone to transfer to")
                })?;
                svc::transfer(&state, who, &id, &to).await.map(|_| "")?
            }
            "return" => svc::return_to_inbox(&state, who, &id).await.map(|_| "")?,
            "done" => svc::mark_done(&state, who, &id).await.map(|_| "")?,
            "reopen" => svc::reopen(&state, who, &id).await.map(|_| "")?,
            "snooze" => {
                let until = snooze_until(&form, now)?;
                svc::snooze(&state, who, &id, until).await.map(|_| "")?
            }
            "priority" => svc::set_priority(&state, who, &id, Priority::parse(&form.priority)?)
                .await
                .map(|_| "")?,
            "tags" => {
                let raw: Vec<String> = form
                    .tags
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect();
                svc::set_tags(&state, who, &id, Tag::parse_set(&raw)?)
                    .await
                    .map(|_| "")?
            }
            "subject" => svc::set_subject(&state, who, &id, parse_subject(&form.subject)?)
                .await
                .map(|_| "")?,
            "message" => {
                let kind = if form.kind == "note" {
                    MessageKind::Note
                } else {
                    MessageKind::Outbound
                };
                let post = Post {
                    kind,
                    body: MessageBody::parse(&form.body, false)?,
                    expected_version: form.expected_version,
                };
                messages::post(&state, who, &id, post).await.map(|_| "")?
            }
            _ => return Err(ApiError::not_found("no such action")),
        })
    }
    .await;
    let jar = match done {
        Ok(_) => jar,
        Err(error) if error.status().is_client_error() => {
            cookies::flash(jar, &sentence(error.public_detail()))
        }
        Err(error) => return Err(error),
    };
    Ok((
        jar,
        Redirect::to(&format!("/w/{ws}/c/{id}{}", safe_back(&form.back))),
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

/// When a snooze ends: a preset, or the browser's local date and time.
fn snooze_until(form: &ActionForm, now: Timestamp) -> Result<Timestamp, ApiError> {
    let offset = TimeDelta::minutes(form.tz_offset.clamp(-24 * 60, 24 * 60));
    // Local 9:00 on a day `days` from the browser's today.
    let morning = |days: i64| -> Option<Timestamp> {
        let local = (now - offset).date_naive() + TimeDelta::days(days);
        let at = local.and_hms_opt(9, 0, 0)?;
        Some(Utc.from_utc_datetime(&at) + offset)
    };
    let until = match form.preset.as_str() {
        "1h" => Some(now + TimeDelta::hours(1)),
        "4h" => Some(now + TimeDelta::hours(4)),
        "tomorrow" => morning(1),
        "next_week" => {
            let weekday = (now - offset).weekday().num_days_from_monday() as i64;
            morning(7 - weekday)
        }
        _ => NaiveDateTime::parse_from_str(&form.until, "%Y-%m-%dT%H:%M")
            .ok()
            .map(|at| Utc.from_utc_datetime(&at) + offset),
    };
    until.ok_or_else(|| ApiError::unprocessable("validation", "choose when the snooze ends"))
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

    #[test]
    fn a_custom_snooze_is_read_in_the_browsers_time_zone() {
        let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        let form = ActionForm {
            until: "2026-03-11T08:30".into(),
            tz_offset: 300, // UTC-5
            ..ActionForm::default()
        };
        let until = snooze_until(&form, now).unwrap();
        assert_eq!(until, Utc.with_ymd_and_hms(2026, 3, 11, 13, 30, 0).unwrap());
    }
}

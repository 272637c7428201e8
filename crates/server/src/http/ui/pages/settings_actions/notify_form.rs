//! The settings page's "Notify users and channels" card (admins): which
//! members, Slack channels and addresses hear of new messages, and the
//! throttle. The card's contents are [`card`]; saving is [`save_notify`].

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use domain::{InboxId, UserId};

use super::{answer, inbox_id, InboxPath, Posted};
use crate::http::error::ApiError;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::access::Principal;
use crate::services::notifications::{settings, Target};
use crate::services::state::AppState;

/// What the card shows.
#[derive(Debug, Clone, Default)]
pub struct NotifyCard {
    /// The throttle in seconds.
    pub throttle: String,
    /// Each member of the inbox: `(id, name, told)`.
    pub members: Vec<(String, String, bool)>,
    /// One Slack channel a line: `C0123ABCD support`.
    pub slack: String,
    /// One address a line.
    pub emails: String,
}

/// The card for an inbox, as stored (admins).
pub async fn card(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    members: &[(String, String)],
) -> Result<NotifyCard, ApiError> {
    let notify = settings::get(state, who, id).await?;
    let told = |user: &str| {
        notify
            .targets
            .iter()
            .any(|t| matches!(t, Target::Member { user_id } if user_id.as_str() == user))
    };
    let mut slack = Vec::new();
    let mut emails = Vec::new();
    for target in &notify.targets {
        match target {
            Target::SlackChannel { channel_id, name } => {
                slack.push(format!("{channel_id} {name}").trim().to_string());
            }
            Target::Email { address } => emails.push(address.clone()),
            Target::Member { .. } => {}
        }
    }
    Ok(NotifyCard {
        throttle: notify.throttle_secs.to_string(),
        members: members
            .iter()
            .map(|(id, name)| (id.clone(), name.clone(), told(id)))
            .collect(),
        slack: slack.join("\n"),
        emails: emails.join("\n"),
    })
}

/// The form's fields: the throttle, each ticked `member`, and the lines.
fn targets(fields: &[(String, String)]) -> Result<(i64, Vec<Target>), ApiError> {
    let mut throttle = None;
    let mut targets = Vec::new();
    for (name, value) in fields {
        match name.as_str() {
            "notify_throttle_secs" => {
                throttle = Some(value.trim().parse::<i64>().map_err(|_| {
                    ApiError::unprocessable(
                        "validation",
                        "Throttle: must be a whole number of seconds",
                    )
                })?);
            }
            "member" => targets.push(Target::Member {
                user_id: UserId::parse(value).map_err(|_| {
                    ApiError::unprocessable("validation", "Members: not a member of this inbox")
                })?,
            }),
            "slack" => {
                for line in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let (channel_id, name) =
                        line.split_once(char::is_whitespace).unwrap_or((line, ""));
                    targets.push(Target::SlackChannel {
                        channel_id: channel_id.to_string(),
                        name: name.trim().to_string(),
                    });
                }
            }
            "emails" => {
                for line in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    targets.push(Target::Email {
                        address: line.to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    let throttle = throttle.unwrap_or(crate::services::notifications::throttle::DEFAULT_SECS);
    Ok((throttle, targets))
}

/// `POST …/settings/notify` (admins).
pub async fn save_notify(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let done: Result<&'static str, ApiError> = async {
        let (throttle, targets) = targets(&fields)?;
        settings::set(&state, &agent.who, &id, throttle, targets).await?;
        Ok("Saved.")
    }
    .await;
    answer(&state, &agent, jar, &id, Posted::form("notify"), done).await
}

//! `/w/{ws}/team`: the workspace's people for admins — members with their
//! role (change it, remove them), inviting someone (the page shows the
//! invitation's link to copy while email is not configured), and the open
//! invitations (revoke them). The rules are the services' (DESIGN.md §3:
//! owners are an owner's to manage; the last owner stays).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use domain::text::Word;
use domain::{EmailAddress, Role, UserId};
use serde::Deserialize;

use super::auth::sentence;
use super::settings::Frame;
use crate::http::api::accounts::invite_link;
use crate::http::error::ApiError;
use crate::http::ui::cookies;
use crate::http::ui::format::{full_time, initials};
use crate::http::ui::session::{Agent, CsrfForm};
use crate::http::ui::{render, Chrome};
use crate::services::accounts::invitations;
use crate::services::accounts::members::{self, NewMember};
use crate::services::state::AppState;

/// A member in the list.
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// Their user id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their login address.
    pub email: String,
    /// Their initials.
    pub initials: String,
    /// Their role word.
    pub role: &'static str,
    /// Whether this is me.
    pub me: bool,
    /// Whether they set themselves away.
    pub away: bool,
}

/// An open invitation in the list.
#[derive(Debug, Clone)]
pub struct PendingRow {
    /// The invitation's id.
    pub id: String,
    /// The address invited.
    pub email: String,
    /// The role offered.
    pub role: &'static str,
    /// When, in my zone.
    pub when: String,
}

/// The link of an invitation just made, shown once.
#[derive(Debug, Clone)]
pub struct Invited {
    /// Who was invited.
    pub email: String,
    /// The link to hand them.
    pub link: String,
}

/// The invite form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InviteForm {
    /// Their address.
    #[serde(default)]
    pub email: String,
    /// Their name.
    #[serde(default)]
    pub name: String,
    /// The role word.
    #[serde(default)]
    pub role: String,
}

/// The Team page.
#[derive(Debug, Template)]
#[template(path = "team/team.html")]
pub struct TeamPage {
    /// The layout.
    pub chrome: Chrome,
    /// The top bar.
    pub frame: Frame,
    /// Everyone in the workspace.
    pub members: Vec<MemberRow>,
    /// Open invitations.
    pub pending: Vec<PendingRow>,
    /// The roles I may give, as (word, label).
    pub roles: Vec<(&'static str, &'static str)>,
    /// Whether I am an owner (only owners touch owners).
    pub owner: bool,
    /// The invitation just made.
    pub invited: Option<Invited>,
    /// The invite form's values.
    pub typed: InviteForm,
    /// A notice of the last change.
    pub notice: Option<String>,
    /// Why the last change was refused.
    pub error: Option<String>,
}

/// A member picked by a button: their id and, to change, the new role.
#[derive(Debug, Default, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    role: String,
}

/// An invitation picked by a button.
#[derive(Debug, Default, Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    id: String,
}

const ROLE_LABELS: &[(&str, &str)] = &[("agent", "Agent"), ("admin", "Admin"), ("owner", "Owner")];

/// `GET /w/{ws}/team`.
pub async fn page(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    let (jar, notice) = cookies::take_flash(jar);
    let mut page = build(&state, &agent).await?;
    page.notice = notice;
    Ok((jar, render(&page)?).into_response())
}

/// `POST /w/{ws}/team/invite`: the page again, with the new link to copy.
pub async fn invite(
    State(state): State<AppState>,
    agent: Agent,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, ApiError> {
    let made: Result<_, ApiError> = async {
        let new = NewMember {
            email: EmailAddress::parse(&form.email)?,
            name: form.name.clone(),
            role: Role::parse(&form.role)?,
            password: None,
        };
        Ok(members::add(&state, &agent.who, new).await?)
    }
    .await;
    match made {
        Ok(invited) => {
            let mut page = build(&state, &agent).await?;
            page.invited = Some(Invited {
                email: invited.email,
                link: invite_link(&state, &invited.token),
            });
            Ok(render(&page)?.into_response())
        }
        Err(error) => refused(&state, &agent, error, form).await,
    }
}

/// `POST /w/{ws}/team/role`.
pub async fn change_role(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, ApiError> {
    let done: Result<String, ApiError> = async {
        let member = member_id(&form.user_id)?;
        let role = Role::parse(&form.role)?;
        let user = members::change_role(&state, &agent.who, &member, role).await?;
        // Agent, admin and owner all take "an".
        Ok(format!("{} is now an {}.", user.name, role.as_str()))
    }
    .await;
    after(&state, &agent, jar, done).await
}

/// `POST /w/{ws}/team/remove`.
pub async fn remove(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, ApiError> {
    let done: Result<String, ApiError> = async {
        let member = member_id(&form.user_id)?;
        members::remove(&state, &agent.who, &member).await?;
        Ok("Removed from the workspace; their open conversations went back to the inbox.".into())
    }
    .await;
    after(&state, &agent, jar, done).await
}

/// `POST /w/{ws}/team/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<InvitationForm>,
) -> Result<Response, ApiError> {
    let done = invitations::revoke(&state, &agent.who, &form.id)
        .await
        .map(|()| "Invitation revoked: its link no longer works.".to_string())
        .map_err(ApiError::from);
    after(&state, &agent, jar, done).await
}

/// After a change: back to the page with a notice, or the page with the
/// refusal (403 and server errors stay error pages).
async fn after(
    state: &AppState,
    agent: &Agent,
    jar: CookieJar,
    done: Result<String, ApiError>,
) -> Result<Response, ApiError> {
    match done {
        Ok(notice) => {
            let ws = agent.who.workspace_id.to_string();
            let jar = cookies::flash(jar, &notice);
            Ok((jar, Redirect::to(&format!("/w/{ws}/team"))).into_response())
        }
        Err(error) => refused(state, agent, error, InviteForm::default()).await,
    }
}

async fn refused(
    state: &AppState,
    agent: &Agent,
    error: ApiError,
    typed: InviteForm,
) -> Result<Response, ApiError> {
    if !matches!(error.status().as_u16(), 400 | 404 | 409 | 422) {
        return Err(error);
    }
    let mut page = build(state, agent).await?;
    page.error = Some(sentence(error.public_detail()));
    page.typed = typed;
    Ok(render(&page)?.into_response())
}

async fn build(state: &AppState, agent: &Agent) -> Result<TeamPage, ApiError> {
    let who = &agent.who;
    // Admins only: the invitations refuse anyone else (403).
    let pending = invitations::pending(state, who).await?;
    let away = {
        let mut reader = state.store.read().await?;
        store::users::away_in(&mut reader.conn(), &who.workspace_id).await?
    };
    let zone = super::app::viewer_zone(state, &who.user).await?;
    let owner = who.role == Role::Owner;
    let members = members::list(state, who)
        .await?
        .into_iter()
        .map(|(user, role)| MemberRow {
            id: user.id.to_string(),
            initials: initials(&user.name),
            email: user.email.as_str().to_string(),
            me: user.id == who.user.id,
            away: away.contains(&user.id),
            name: user.name,
            role: role.as_str(),
        })
        .collect();
    Ok(TeamPage {
        chrome: Chrome::new("Team"),
        frame: Frame::of(agent),
        members,
        pending: pending
            .into_iter()
            .map(|n| PendingRow {
                id: n.id,
                email: n.email,
                role: n.role.as_str(),
                when: full_time(n.created_at, zone),
            })
            .collect(),
        roles: ROLE_LABELS
            .iter()
            .copied()
            .filter(|(word, _)| owner || *word != "owner")
            .collect(),
        owner,
        invited: None,
        typed: InviteForm {
            role: "agent".into(),
            ..InviteForm::default()
        },
        notice: None,
        error: None,
    })
}

fn member_id(raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw).map_err(|_| ApiError::not_found("no such member"))
}

//! Inboxes: listing them with their badges, creating, changing and deleting
//! them. Members and channels live in the submodules; each person's own
//! order and mute in [`personal`].

mod changes;
pub mod channels;
pub mod members;
mod numbers;
pub mod personal;

use chrono::SubsecRound;
use domain::{
    Action, ApiCode, AssignmentPolicy, Inbox, InboxId, InboxKind, OutOfOffice, Purpose,
    Registration, SlaPolicy, UnreadMode, WorkspaceId,
};
use store::inboxes::InboxView;
use store::queue::InboxCounts;
use store::{Conn, StoreError};

pub use changes::InboxChanges;

use super::access::{self, Principal};
use crate::services::assignment;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The emoji of an inbox created without one.
pub const DEFAULT_EMOJI: &str = Inbox::DEFAULT_EMOJI;
/// The colour of an inbox created without one (slate).
pub const DEFAULT_COLOR: &str = Inbox::DEFAULT_COLOR;

/// An inbox as the caller sees it: their membership, order and mute, and its
/// sidebar badges for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxSummary {
    /// The inbox with the caller's membership, position and mute.
    pub view: InboxView,
    /// Its badges for the caller.
    pub counts: InboxCounts,
    /// Its out-of-office setting, once an admin saved one.
    pub out_of_office: Option<OutOfOffice>,
    /// How it hands out conversations (manual unless an admin chose otherwise).
    pub assignment: AssignmentPolicy,
    /// Its SLA targets, once an admin saved them.
    pub sla: Option<SlaPolicy>,
    /// Its scheduled-send policy (the default until an admin saves one).
    pub scheduled_send: domain::ScheduledSend,
}

/// What `POST /inboxes` asks for, already parsed.
#[derive(Debug, Clone)]
pub struct NewInbox {
    /// Display name (checked by [`Inbox::parse_name`]).
    pub name: String,
    /// Shared or personal.
    pub kind: InboxKind,
    /// What it is for.
    pub purpose: Purpose,
    /// Checked emoji; [`DEFAULT_EMOJI`] when absent.
    pub emoji: Option<String>,
    /// Checked colour; [`DEFAULT_COLOR`] when absent.
    pub color: Option<String>,
    /// The code for links; derived from the name when absent.
    pub api_code: Option<ApiCode>,
    /// Per-user unless asked otherwise.
    pub unread_mode: Option<UnreadMode>,
}

/// The caller's inboxes in their own order: members see the ones they belong
/// to once registration is approved; admins also every other inbox, after
/// their own. The badges of all of them come from one query.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id, user_id = %who.user.id), err(level = "debug"))]
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<InboxSummary>, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let admin = who.role.is_admin();
    let views: Vec<InboxView> =
        store::inboxes::visible_to(&mut conn, &who.workspace_id, &who.user.id, admin)
            .await?
            .into_iter()
            .filter(|v| admin || v.inbox.registration == Registration::Approved)
            .collect();
    let ids: Vec<InboxId> = views.iter().map(|v| v.inbox.id.clone()).collect();
    let mut counts =
        store::queue::inbox_counts(&mut conn, &who.workspace_id, &who.user.id, &ids).await?;
    let mut away = store::out_of_office::of_workspace(&mut conn, &who.workspace_id).await?;
    let policies = store::assignment::policies(&mut conn, &who.workspace_id).await?;
    let mut targets = store::sla::of_workspace(&mut conn, &who.workspace_id).await?;
    let scheduled = store::scheduled::policies(&mut conn, &who.workspace_id).await?;
    Ok(views
        .into_iter()
        .map(|view| {
            let counts = counts.remove(&view.inbox.id).unwrap_or_default();
            let out_of_office = away.remove(&view.inbox.id);
            let assignment = policies.get(&view.inbox.id).copied().unwrap_or_default();
            let sla = targets.remove(&view.inbox.id);
            let scheduled_send = scheduled.get(&view.inbox.id).copied().unwrap_or_default();
            InboxSummary {
                view,
                counts,
                out_of_office,
                assignment,
                sla,
                scheduled_send,
            }
        })
        .collect())
}

/// One inbox, for a member or an admin.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn get(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
) -> Result<InboxSummary, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let inbox = access::inbox(&mut conn, who, id, Action::SeeInbox).await?;
    summary(&mut conn, who, inbox).await
}

/// Creates an inbox (the caller is checked for [`Action::CreateInbox`] by the
/// handler). The creator becomes its first member; a personal inbox belongs
/// to them.
///
/// New inboxes start with registration `approved`: with no number, or a
/// simulator number, nothing reaches a carrier. Connecting the first real
/// provider number (Twilio) of the workspace's shared inboxes makes that
/// inbox `pending` ([`channels::connect`]) until an admin records the
/// carrier's answer with `PUT /inboxes/{id}/registration`.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn create(
    state: &AppState,
    who: &Principal,
    new: NewInbox,
) -> Result<InboxSummary, ServiceError> {
    // Milliseconds, as stored: what this answers equals what a later read returns.
    let now = state.clock.now().trunc_subsecs(3);
    let mut tx = state.store.begin().await?;
    let api_code = match new.api_code {
        Some(code) => code,
        None => free_api_code(&mut tx.conn(), &who.workspace_id, &new.name).await?,
    };
    let inbox = Inbox {
        kind: new.kind,
        owner_id: (new.kind == InboxKind::Personal).then(|| who.user.id.clone()),
        emoji: new.emoji.unwrap_or_else(|| DEFAULT_EMOJI.to_string()),
        color: new.color.unwrap_or_else(|| DEFAULT_COLOR.to_string()),
        purpose: new.purpose,
        api_code,
        unread_mode: new.unread_mode.unwrap_or(UnreadMode::PerUser),
        // Checked against the inbox limits when the settings were loaded.
        auto_close_secs: state.settings.auto_close_after_secs,
        ..Inbox::shared(&who.workspace_id, &new.name, now)
    };
    store::inboxes::create(&mut tx, &inbox)
        .await
        .map_err(|e| api_code_taken(e, &inbox.api_code))?;
    store::inboxes::add_member(&mut tx, &inbox.id, &who.user.id, now).await?;
    crate::services::notifications::slack::inbox_channel::plan_for_new_inbox(&mut tx, &inbox)
        .await?;
    tx.commit().await?;
    tracing::info!(inbox_id = %inbox.id, "inbox created");
    let mut reader = state.store.read().await?;
    summary(&mut reader.conn(), who, inbox).await
}

/// Changes an inbox: any member its name, emoji and colour; an admin also
/// its policy. An agent sending a policy field is refused, naming it.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn update(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    changes: InboxChanges,
) -> Result<InboxSummary, ServiceError> {
    let mut tx = state.store.begin().await?;
    let mut inbox = access::inbox(&mut tx.conn(), who, id, Action::EditInboxAppearance).await?;
    let policy = changes.policy_fields();
    if !policy.is_empty() && who.may(Action::ManageInboxPolicy).is_err() {
        return Err(ServiceError::denied(format!(
            "only an admin can change {}",
            policy.join(", ")
        )));
    }
    let assignment = changes.assignment;
    let scheduled_send = changes.scheduled_send;
    let (out_of_office, sla) = changes.apply(&mut inbox);
    store::inboxes::update(&mut tx, &inbox)
        .await
        .map_err(|e| api_code_taken(e, &inbox.api_code))?;
    if let Some(setting) = &out_of_office {
        store::out_of_office::put(&mut tx, &inbox.id, setting, state.clock.now()).await?;
    }
    if let Some(policy) = assignment {
        let before = store::assignment::policy(&mut tx.conn(), &inbox.id).await?;
        store::assignment::set_policy(&mut tx, &inbox.id, &policy, state.clock.now()).await?;
        tracing::info!(inbox_id = %inbox.id, mode = ?policy.mode, "assignment policy set");
        // Turned automatic (or a new mode or cap): what waited goes out now.
        if policy.is_automatic() && policy != before {
            let now = state.clock.now();
            assignment::plan_hand_out(&mut tx, &inbox.workspace_id, &inbox.id, now).await?;
        }
    }
    if let Some(policy) = &sla {
        store::sla::put(&mut tx, &inbox.id, policy, state.clock.now()).await?;
    }
    if let Some(policy) = scheduled_send {
        store::scheduled::put_policy(&mut tx, &inbox.id, policy, state.clock.now()).await?;
    }
    tx.commit().await?;
    state.jobs_enqueued.notify_one();
    let mut reader = state.store.read().await?;
    summary(&mut reader.conn(), who, inbox).await
}

/// Sets the carrier registration state (admins). Agents see the inbox only
/// while it is `approved`.
#[tracing::instrument(skip_all, fields(inbox_id = %id, registration = ?registration), err(level = "debug"))]
pub async fn set_registration(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    registration: Registration,
) -> Result<InboxSummary, ServiceError> {
    let mut tx = state.store.begin().await?;
    let mut inbox = access::inbox(&mut tx.conn(), who, id, Action::ManageInboxPolicy).await?;
    let before = inbox.registration;
    inbox.registration = registration;
    store::inboxes::update(&mut tx, &inbox).await?;
    // Admins hear that it completed, if and only if this commits.
    crate::services::notifications::registration::plan(&mut tx, before, &inbox, state.clock.now())
        .await?;
    tx.commit().await?;
    state.jobs_enqueued.notify_one();
    let mut reader = state.store.read().await?;
    summary(&mut reader.conn(), who, inbox).await
}

/// Deletes an inbox and everything in it (owners only), in one transaction:
/// its channels, members, conversations, messages, events and jobs go by the
/// schema's cascades. `confirm` must be the inbox's name, so that a slip of
/// the hand or a script with the wrong id deletes nothing.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn delete(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    confirm: Option<&str>,
) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    let inbox = access::inbox(&mut tx.conn(), who, id, Action::DeleteInbox).await?;
    if confirm.map(str::trim) != Some(inbox.name.as_str()) {
        return Err(ServiceError::invalid(
            "validation",
            format!(
                "confirm: type the inbox's name ({:?}) to delete it with all its \
                 conversations, messages and channels",
                inbox.name
            ),
        ));
    }
    store::inboxes::delete(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(inbox_id = %id, name = %inbox.name, "inbox deleted");
    Ok(())
}

/// `inbox` with the caller's membership and badges.
async fn summary(
    conn: &mut Conn<'_>,
    who: &Principal,
    inbox: Inbox,
) -> Result<InboxSummary, ServiceError> {
    let me = store::inboxes::members(conn, &inbox.id)
        .await?
        .into_iter()
        .find(|m| m.user_id == who.user.id);
    let ids = [inbox.id.clone()];
    let counts = store::queue::inbox_counts(conn, &who.workspace_id, &who.user.id, &ids)
        .await?
        .remove(&inbox.id)
        .unwrap_or_default();
    let out_of_office = store::out_of_office::get(conn, &inbox.id).await?;
    let assignment = store::assignment::policy(conn, &inbox.id).await?;
    let sla = store::sla::get(conn, &inbox.id).await?;
    let scheduled_send = store::scheduled::policy(conn, &inbox.id).await?;
    let view = InboxView {
        inbox,
        member: me.is_some(),
        position: me.as_ref().map_or(0, |m| m.position),
        muted: me.is_some_and(|m| m.muted),
    };
    Ok(InboxSummary {
        view,
        counts,
        out_of_office,
        assignment,
        sla,
        scheduled_send,
    })
}

/// A code derived from `name` that no inbox of the workspace uses yet:
/// `sales`, then `sales-2`, `sales-3`… Two teams may well both call an inbox
/// "Sales"; only a code someone chose explicitly is refused when taken.
async fn free_api_code(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    name: &str,
) -> Result<ApiCode, ServiceError> {
    let base = ApiCode::from_name(name);
    if store::inboxes::by_api_code(conn, workspace, &base)
        .await?
        .is_none()
    {
        return Ok(base);
    }
    for n in 2..100 {
        let suffix = format!("-{n}");
        let stem: String = base.as_str().chars().take(40 - suffix.len()).collect();
        let candidate = ApiCode::parse(&format!("{}{suffix}", stem.trim_end_matches('-')))?;
        if store::inboxes::by_api_code(conn, workspace, &candidate)
            .await?
            .is_none()
        {
            return Ok(candidate);
        }
    }
    Err(ServiceError::conflict(
        "api_code_taken",
        "api_code: every code derived from this name is taken; choose one",
    ))
}

/// A duplicate on the inboxes table can only be its `api_code`.
fn api_code_taken(error: StoreError, code: &ApiCode) -> ServiceError {
    match error {
        StoreError::Duplicate(_) => ServiceError::conflict(
            "api_code_taken",
            format!(
                "api_code: {:?} is already used by another inbox",
                code.as_str()
            ),
        )
        .with_source(error),
        other => other.into(),
    }
}

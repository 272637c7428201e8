//! Who belongs to an inbox. Membership is access (DESIGN.md §3): only
//! admins change it, and only to people of the same workspace.

use chrono::SubsecRound;
use domain::{Action, Availability, InboxId, Role, User, UserId};

use crate::services::access::{self, Principal};
use crate::services::conversations;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// A member of an inbox with their workspace role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The user.
    pub user: User,
    /// Their role in the workspace.
    pub role: Role,
    /// Whether they take new work (auto-assignment skips the away).
    pub availability: Availability,
}

/// The members of an inbox in the order they joined (members and admins may look).
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn list(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
) -> Result<Vec<Member>, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    access::inbox(&mut conn, who, id, Action::SeeInbox).await?;
    let members = store::inboxes::members(&mut conn, id).await?;
    // One query for everyone's name and role, joined here, rather than one per member.
    let mut people = store::workspaces::members(&mut conn, &who.workspace_id).await?;
    let availability = store::users::availability_in(&mut conn, &who.workspace_id).await?;
    Ok(members
        .into_iter()
        .filter_map(|m| {
            let at = people.iter().position(|(user, _)| user.id == m.user_id)?;
            let (user, role) = people.swap_remove(at);
            let availability = availability.get(&user.id).copied().unwrap_or_default();
            Some(Member {
                user,
                role,
                availability,
            })
        })
        .collect())
}

/// Adds a person of the workspace to an inbox (admins). Adding a member again
/// changes nothing.
#[tracing::instrument(skip_all, fields(inbox_id = %id, user_id = %user_id), err(level = "debug"))]
pub async fn add(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    user_id: &UserId,
) -> Result<Member, ServiceError> {
    // Milliseconds, as stored: what this answers equals what a later read returns.
    let now = state.clock.now().trunc_subsecs(3);
    let mut tx = state.store.begin().await?;
    access::inbox(&mut tx.conn(), who, id, Action::ManageInboxPolicy).await?;
    let not_in_workspace = || {
        ServiceError::invalid(
            "validation",
            format!("user_id: {user_id} is not a member of this workspace"),
        )
    };
    let role = store::workspaces::role_of(&mut tx.conn(), &who.workspace_id, user_id)
        .await?
        .ok_or_else(not_in_workspace)?;
    let user = store::users::get(&mut tx.conn(), user_id)
        .await?
        .ok_or_else(not_in_workspace)?;
    let availability = store::users::profile(&mut tx.conn(), user_id)
        .await?
        .map(|p| p.availability)
        .unwrap_or_default();
    store::inboxes::add_member(&mut tx, id, user_id, now).await?;
    tx.commit().await?;
    Ok(Member {
        user,
        role,
        availability,
    })
}

/// Removes someone from an inbox (admins). Their conversations there that
/// are not closed go back to the Unassigned queue, returned by the admin.
#[tracing::instrument(skip_all, fields(inbox_id = %id, user_id = %user_id), err(level = "debug"))]
pub async fn remove(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    user_id: &UserId,
) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    access::inbox(&mut tx.conn(), who, id, Action::ManageInboxPolicy).await?;
    if !store::inboxes::remove_member(&mut tx, id, user_id).await? {
        return Err(ServiceError::not_found("no such member of this inbox"));
    }
    let returned = conversations::return_all_to_inbox(
        &mut tx,
        &who.workspace_id,
        Some(id),
        user_id,
        &who.user.id,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    state.hub.publish(returned);
    Ok(())
}

//! A person's invitations to workspaces: adding someone to a workspace
//! ([`super::members::add`]) only invites them, and they join when they
//! accept, so no admin can pull an account into their workspace.
//!
//! Each invitation has a link (`/invite/{token}`) that the invitee follows:
//! an account without a password (made by the invitation) sets its name and
//! password there and joins; one with a password signs in and accepts.
//! Until email is configured the admin copies the link to the teammate, so
//! whoever holds it could tell the two apart: the price of inviting
//! without email, and the link is the invitee's, not the admin's, to open.

use domain::{Action, EmailAddress, Role, User, Workspace};
use store::invitations::Invitation;
use store::StoreError;

use super::checked_name;
use super::passwords::{hash_password, Password};
use super::sessions::{self, OpenedSession};
use crate::services::access::Principal;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The caller's open invitations, oldest first.
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn mine(state: &AppState, user: &User) -> Result<Vec<Invitation>, ServiceError> {
    let mut reader = state.store.read().await?;
    Ok(store::invitations::for_email(&mut reader.conn(), user.email.as_str()).await?)
}

/// Accepts the caller's invitation `id`: they join its workspace with its
/// role. Someone else's invitation is "not found", like one that is not there.
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn accept(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<(Workspace, Role), ServiceError> {
    let mut tx = state.store.begin().await?;
    let invitation = store::invitations::take(&mut tx, id, user.email.as_str())
        .await?
        .ok_or_else(not_found)?;
    let now = state.clock.now();
    let joined = store::workspaces::add_member(
        &mut tx,
        &invitation.workspace.id,
        &user.id,
        invitation.role,
        now,
    )
    .await;
    match joined {
        Ok(()) => {}
        // Already a member (added meanwhile): accepting changes nothing.
        Err(StoreError::Duplicate(_)) => {}
        Err(other) => return Err(other.into()),
    }
    tx.commit().await?;
    tracing::info!(workspace_id = %invitation.workspace.id, "invitation accepted");
    Ok((invitation.workspace, invitation.role))
}

/// Declines (and forgets) the caller's invitation `id`.
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn decline(state: &AppState, user: &User, id: &str) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    store::invitations::take(&mut tx, id, user.email.as_str())
        .await?
        .ok_or_else(not_found)?;
    tx.commit().await?;
    tracing::info!("invitation declined");
    Ok(())
}

fn not_found() -> ServiceError {
    ServiceError::not_found("no such invitation")
}

/// The workspace's open invitations, newest first: admins see them to
/// revoke them.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn pending(state: &AppState, who: &Principal) -> Result<Vec<Invitation>, ServiceError> {
    who.may(Action::ManageMember {
        target_role: Role::Agent,
    })?;
    let mut reader = state.store.read().await?;
    Ok(store::invitations::for_workspace(&mut reader.conn(), &who.workspace_id).await?)
}

/// Withdraws an open invitation to the caller's workspace: its link stops
/// working. An invitation to be an owner is an owner's to withdraw.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn revoke(state: &AppState, who: &Principal, id: &str) -> Result<(), ServiceError> {
    who.may(Action::ManageMember {
        target_role: Role::Agent,
    })?;
    let mut tx = state.store.begin().await?;
    let open = store::invitations::for_workspace(&mut tx.conn(), &who.workspace_id).await?;
    let invitation = open
        .into_iter()
        .find(|n| n.id == id)
        .ok_or_else(not_found)?;
    who.may(Action::ManageMember {
        target_role: invitation.role,
    })?;
    store::invitations::revoke(&mut tx, &who.workspace_id, id).await?;
    tx.commit().await?;
    tracing::info!(invitation_id = %id, "invitation revoked");
    Ok(())
}

/// An invitation as its link's page shows it.
#[derive(Debug, Clone)]
pub struct LinkInvitation {
    /// The invitation.
    pub invitation: Invitation,
    /// Whether the invited account already has a password: then its owner
    /// signs in to accept; otherwise the link sets one.
    pub has_password: bool,
}

/// The open invitation whose link carries `token`; "not found" once it was
/// accepted, revoked or replaced by a newer link.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn by_link(state: &AppState, token: &str) -> Result<LinkInvitation, ServiceError> {
    let mut reader = state.store.read().await?;
    let conn = &mut reader.conn();
    let invitation = store::invitations::by_token(conn, token)
        .await?
        .ok_or_else(not_found)?;
    let email = EmailAddress::from_trusted(invitation.email.clone());
    let has_password = match store::users::by_email(conn, &email).await? {
        Some((_, hash)) => hash.is_some(),
        None => false,
    };
    Ok(LinkInvitation {
        invitation,
        has_password,
    })
}

/// Accepts the invitation of `token` for an account that has no password
/// yet: sets its name and password, joins the workspace and opens a
/// session. An account that has a password is refused (409
/// `has_password`): its owner signs in and accepts, so that a link never
/// changes a password someone chose.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn accept_link(
    state: &AppState,
    token: &str,
    name: &str,
    password: Password,
) -> Result<(Workspace, OpenedSession), ServiceError> {
    let name = checked_name("name", name)?;
    let hash = hash_password(password).await?;
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    let invitation = store::invitations::by_token(&mut tx.conn(), token)
        .await?
        .ok_or_else(not_found)?;
    let email = EmailAddress::from_trusted(invitation.email.clone());
    let user = match store::users::by_email(&mut tx.conn(), &email).await? {
        Some((_, Some(_))) => {
            return Err(ServiceError::conflict(
                "has_password",
                "this account already has a password: sign in to accept the invitation",
            ))
        }
        Some((user, None)) => user,
        // The account went away meanwhile: the invitation cannot be used.
        None => return Err(not_found()),
    };
    store::users::set_name(&mut tx, &user.id, &name).await?;
    store::users::set_password_hash(&mut tx, &user.id, Some(&hash)).await?;
    store::invitations::take(&mut tx, &invitation.id, &invitation.email).await?;
    match store::workspaces::add_member(
        &mut tx,
        &invitation.workspace.id,
        &user.id,
        invitation.role,
        now,
    )
    .await
    {
        Ok(()) | Err(StoreError::Duplicate(_)) => {}
        Err(other) => return Err(other.into()),
    }
    let session = sessions::open(&mut tx, &user.id, now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, workspace_id = %invitation.workspace.id, "invitation accepted by link");
    Ok((invitation.workspace, session))
}

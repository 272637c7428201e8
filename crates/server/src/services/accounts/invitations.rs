//! A person's invitations to workspaces: adding someone to a workspace
//! ([`super::members::add`]) only invites them, and they join when they
//! accept, so no admin can pull an account into their workspace.

use domain::{Role, User, Workspace};
use store::invitations::Invitation;
use store::StoreError;

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

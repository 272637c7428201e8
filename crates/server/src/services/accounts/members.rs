//! Who belongs to a workspace, with which role.
//!
//! Admins manage members; only an owner gives, changes or takes away the
//! owner role (the permission table's `ManageMember`, asked with the highest
//! role involved); the last owner can be neither demoted nor removed, so a
//! workspace is never left without someone who can manage everything.

use std::fmt;

use domain::{Action, EmailAddress, Role, User, UserId, WorkspaceId};
use store::Tx;

use super::checked_name;
use super::passwords::{hash_password, Password};
use crate::services::access::Principal;
use crate::services::conversations;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// A person to add to the workspace.
#[derive(Clone)]
pub struct NewMember {
    /// Their login. An existing account with this address (in any case) is
    /// invited as it is; otherwise an account is made, and invited.
    pub email: EmailAddress,
    /// Their display name, for a new account (an existing one keeps its own).
    pub name: String,
    /// Their role in this workspace.
    pub role: Role,
    /// A first password, for a new account only (ignored for an existing
    /// one). Without one the account cannot log in until a password is set.
    pub password: Option<Password>,
}

impl fmt::Debug for NewMember {
    // The address is personal data: keep it out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewMember")
            .field("role", &self.role)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// Everyone in the caller's workspace with their role, by name. Any member
/// may see who their colleagues are.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<(User, Role)>, ServiceError> {
    who.may(Action::UseWorkspace)?;
    let mut reader = state.store.read().await?;
    Ok(store::workspaces::members(&mut reader.conn(), &who.workspace_id).await?)
}

/// An invitation made by [`add`]: the same whether or not the address
/// already had an account.
#[derive(Debug, Clone)]
pub struct Invited {
    /// The invitation's id.
    pub id: String,
    /// The address invited, lower-cased.
    pub email: String,
    /// The role offered.
    pub role: Role,
}

/// Invites a person to the caller's workspace; they join when they accept
/// (`POST /api/v1/me/invitations/{id}/accept`). An address without an
/// account gets one (with the first password, if given), so that they can
/// log in and accept. Nothing in the answer, its timing or what follows
/// tells the admin whether the address had an account: an existing
/// account's name and id stay hidden, and its password is never touched
/// (a password given for it is ignored). Only a current member of this
/// workspace is refused (409 `already_member`), which admins see anyway.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id, role = ?new.role), err(level = "debug"))]
pub async fn add(
    state: &AppState,
    who: &Principal,
    new: NewMember,
) -> Result<Invited, ServiceError> {
    who.may(Action::ManageMember {
        target_role: new.role,
    })?;
    let name = checked_name("name", &new.name)?;
    let now = state.clock.now();
    // Hashed before the transaction, and whether or not it is used: argon2
    // takes tens of milliseconds (on SQLite a transaction holds the one
    // writer), and skipping it for existing accounts would time them apart.
    let hash = match new.password {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let mut tx = state.store.begin().await?;
    match store::users::by_email(&mut tx.conn(), &new.email).await? {
        Some((user, _)) => {
            let role =
                store::workspaces::role_of(&mut tx.conn(), &who.workspace_id, &user.id).await?;
            if role.is_some() {
                return Err(ServiceError::conflict(
                    "already_member",
                    "this person is already a member of the workspace",
                ));
            }
        }
        None => {
            let user = User {
                id: UserId::generate(),
                email: new.email.clone(),
                name,
                created_at: now,
            };
            store::users::create(&mut tx, &user, hash.as_deref()).await?;
        }
    }
    let email = new.email.as_str().to_lowercase();
    let id = store::invitations::upsert(
        &mut tx,
        &who.workspace_id,
        &email,
        new.role,
        &who.user.id,
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(invitation_id = %id, "member invited");
    Ok(Invited {
        id,
        email,
        role: new.role,
    })
}

/// Gives a member another role.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id, user_id = %member, role = ?role), err(level = "debug"))]
pub async fn change_role(
    state: &AppState,
    who: &Principal,
    member: &UserId,
    role: Role,
) -> Result<User, ServiceError> {
    // Refused before the lookup, so that an agent learns nothing either way.
    who.may(Action::ManageMember { target_role: role })?;
    let mut tx = state.store.begin().await?;
    let (user, current) = member_of(&mut tx, &who.workspace_id, member).await?;
    who.may(Action::ManageMember {
        target_role: current.max(role),
    })?;
    if current == Role::Owner && role != Role::Owner {
        keep_an_owner(&mut tx, &who.workspace_id).await?;
    }
    store::workspaces::set_role(&mut tx, &who.workspace_id, member, role).await?;
    tx.commit().await?;
    tracing::info!(from = ?current, "member role changed");
    Ok(user)
}

/// Takes a member out of the workspace and its inboxes. Their account stays
/// (they may belong to other workspaces); their conversations that are not
/// closed go back to the Unassigned queue, returned by the admin.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id, user_id = %member), err(level = "debug"))]
pub async fn remove(
    state: &AppState,
    who: &Principal,
    member: &UserId,
) -> Result<(), ServiceError> {
    // Managing any member needs an admin: refused before the lookup.
    who.may(Action::ManageMember {
        target_role: Role::Agent,
    })?;
    let mut tx = state.store.begin().await?;
    let (_user, current) = member_of(&mut tx, &who.workspace_id, member).await?;
    who.may(Action::ManageMember {
        target_role: current,
    })?;
    if current == Role::Owner {
        keep_an_owner(&mut tx, &who.workspace_id).await?;
    }
    store::workspaces::remove_member(&mut tx, &who.workspace_id, member).await?;
    let returned = conversations::return_all_to_inbox(
        &mut tx,
        &who.workspace_id,
        None,
        member,
        &who.user.id,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(role = ?current, returned = returned.len(), "member removed");
    state.hub.publish(returned);
    Ok(())
}

/// The member and their role; "not found" for anyone outside the workspace.
async fn member_of(
    tx: &mut Tx<'_>,
    workspace: &WorkspaceId,
    member: &UserId,
) -> Result<(User, Role), ServiceError> {
    let not_found = || ServiceError::not_found("no such member");
    let role = store::workspaces::role_of(&mut tx.conn(), workspace, member)
        .await?
        .ok_or_else(not_found)?;
    let user = store::users::get(&mut tx.conn(), member)
        .await?
        .ok_or_else(not_found)?;
    Ok((user, role))
}

/// Refuses a change that would take away the workspace's only owner.
///
/// Exact on SQLite, whose one writer runs these transactions one at a time.
/// On PostgreSQL two owners demoting each other at the same instant could
/// both pass; closing that needs a row lock in the store.
async fn keep_an_owner(tx: &mut Tx<'_>, workspace: &WorkspaceId) -> Result<(), ServiceError> {
    let owners = store::workspaces::count_with_role(&mut tx.conn(), workspace, Role::Owner).await?;
    if owners <= 1 {
        return Err(ServiceError::conflict(
            "last_owner",
            "a workspace needs an owner: make someone else owner first",
        ));
    }
    Ok(())
}

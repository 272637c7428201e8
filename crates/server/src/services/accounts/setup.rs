//! The first owner of a workspace: first-run setup over HTTP
//! (`POST /api/v1/setup`) and `switchboard admin create-owner`.

use domain::{EmailAddress, Role, Timestamp, User, UserId, Workspace, WorkspaceId};
use store::{Store, StoreError, Tx};

use super::checked_name;
use super::passwords::{hash_password, Password};
use super::sessions::{self, OpenedSession};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The first owner of a new workspace.
#[derive(Debug, Clone)]
pub struct NewOwner {
    /// Their login.
    pub email: EmailAddress,
    /// The new workspace's name.
    pub workspace: String,
    /// Their display name; the local part of the email when not given.
    pub name: Option<String>,
    /// Their password, hashed with argon2 before it is stored.
    pub password: Password,
}

/// What [`create_owner`] made.
#[derive(Debug, Clone)]
pub struct OwnerCreated {
    /// The new workspace.
    pub workspace: Workspace,
    /// The new user, its owner.
    pub user: User,
}

/// What first-run [`setup`] made: the owner, logged in.
#[derive(Debug, Clone)]
pub struct SetUp {
    /// The owner and the workspace.
    pub created: OwnerCreated,
    /// The owner's first session.
    pub session: OpenedSession,
}

/// Creates a workspace and its first owner in one transaction (the CLI's
/// `admin create-owner`, which may add workspaces to a running install).
#[tracing::instrument(skip_all, fields(workspace = %owner.workspace), err(level = "debug"))]
pub async fn create_owner(
    store: &Store,
    owner: NewOwner,
    at: Timestamp,
) -> Result<OwnerCreated, ServiceError> {
    let (created, password) = prepare(owner, at)?;
    let hash = hash_password(password).await?;
    let mut tx = store.begin().await?;
    insert(&mut tx, &created, &hash).await?;
    tx.commit().await?;
    Ok(created)
}

/// First-run setup: the first account of a fresh install, with its
/// workspace, logged in. Refused with 409 `already_set_up` once any account
/// exists, so that nobody can claim an install someone already runs.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn setup(state: &AppState, owner: NewOwner) -> Result<SetUp, ServiceError> {
    let now = state.clock.now();
    // Checked before the argon2 work too, so that probing a running install
    // costs it nothing.
    {
        let mut reader = state.store.read().await?;
        if store::users::any_exist(&mut reader.conn()).await? {
            return Err(already_set_up());
        }
    }
    let (created, password) = prepare(owner, now)?;
    let hash = hash_password(password).await?;
    let mut tx = state.store.begin().await?;
    // Again inside the write: someone may have set up meanwhile. Exact on
    // SQLite (one writer); on PostgreSQL two setups racing in the same
    // instant could both pass, which needs a lock in the store to close.
    if store::users::any_exist(&mut tx.conn()).await? {
        return Err(already_set_up());
    }
    insert(&mut tx, &created, &hash).await?;
    let session = sessions::open(&mut tx, &created.user.id, now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %created.user.id, workspace_id = %created.workspace.id, "set up");
    Ok(SetUp { created, session })
}

/// Checks the names and builds the rows, before any work is spent on hashing.
fn prepare(owner: NewOwner, at: Timestamp) -> Result<(OwnerCreated, Password), ServiceError> {
    let workspace = Workspace {
        id: WorkspaceId::generate(),
        name: checked_name("workspace", &owner.workspace)?,
        created_at: at,
    };
    let name = match &owner.name {
        Some(name) => checked_name("name", name)?,
        None => default_name(&owner.email),
    };
    let user = User {
        id: UserId::generate(),
        email: owner.email,
        name,
        created_at: at,
    };
    Ok((OwnerCreated { workspace, user }, owner.password))
}

async fn insert(tx: &mut Tx<'_>, created: &OwnerCreated, hash: &str) -> Result<(), ServiceError> {
    let OwnerCreated { workspace, user } = created;
    store::users::create(tx, user, Some(hash))
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => ServiceError::conflict(
                "email_taken",
                format!("an account with the address {} already exists", user.email),
            )
            .with_source(e),
            other => other.into(),
        })?;
    store::workspaces::create(tx, workspace).await?;
    store::workspaces::add_member(
        tx,
        &workspace.id,
        &user.id,
        Role::Owner,
        workspace.created_at,
    )
    .await?;
    Ok(())
}

fn already_set_up() -> ServiceError {
    ServiceError::conflict(
        "already_set_up",
        "this install is already set up; log in, or ask an owner to add you",
    )
}

/// `ana.lima@example.com` → `ana.lima`.
fn default_name(email: &EmailAddress) -> String {
    let address = email.as_str();
    address
        .split_once('@')
        .map_or(address, |(local, _)| local)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_name_is_the_local_part_of_the_address() {
        let email = EmailAddress::parse("ana.lima@example.com").unwrap();
        assert_eq!(default_name(&email), "ana.lima");
    }
}

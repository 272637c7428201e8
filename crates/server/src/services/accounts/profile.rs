//! Each person's own settings: their name, password, time zone and
//! availability. Nobody else changes them.

use domain::{Availability, User, Zone};

use super::checked_name;
use super::passwords::{hash_password, verify_password, Password};
use crate::services::assignment;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// A person's profile as their pages and `GET /me/profile` show it.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The account.
    pub user: User,
    /// Their time zone, `None` until their browser's is sent or they pick one.
    pub time_zone: Option<Zone>,
    /// Whether they take new work.
    pub availability: Availability,
}

impl Profile {
    /// The zone their pages show times in: theirs, else UTC.
    pub fn zone(&self) -> Zone {
        self.time_zone.unwrap_or(Zone::UTC)
    }
}

/// What a person changes of their profile; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    /// A new display name.
    pub name: Option<String>,
    /// A new time zone.
    pub time_zone: Option<Zone>,
    /// A new availability.
    pub availability: Option<Availability>,
}

/// The caller's profile.
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn get(state: &AppState, user: &User) -> Result<Profile, ServiceError> {
    let mut reader = state.store.read().await?;
    let conn = &mut reader.conn();
    let stored = store::users::profile(conn, &user.id)
        .await?
        .ok_or_else(|| ServiceError::unauthenticated("the account is gone"))?;
    // The name may have changed since the session read the user.
    let user = store::users::get(conn, &user.id)
        .await?
        .unwrap_or_else(|| user.clone());
    Ok(Profile {
        user,
        time_zone: stored.time_zone,
        availability: stored.availability,
    })
}

/// Changes the caller's name, time zone or availability. Coming back from
/// away hands out the work that waited in their automatic inboxes, in the
/// same transaction (`services::assignment::plan_hand_out`).
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn update(
    state: &AppState,
    user: &User,
    change: ProfileChange,
) -> Result<Profile, ServiceError> {
    let name = change
        .name
        .as_deref()
        .map(|name| checked_name("name", name))
        .transpose()?;
    let mut tx = state.store.begin().await?;
    if let Some(name) = &name {
        store::users::set_name(&mut tx, &user.id, name).await?;
    }
    if let Some(zone) = change.time_zone {
        store::users::set_time_zone(&mut tx, &user.id, zone).await?;
    }
    if let Some(availability) = change.availability {
        let before = store::users::profile(&mut tx.conn(), &user.id)
            .await?
            .map(|p| p.availability);
        store::users::set_availability(&mut tx, &user.id, availability).await?;
        if before == Some(Availability::Away) && availability == Availability::Available {
            let now = state.clock.now();
            for (workspace, inbox) in
                store::assignment::automatic_inboxes_of(&mut tx.conn(), &user.id).await?
            {
                assignment::plan_hand_out(&mut tx, &workspace, &inbox, now).await?;
            }
        }
    }
    tx.commit().await?;
    state.jobs_enqueued.notify_one();
    tracing::info!("profile changed");
    get(state, user).await
}

/// Changes the caller's password; the current one must be given (someone
/// at an unlocked screen cannot lock its owner out). Their other sessions
/// stay open.
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn change_password(
    state: &AppState,
    user: &User,
    current: Password,
    new: Password,
) -> Result<(), ServiceError> {
    let stored = {
        let mut reader = state.store.read().await?;
        store::users::by_email(&mut reader.conn(), &user.email).await?
    };
    let hash = stored.and_then(|(found, hash)| hash.filter(|_| found.id == user.id));
    let matched = match hash {
        Some(hash) => verify_password(current, hash).await,
        None => false,
    };
    if !matched {
        return Err(ServiceError::invalid(
            "wrong_password",
            "current_password: that is not your current password",
        ));
    }
    let hash = hash_password(new).await?;
    let mut tx = state.store.begin().await?;
    store::users::set_password_hash(&mut tx, &user.id, Some(&hash)).await?;
    tx.commit().await?;
    tracing::info!("password changed");
    Ok(())
}

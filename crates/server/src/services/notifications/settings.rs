//! An inbox's notification settings (admins): who is told of its inbound
//! messages ("Notify users and channels") and the throttle's window.

use domain::{Action, InboxId, InboxMember};
use store::notifications::InboxSettings;
use store::Conn;

use super::targets::{self, Target};
use super::throttle;
use crate::services::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// An inbox's settings as admins see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxNotify {
    /// The throttle's window in seconds.
    pub throttle_secs: i64,
    /// Who is told of inbound messages.
    pub targets: Vec<Target>,
    /// `false` while the inbox uses the default targets.
    pub custom: bool,
}

/// The inbox's settings (admins).
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn get(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
) -> Result<InboxNotify, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    access::inbox(&mut conn, who, id, Action::ManageInboxPolicy).await?;
    effective(&mut conn, id).await
}

/// Replaces the inbox's settings (admins). Every entry is checked; nothing
/// is saved unless all are valid.
#[tracing::instrument(skip_all, fields(inbox_id = %id, throttle_secs), err(level = "debug"))]
pub async fn set(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    throttle_secs: i64,
    targets: Vec<Target>,
) -> Result<InboxNotify, ServiceError> {
    if !(0..=throttle::MAX_SECS).contains(&throttle_secs) {
        return Err(ServiceError::invalid(
            "validation",
            format!(
                "notify_throttle_secs: must be between 0 and {}",
                throttle::MAX_SECS
            ),
        ));
    }
    let mut tx = state.store.begin().await?;
    access::inbox(&mut tx.conn(), who, id, Action::ManageInboxPolicy).await?;
    let members = store::inboxes::members(&mut tx.conn(), id).await?;
    let targets = targets::validate(targets, &members)?;
    let json = serde_json::to_string(&targets).map_err(ServiceError::internal)?;
    let settings = InboxSettings {
        throttle_secs,
        targets: Some(json),
    };
    store::notifications::save_settings(&mut tx, id, &settings, state.clock.now()).await?;
    tx.commit().await?;
    Ok(InboxNotify {
        throttle_secs,
        targets,
        custom: true,
    })
}

/// The settings in force: the saved ones, or the defaults.
pub async fn effective(conn: &mut Conn<'_>, id: &InboxId) -> Result<InboxNotify, ServiceError> {
    let members = store::inboxes::members(conn, id).await?;
    let stored = store::notifications::settings(conn, id).await?;
    Ok(resolve(stored, &members))
}

/// The saved settings read with the members, defaults filled in. A saved
/// list that no longer reads (it never should) counts as the default.
pub fn resolve(stored: Option<InboxSettings>, members: &[InboxMember]) -> InboxNotify {
    let throttle_secs = stored
        .as_ref()
        .map_or(throttle::DEFAULT_SECS, |s| s.throttle_secs);
    let saved = stored
        .and_then(|s| s.targets)
        .and_then(|json| serde_json::from_str::<Vec<Target>>(&json).ok());
    match saved {
        Some(targets) => InboxNotify {
            throttle_secs,
            targets,
            custom: true,
        },
        None => InboxNotify {
            throttle_secs,
            targets: targets::default_targets(members),
            custom: false,
        },
    }
}

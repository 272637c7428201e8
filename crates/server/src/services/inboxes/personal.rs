//! Each member's own view of their inboxes: the order of their list and
//! which inboxes they muted. Nobody else's view changes.

use std::collections::HashSet;

use domain::{Action, InboxId, Registration};

use crate::services::access::{self, Principal};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// Puts the caller's inboxes in the order of `order`. Inboxes left out keep
/// their relative order after the listed ones, so a client that knows only
/// some of them cannot leave two at the same position. An id that is not
/// one of the caller's visible inboxes (unknown, another workspace's, not a
/// member of) or is listed twice is refused, naming it.
#[tracing::instrument(skip_all, fields(user_id = %who.user.id, count = order.len()), err(level = "debug"))]
pub async fn set_order(
    state: &AppState,
    who: &Principal,
    order: Vec<InboxId>,
) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    let admin = who.role.is_admin();
    let mine: Vec<InboxId> =
        store::inboxes::visible_to(&mut tx.conn(), &who.workspace_id, &who.user.id, false)
            .await?
            .into_iter()
            .filter(|v| admin || v.inbox.registration == Registration::Approved)
            .map(|v| v.inbox.id)
            .collect();
    let mut seen = HashSet::new();
    for id in &order {
        if !mine.contains(id) {
            return Err(ServiceError::invalid(
                "validation",
                format!("inbox_ids: {id} is not one of your inboxes"),
            ));
        }
        if !seen.insert(id) {
            return Err(ServiceError::invalid(
                "validation",
                format!("inbox_ids: {id} is listed twice"),
            ));
        }
    }
    let rest: Vec<InboxId> = mine.into_iter().filter(|id| !seen.contains(id)).collect();
    let full: Vec<InboxId> = order.into_iter().chain(rest).collect();
    store::inboxes::set_order(&mut tx, &who.user.id, &full).await?;
    tx.commit().await?;
    Ok(())
}

/// Mutes or unmutes an inbox for the caller only. Admins who are not members
/// have nothing to mute: they get no notifications from it anyway.
#[tracing::instrument(skip_all, fields(inbox_id = %id, muted), err(level = "debug"))]
pub async fn set_muted(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    muted: bool,
) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    access::inbox(&mut tx.conn(), who, id, Action::PersonaliseInbox).await?;
    if !store::inboxes::set_muted(&mut tx, id, &who.user.id, muted).await? {
        return Err(ServiceError::invalid(
            "validation",
            "muted: only members can mute an inbox, and you are not a member of this one",
        ));
    }
    tx.commit().await?;
    Ok(())
}

//! Each member's choice, per trigger, of how they hear about it.

use domain::text::Word;
use domain::WorkspaceId;
use store::Conn;

use super::rules::Choices;
use super::{Medium, Trigger};
use crate::services::access::Principal;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// A member's medium for every trigger, in [`Trigger::ALL`] order.
pub type Preferences = Vec<(Trigger, Medium)>;

/// The caller's preferences, defaults filled in.
#[tracing::instrument(skip_all, fields(user_id = %who.user.id), err(level = "debug"))]
pub async fn get(state: &AppState, who: &Principal) -> Result<Preferences, ServiceError> {
    let mut reader = state.store.read().await?;
    let stored =
        store::notifications::preferences(&mut reader.conn(), &who.workspace_id, &who.user.id)
            .await?;
    Ok(Trigger::ALL
        .into_iter()
        .map(|trigger| {
            let chosen = stored
                .iter()
                .find(|(t, _)| t == trigger.as_str())
                .and_then(|(_, m)| Medium::parse(m).ok());
            (trigger, chosen.unwrap_or_else(|| trigger.default_medium()))
        })
        .collect())
}

/// Sets the caller's choices; triggers left out keep theirs. Returns them all.
#[tracing::instrument(skip_all, fields(user_id = %who.user.id), err(level = "debug"))]
pub async fn set(
    state: &AppState,
    who: &Principal,
    changes: &[(Trigger, Medium)],
) -> Result<Preferences, ServiceError> {
    let mut merged = get(state, who).await?;
    for (trigger, medium) in changes {
        if let Some(entry) = merged.iter_mut().find(|(t, _)| t == trigger) {
            entry.1 = *medium;
        }
    }
    let rows: Vec<(&str, &str)> = merged
        .iter()
        .map(|(t, m)| (t.as_str(), m.as_str()))
        .collect();
    let mut tx = state.store.begin().await?;
    store::notifications::set_preferences(&mut tx, &who.workspace_id, &who.user.id, &rows).await?;
    tx.commit().await?;
    Ok(merged)
}

/// Everyone's choices in the workspace for one trigger (the rules' input).
pub async fn choices(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    trigger: Trigger,
) -> Result<Choices, ServiceError> {
    let stored = store::notifications::choices_for(conn, workspace, trigger.as_str()).await?;
    Ok(Choices::new(
        trigger,
        stored
            .into_iter()
            .filter_map(|(user, medium)| Medium::parse(&medium).ok().map(|m| (user, m))),
    ))
}

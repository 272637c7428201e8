//! Running a [`Job::Notify`](super::Job::Notify): the throttle first, then
//! the notice goes to its medium.

use super::JobError;
use crate::services::notifications::{in_app, slack, throttle, Medium, Notice, Recipient};
use crate::services::state::AppState;

/// Delivers one notice by its recipient's medium.
pub async fn run(state: &AppState, notice: &Notice) -> Result<(), JobError> {
    match &notice.recipient {
        // The centre applies the throttle in its own transaction.
        Recipient::Member {
            user_id,
            medium: Medium::InApp,
        } => in_app::deliver(state, notice, user_id).await,
        Recipient::Member {
            medium: Medium::Off,
            ..
        } => Ok(()),
        Recipient::SlackChannel { .. }
        | Recipient::Member {
            medium: Medium::SlackDm,
            ..
        } => {
            if claim(state, notice).await? {
                slack::deliver(state, notice).await
            } else {
                Ok(())
            }
        }
        Recipient::Email { .. }
        | Recipient::Member {
            medium: Medium::Email,
            ..
        } => {
            if claim(state, notice).await? {
                super::email::notify(state, notice).await
            } else {
                Ok(())
            }
        }
    }
}

/// The throttle's verdict, committed before the outside call: a retry of
/// the same notice is let through again, any other is folded.
async fn claim(state: &AppState, notice: &Notice) -> Result<bool, JobError> {
    let mut tx = state.store.begin().await?;
    let granted = throttle::claim(&mut tx, notice, state.clock.now()).await?;
    tx.commit().await?;
    Ok(granted)
}

//! "Registration completed": not an event of a conversation, so not read
//! from the log. When an inbox's carrier registration becomes approved, the
//! use case that approves it calls [`plan`] in its own transaction, so the
//! notices are enqueued if and only if the change commits.

use domain::{Inbox, Registration, Timestamp};
use store::Tx;

use super::rules;
use super::{preferences, Notice, Trigger};
use crate::jobs::Job;
use crate::services::ServiceError;

/// Enqueues one notice per admin of the workspace when `before` was not
/// approved and `inbox` now is. Such a notice has no event: its
/// `event_seq` is the time of the change in milliseconds, negated, so that
/// it can never equal an event's number and each completion is its own.
pub async fn plan(
    tx: &mut Tx<'_>,
    before: Registration,
    inbox: &Inbox,
    now: Timestamp,
) -> Result<(), ServiceError> {
    if before == Registration::Approved || inbox.registration != Registration::Approved {
        return Ok(());
    }
    let admins: Vec<domain::UserId> =
        store::workspaces::members(&mut tx.conn(), &inbox.workspace_id)
            .await?
            .into_iter()
            .filter(|(_, role)| role.is_admin())
            .map(|(user, _)| user.id)
            .collect();
    let choices = preferences::choices(
        &mut tx.conn(),
        &inbox.workspace_id,
        Trigger::RegistrationCompleted,
    )
    .await?;
    let seq = -now.timestamp_millis();
    for (index, recipient) in rules::registration_completed(&admins, &choices)
        .into_iter()
        .enumerate()
    {
        let job = Job::Notify {
            notice: Notice {
                workspace_id: inbox.workspace_id.clone(),
                inbox_id: Some(inbox.id.clone()),
                conversation_id: None,
                trigger: Trigger::RegistrationCompleted,
                recipient,
                event_seq: seq,
            },
        };
        let new = job
            .to_new(now)
            .with_workspace(inbox.workspace_id.clone())
            .with_dedupe_key(format!("registration:{}:{}:{index}", inbox.id, -seq));
        store::jobs::enqueue_once(tx, new).await?;
    }
    Ok(())
}

//! A new shared inbox's own Slack channel: its default notification target
//! when the workspace has Slack connected (an inbox created while it is not
//! notifies its members in the app). Creating a channel is a call to Slack,
//! so creating the inbox only enqueues [`Job::CreateInboxChannel`] in its
//! own transaction; the job creates `#inbox-{name}` (`-2`, `-3`… when the
//! name is taken) and makes it the inbox's one target, unless an admin has
//! chosen the targets in the meantime.

use channels::slack::{channel_name, CreatedChannel};
use domain::{Inbox, InboxId, InboxKind};
use store::Tx;

use super::{client, slack_outcome};
use crate::jobs::{Job, JobError};
use crate::services::notifications::{throttle, Target};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How many names (`inbox-support`, `inbox-support-2`, …) are tried.
const NAMES_TRIED: u32 = 10;

/// In the transaction creating `inbox`: when it is shared and its workspace
/// has a working Slack connection, the job that gives it its own channel.
pub async fn plan_for_new_inbox(tx: &mut Tx<'_>, inbox: &Inbox) -> Result<(), ServiceError> {
    if inbox.kind != InboxKind::Shared {
        return Ok(());
    }
    let connection = store::slack::connection(&mut tx.conn(), &inbox.workspace_id).await?;
    if connection.is_none_or(|c| c.token_problem.is_some()) {
        return Ok(());
    }
    let job = Job::CreateInboxChannel {
        inbox_id: inbox.id.clone(),
    };
    // With its workspace, so that the admins' job list shows a failure.
    let new = job
        .to_new(inbox.created_at)
        .with_workspace(inbox.workspace_id.clone());
    store::jobs::enqueue(tx, new).await?;
    Ok(())
}

/// The job: creates the channel and makes it the inbox's target. Nothing to
/// do when the inbox is gone, Slack was disconnected, or an admin chose.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox_id))]
pub async fn create(state: &AppState, inbox_id: &InboxId) -> Result<(), JobError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let Some(inbox) = store::inboxes::get(&mut conn, inbox_id).await? else {
        return Ok(());
    };
    if chose_targets(&mut conn, inbox_id).await? {
        return Ok(());
    }
    let Some(connection) = store::slack::connection(&mut conn, &inbox.workspace_id).await? else {
        return Ok(());
    };
    drop(reader);
    let client = client(state, &connection);
    let mut created: Option<CreatedChannel> = None;
    for n in 1..=NAMES_TRIED {
        let name = channel_name(&inbox.name, n);
        let answer = client.create_channel(&name).await;
        if let Some(channel) = slack_outcome(state, &connection, answer)
            .await
            .map_err(explain_scope)?
        {
            created = Some(channel);
            break;
        }
    }
    let Some(channel) = created else {
        return Err(JobError::Fail(format!(
            "Slack channels #{} to #{} are all taken: choose this inbox's targets in its settings",
            channel_name(&inbox.name, 1),
            channel_name(&inbox.name, NAMES_TRIED)
        )));
    };
    let targets = vec![Target::SlackChannel {
        channel_id: channel.id.clone(),
        name: channel.name.clone(),
    }];
    let json = serde_json::to_string(&targets).map_err(ServiceError::internal)?;
    let mut tx = state.store.begin().await?;
    let adopted = store::notifications::adopt_default_targets(
        &mut tx,
        inbox_id,
        &json,
        throttle::DEFAULT_SECS,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(channel = %channel.name, adopted, "Slack channel created for the inbox");
    Ok(())
}

/// Whether the inbox's targets are its admins' choice, not the default.
async fn chose_targets(conn: &mut store::Conn<'_>, inbox: &InboxId) -> Result<bool, JobError> {
    Ok(store::notifications::settings(conn, inbox)
        .await?
        .is_some_and(|s| s.targets.is_some()))
}

/// An app made from an older manifest lacks the scope to create channels:
/// say what to do about it.
fn explain_scope(error: JobError) -> JobError {
    match error {
        JobError::Fail(reason) if reason.contains("missing_scope") => JobError::Fail(format!(
            "{reason}: add the channels:manage scope to the Slack app (its manifest is on the \
             Integrations page) and reinstall it; until then the inbox notifies its members"
        )),
        other => other,
    }
}

//! A conversation's Slack notifications follow its state: a change of
//! status, priority, assignee, tags or subject — from the web app, the API
//! or Slack itself — becomes one [`Job::UpdateSlackMessages`] for that
//! conversation, when Slack messages show it. The job rewrites them with
//! the state at the time it runs, so a batch needs one job per conversation.

use std::collections::HashSet;

use domain::EventKind;
use store::log::LoggedEvent;
use store::Conn;

use super::Planned;
use crate::jobs::Job;
use crate::services::ServiceError;

/// One update per changed conversation that Slack messages show.
pub async fn plan(
    conn: &mut Conn<'_>,
    events: &[LoggedEvent],
) -> Result<Vec<Planned>, ServiceError> {
    let mut planned: Vec<Planned> = Vec::new();
    let mut seen = HashSet::new();
    // Newest first, so that each conversation's job carries its latest event.
    for LoggedEvent { event, .. } in events.iter().rev() {
        if !shown_in_slack(&event.kind) || !seen.insert(event.conversation_id.clone()) {
            continue;
        }
        if store::slack::posted_for(conn, &event.conversation_id)
            .await?
            .is_empty()
        {
            continue;
        }
        planned.push(Planned {
            seq: event.seq,
            workspace_id: event.workspace_id.clone(),
            job: Job::UpdateSlackMessages {
                conversation_id: event.conversation_id.clone(),
            },
            run_at: event.created_at,
        });
    }
    planned.reverse();
    Ok(planned)
}

/// Whether the event changes what a notification shows.
fn shown_in_slack(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Assigned { .. }
            | EventKind::Transferred { .. }
            | EventKind::Returned { .. }
            | EventKind::StatusChanged { .. }
            | EventKind::PriorityChanged { .. }
            | EventKind::TagsChanged { .. }
            | EventKind::SubjectChanged { .. }
    )
}

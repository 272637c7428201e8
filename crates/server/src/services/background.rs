//! The background jobs as admins see them: what is waiting, what was done,
//! what failed and why, with the number of attempts.

use chrono::TimeZone;
use domain::text::Word;
use domain::Action;
use store::jobs::{Job, JobStatus};
use store::Page;

use super::access::Principal;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// One page of the workspace's jobs in `status`, most recently changed
/// first. `cursor` is the `next_cursor` of the page before.
pub async fn list(
    state: &AppState,
    who: &Principal,
    status: JobStatus,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Page<Job>, ServiceError> {
    who.may(Action::ManageIntegrations)?;
    let before = cursor.map(parse_cursor).transpose()?;
    let mut reader = state.store.read().await?;
    let mut items = store::jobs::list(
        &mut reader.conn(),
        &who.workspace_id,
        status,
        before,
        limit + 1,
    )
    .await?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next_cursor = more
        .then(|| items.last())
        .flatten()
        .map(|job| format!("{}.{}", job.updated_at.timestamp_millis(), job.id));
    Ok(Page { items, next_cursor })
}

/// Reads a `state=` word.
pub fn parse_status(raw: &str) -> Result<JobStatus, ServiceError> {
    Ok(JobStatus::parse(raw)?)
}

fn parse_cursor(raw: &str) -> Result<(domain::Timestamp, String), ServiceError> {
    let bad = || ServiceError::malformed("validation", "cursor: not a cursor this list gave out");
    let (millis, id) = raw.split_once('.').ok_or_else(bad)?;
    let millis: i64 = millis.parse().map_err(|_| bad())?;
    let at = chrono::Utc
        .timestamp_millis_opt(millis)
        .single()
        .ok_or_else(bad)?;
    Ok((at, id.to_string()))
}

//! Notices for Slack (a channel target, or a member's Slack DM).
//!
//! Placeholder at the seam: the Slack connection is built on its own branch
//! and replaces this module at merge. Until then a Slack notice fails at
//! once with the reason admins see in the jobs list.

use super::Notice;
use crate::jobs::JobError;
use crate::services::state::AppState;

/// Delivers one notice to Slack.
pub async fn deliver(_state: &AppState, _notice: &Notice) -> Result<(), JobError> {
    Err(JobError::Fail("Slack is not connected".into()))
}

//! Notices by email (an address target, or a member who chose email).
//!
//! Placeholder at the seam: SMTP is built on its own branch and replaces
//! this module at merge. Until then an email notice fails at once with the
//! reason admins see in the jobs list.

use super::Notice;
use crate::jobs::JobError;
use crate::services::state::AppState;

/// Delivers one notice by email.
pub async fn deliver(_state: &AppState, _notice: &Notice) -> Result<(), JobError> {
    Err(JobError::Fail("email is not configured".into()))
}

//! The throttle: an ongoing conversation tells each target about inbound
//! messages at most once per the inbox's `notify_throttle_secs`. The first
//! inbound message notifies, those within the window are folded into it,
//! the next one after it notifies again.
//!
//! Decided when a notice's job runs, in the database ([`claim`]): one
//! conditional upsert per conversation and target, so that jobs running at
//! once on several nodes, or after a restart, agree on a single winner.

use domain::{InboxId, Timestamp};
use store::{Conn, Tx};

use super::{Notice, Trigger};
use crate::services::ServiceError;

/// The window of an inbox that never set one, as in the seed.
pub const DEFAULT_SECS: i64 = 180;
/// The longest window an admin may set (a day).
pub const MAX_SECS: i64 = 86_400;

/// The inbox's window in seconds.
pub async fn window(conn: &mut Conn<'_>, inbox: &InboxId) -> Result<i64, ServiceError> {
    Ok(store::notifications::settings(conn, inbox)
        .await?
        .map_or(DEFAULT_SECS, |s| s.throttle_secs))
}

/// Whether `notice` may go out now; records that it does, in `tx`. Only
/// inbound messages are throttled: an assignment or a mention is addressed
/// to someone and always told.
pub async fn claim(tx: &mut Tx<'_>, notice: &Notice, now: Timestamp) -> Result<bool, ServiceError> {
    let (Trigger::Inbound, Some(conversation), Some(inbox)) =
        (notice.trigger, &notice.conversation_id, &notice.inbox_id)
    else {
        return Ok(true);
    };
    let window = window(&mut tx.conn(), inbox).await?;
    Ok(store::notifications::claim_throttle(
        tx,
        conversation,
        &notice.recipient.throttle_key(),
        notice.event_seq,
        now,
        window,
    )
    .await?)
}

//! Claims on sending an outbound message: while one run of its delivery job
//! holds the claim, no other run hands the message to its provider.

use domain::{MessageId, Timestamp};

use crate::time::{from_millis, to_millis};
use crate::{Result, Tx};

/// What a run's claim on sending a message came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This run holds it: it may send.
    Taken,
    /// Another run holds it until then.
    HeldUntil(Timestamp),
    /// The message no longer waits to be sent: handed over, failed or deleted.
    Done,
}

/// Claims `message` for the run holding `token` until `until`, in one
/// conditional UPDATE: only while it is still `queued` without a provider
/// id and no other run holds a claim that lasts past `now`.
#[tracing::instrument(skip_all, fields(message_id = %message), err(level = "debug"))]
pub async fn claim(
    tx: &mut Tx<'_>,
    message: &MessageId,
    token: &str,
    now: Timestamp,
    until: Timestamp,
) -> Result<Claim> {
    let claimed = crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE messages SET send_claim = $2, send_claimed_until = $3 \
         WHERE id = $1 AND delivery_status = 'queued' AND provider_id IS NULL \
           AND (send_claimed_until IS NULL OR send_claimed_until <= $4)",
    )
    .bind(message.as_str())
    .bind(token)
    .bind(to_millis(until))
    .bind(to_millis(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if claimed == 1 {
        return Ok(Claim::Taken);
    }
    // Still waiting to be sent, then someone else holds it.
    let held: Option<Option<i64>> = crate::on_backend!(tx.conn(), c => sqlx::query_scalar(
        "SELECT send_claimed_until FROM messages \
         WHERE id = $1 AND delivery_status = 'queued' AND provider_id IS NULL",
    )
    .bind(message.as_str())
    .fetch_optional(&mut *c)
    .await)?;
    Ok(match held {
        None => Claim::Done,
        Some(until) => Claim::HeldUntil(from_millis(until.unwrap_or(to_millis(now)))?),
    })
}

/// Lets go of `token`'s claim on `message` (its send failed and is to be
/// retried), so that the next run may claim it at once.
#[tracing::instrument(skip_all, fields(message_id = %message), err(level = "debug"))]
pub async fn release(tx: &mut Tx<'_>, message: &MessageId, token: &str) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE messages SET send_claim = NULL, send_claimed_until = NULL \
         WHERE id = $1 AND send_claim = $2",
    )
    .bind(message.as_str())
    .bind(token)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

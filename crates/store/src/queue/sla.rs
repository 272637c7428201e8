//! The `sla=` filter: conversations by where they stand against their SLA
//! due time at a moment, as `domain::sla::state` says it (soon: at most
//! [`domain::sla::soon_window_secs`] left; breached: the due time passed).
//!
//! The condition first bounds the due-time key of the `*_list_by_due`
//! indexes (migration 0015) to a range — nothing past the widest "soon"
//! window, [`SOON_MAX_SECS`], can match — so that a page reads that range of
//! the index, then checks each row's own window.

use domain::sla::{SOON_MAX_SECS, SOON_MIN_SECS};
use domain::text::Word;
use domain::Timestamp;

use super::sql::{Bind, Builder};
use crate::time::to_millis;

/// Where a conversation stands against its due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlaStanding {
    /// Due soon, not passed yet (amber in the queue).
    Soon,
    /// Past its due time (red in the queue).
    Breached,
    /// Either: what needs attention first ("breaching soon" in the web app).
    AtRisk,
}

impl Word for SlaStanding {
    const FIELD: &'static str = "sla";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Soon, "soon"),
        (Self::Breached, "breached"),
        (Self::AtRisk, "at_risk"),
    ];
    const EXPECTED: &'static str = "soon, breached, at_risk";
}

/// The `sla=` filter as of `now` (the "soon" window moves with the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaFilter {
    /// Which conversations.
    pub standing: SlaStanding,
    /// The moment they stand there.
    pub now: Timestamp,
}

/// The list's due-time key, the `*_list_by_due` indexes' expression:
/// conversations with nothing due sort after every due one.
pub(super) const DUE_KEY: &str = "COALESCE(c.sla_due_at, 9223372036854775807)";

/// The conversation's own "soon" window in milliseconds, as
/// `domain::sla::soon_window_secs` computes it.
fn window_ms() -> String {
    format!(
        "(CASE WHEN COALESCE(c.sla_target_secs, 0) / 4 > {SOON_MIN_SECS} \
         THEN COALESCE(c.sla_target_secs, 0) / 4 ELSE {SOON_MIN_SECS} END) * 1000"
    )
}

/// The SQL condition of `filter`, its binds added to `b`.
pub(super) fn condition(b: &mut Builder, filter: &SlaFilter) -> String {
    let now_ms = to_millis(filter.now);
    let now = b.bind(Bind::Int(now_ms));
    if filter.standing == SlaStanding::Breached {
        return format!("{DUE_KEY} <= {now}");
    }
    let widest = b.bind(Bind::Int(now_ms.saturating_add(SOON_MAX_SECS * 1000)));
    let in_range = format!(
        "{DUE_KEY} <= {widest} AND c.sla_due_at <= {now} + {}",
        window_ms()
    );
    match filter.standing {
        SlaStanding::Soon => format!("{DUE_KEY} > {now} AND {in_range}"),
        SlaStanding::Breached | SlaStanding::AtRisk => in_range,
    }
}

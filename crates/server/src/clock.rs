//! The time every service reads, so that tests (and the demo) can move it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use domain::Timestamp;

/// The system clock plus an offset that tests may advance: snoozes wake,
/// leases expire and resolved conversations close without a test sleeping.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Now, as the services see it.
    pub fn now(&self) -> Timestamp {
        chrono::Utc::now() + chrono::Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves this clock forward (tests and the demo only).
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

//! Timestamps are stored as UTC milliseconds since the epoch (BIGINT), so one
//! SQL text compares and sorts them the same way on SQLite and PostgreSQL.

use domain::Timestamp;

use crate::StoreError;

/// A timestamp as stored.
pub(crate) fn to_millis(at: Timestamp) -> i64 {
    at.timestamp_millis()
}

/// An optional timestamp as stored.
pub(crate) fn to_millis_opt(at: Option<Timestamp>) -> Option<i64> {
    at.map(to_millis)
}

/// A stored timestamp read back.
pub(crate) fn from_millis(millis: i64) -> Result<Timestamp, StoreError> {
    chrono::DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| StoreError::corrupt("timestamp", millis))
}

/// An optional stored timestamp read back.
pub(crate) fn from_millis_opt(millis: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    millis.map(from_millis).transpose()
}

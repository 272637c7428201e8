//! Keyset pagination of the queue: a page ends at its last row's sort key
//! and id, and the next page starts strictly after them, so activity between
//! two page loads never repeats or skips a row the way an OFFSET would.

use domain::text::Word;

use super::sla::DUE_KEY;
use super::sql::{Bind, Builder, ListRow};
use super::Sort;
use crate::{Result, StoreError};

/// Conversations the customer never wrote in sort after everyone who waits.
const WAITING_KEY: &str = "COALESCE(c.last_inbound_at, 9223372036854775807)";

/// The sort key expressions, most significant first (the id breaks ties),
/// and whether they run descending.
fn sort_keys(sort: Sort) -> (&'static [&'static str], bool) {
    match sort {
        Sort::LastActivity => (&["c.last_activity_at"], true),
        Sort::Created => (&["c.created_at"], true),
        Sort::Priority => (&["c.priority_rank", "c.last_activity_at"], true),
        Sort::Waiting => (&[WAITING_KEY], false),
        Sort::Due => (&[DUE_KEY], false),
    }
}

/// The `ORDER BY` terms of `sort`; the id comes last so that every row has
/// exactly one place, which the keyset relies on.
pub(super) fn order_by(sort: Sort) -> String {
    let (keys, descending) = sort_keys(sort);
    let direction = if descending { "DESC" } else { "ASC" };
    keys.iter()
        .chain(std::iter::once(&"c.id"))
        .map(|key| format!("{key} {direction}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Any reason a cursor does not read back: which one is not the client's business.
fn invalid<E>(_: E) -> StoreError {
    StoreError::InvalidCursor
}

/// Where a page ended: the last row's sort key and id. Encoded as hex so
/// that clients treat it as opaque.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Keyset {
    sort: Sort,
    keys: Vec<i64>,
    id: String,
}

impl Keyset {
    /// The keyset after `row` in `sort` order.
    pub(super) fn of(sort: Sort, row: &ListRow) -> Self {
        let keys = match sort {
            Sort::LastActivity => vec![row.last_activity_at],
            Sort::Created => vec![row.created_at],
            Sort::Priority => vec![row.priority_rank, row.last_activity_at],
            Sort::Waiting => vec![row.last_inbound_at.unwrap_or(i64::MAX)],
            Sort::Due => vec![row.sla_due_at.unwrap_or(i64::MAX)],
        };
        Self {
            sort,
            keys,
            id: row.id.clone(),
        }
    }

    pub(super) fn encode(&self) -> String {
        let mut text = self.sort.as_str().to_string();
        for key in &self.keys {
            text.push_str(&format!(":{key}"));
        }
        text.push(':');
        text.push_str(&self.id);
        hex::encode(text)
    }

    /// Reads a cursor of a `sort` list; anything else is [`StoreError::InvalidCursor`].
    pub(super) fn decode(sort: Sort, raw: &str) -> Result<Self> {
        let bytes = hex::decode(raw.trim()).map_err(invalid)?;
        let text = String::from_utf8(bytes).map_err(invalid)?;
        let mut parts = text.split(':');
        if parts.next() != Some(sort.as_str()) {
            return Err(StoreError::InvalidCursor);
        }
        let expected = sort_keys(sort).0.len();
        let mut keys = Vec::with_capacity(expected);
        for _ in 0..expected {
            let key = parts.next().ok_or(StoreError::InvalidCursor)?;
            keys.push(key.parse::<i64>().map_err(invalid)?);
        }
        let id = parts.next().ok_or(StoreError::InvalidCursor)?;
        let id = domain::ConversationId::parse(id).map_err(invalid)?;
        if parts.next().is_some() {
            return Err(StoreError::InvalidCursor);
        }
        Ok(Self {
            sort,
            keys,
            id: id.into_string(),
        })
    }

    /// `(keys…, id)` strictly after this keyset in the sort order.
    pub(super) fn condition(&self, b: &mut Builder) -> String {
        let (exprs, descending) = sort_keys(self.sort);
        let mut values: Vec<String> = self.keys.iter().map(|k| b.bind(Bind::Int(*k))).collect();
        values.push(b.text(&self.id));
        format!(
            "({}, c.id) {} ({})",
            exprs.join(", "),
            if descending { "<" } else { ">" },
            values.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_only_for_its_own_sort() {
        let keyset = Keyset {
            sort: Sort::Priority,
            keys: vec![3, 1_700_000_000_000],
            id: "0190c6a2-7b1e-7000-8000-000000000000".into(),
        };
        let raw = keyset.encode();
        assert_eq!(Keyset::decode(Sort::Priority, &raw).ok(), Some(keyset));
        assert!(Keyset::decode(Sort::Created, &raw).is_err());
        assert!(Keyset::decode(Sort::Priority, "zz").is_err());
        assert!(Keyset::decode(Sort::Priority, &hex::encode("priority:1:x")).is_err());
    }
}

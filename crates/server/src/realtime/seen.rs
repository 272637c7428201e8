//! A bounded memory of the sequence numbers already handled, so that the
//! same event reaching a hub or a stream twice (published locally and
//! announced by PostgreSQL, replayed from the store and received live) goes
//! out once.

use std::collections::BTreeSet;

/// The most recent sequence numbers seen, up to a capacity. Events can
/// arrive slightly out of order (two transactions commit in the other order
/// than they took their numbers), so this is a set, not a high-water mark.
/// Numbers at or below the oldest one forgotten count as seen: by then the
/// transaction that held it has long committed or rolled back.
#[derive(Debug)]
pub struct Seen {
    recent: BTreeSet<i64>,
    /// The highest number forgotten to stay within `capacity`.
    floor: Option<i64>,
    capacity: usize,
}

impl Seen {
    /// Remembers up to `capacity` numbers (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            recent: BTreeSet::new(),
            floor: None,
            capacity: capacity.max(1),
        }
    }

    /// Records `seq`; `true` when it is new, `false` when it was seen before.
    pub fn insert(&mut self, seq: i64) -> bool {
        if self.floor.is_some_and(|floor| seq <= floor) || !self.recent.insert(seq) {
            return false;
        }
        while self.recent.len() > self.capacity {
            self.floor = self.recent.pop_first().max(self.floor);
        }
        true
    }

    /// Whether `seq` was seen (or is older than what is remembered).
    pub fn contains(&self, seq: i64) -> bool {
        self.floor.is_some_and(|floor| seq <= floor) || self.recent.contains(&seq)
    }

    /// The highest number seen, if any.
    pub fn highest(&self) -> Option<i64> {
        self.recent.last().copied().or(self.floor)
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn each_number_is_new_once_even_out_of_order() {
        let mut seen = Seen::new(10);
        assert!(seen.insert(5));
        assert!(seen.insert(3));
        assert!(!seen.insert(5));
        assert!(!seen.insert(3));
        assert!(seen.contains(3));
        assert!(!seen.contains(4));
        assert_eq!(seen.highest(), Some(5));
    }

    #[test]
    fn forgotten_numbers_count_as_seen() {
        let mut seen = Seen::new(2);
        assert!(seen.insert(1));
        assert!(seen.insert(2));
        assert!(seen.insert(3));
        assert!(!seen.insert(1), "1 was forgotten, so it counts as seen");
        assert!(seen.contains(1));
        assert!(seen.insert(4));
        assert_eq!(seen.highest(), Some(4));
    }
}

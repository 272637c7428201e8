//! The international numbers read lately, remembered with their reading.
//!
//! Validating a number runs dozens of `phonenumber`'s regular expressions
//! (tens of microseconds), and every provider webhook carries the sender's
//! and the business's numbers, mostly the same few thousand again and again:
//! unremembered, reading them was an eighth of the ingest path's CPU.
//! Reading is a pure function of the text, so remembering changes nothing
//! but the time. Only `+` numbers are remembered (their reading does not
//! depend on a region) and only valid ones (refusals are rare and cheap).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::PhoneNumber;

/// Past this many numbers the memory starts again (bounds it to about 1 MiB).
const CAPACITY: usize = 8192;

fn memory() -> &'static Mutex<HashMap<String, PhoneNumber>> {
    static MEMORY: OnceLock<Mutex<HashMap<String, PhoneNumber>>> = OnceLock::new();
    MEMORY.get_or_init(|| Mutex::new(HashMap::with_capacity(CAPACITY)))
}

/// The reading of `input`, if it was read lately.
pub(super) fn get(input: &str) -> Option<PhoneNumber> {
    let memory = memory().lock().unwrap_or_else(|e| e.into_inner());
    memory.get(input).cloned()
}

/// Remembers that `input` reads as `number`.
pub(super) fn remember(input: &str, number: &PhoneNumber) {
    let mut memory = memory().lock().unwrap_or_else(|e| e.into_inner());
    if memory.len() >= CAPACITY {
        memory.clear();
    }
    memory.insert(input.to_string(), number.clone());
}

#[cfg(test)]
mod tests {
    use super::super::PhoneNumber;

    #[test]
    fn a_remembered_number_reads_the_same_as_the_first_time() {
        let first = PhoneNumber::parse("+1 415 555 2671", "US").unwrap();
        let again = PhoneNumber::parse("+1 415 555 2671", "DE").unwrap();
        assert_eq!(first, again);
        assert_eq!(again.as_str(), "+14155552671");
    }

    #[test]
    fn an_invalid_number_is_refused_every_time() {
        for _ in 0..2 {
            assert!(PhoneNumber::parse("+1 415 555", "US").is_err());
        }
    }
}

//! Rate limits of anonymous endpoints (the phone simulator): a token bucket
//! per key, in memory on this node. A bucket holds `burst` requests and
//! refills at `per_minute`, so a person or a script texting a few dozen
//! times a minute never notices, while a flood is answered 429 with
//! `Retry-After`.

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use domain::PhoneNumber;

use crate::services::ServiceError;

/// More keys than this and full buckets are swept out before adding one.
const MAX_KEYS: usize = 100_000;

/// One limit: `burst` at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed at once.
    pub burst: u32,
    /// Requests allowed per minute, sustained.
    pub per_minute: u32,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets for one [`Rate`], one per key.
pub struct Buckets<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K> fmt::Debug for Buckets<K> {
    // Keys are addresses and phone numbers: keep them out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buckets")
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

impl<K: Eq + Hash + Clone> Buckets<K> {
    /// Empty buckets (every key starts full).
    pub fn new(rate: Rate) -> Self {
        Self {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket, or says how long until it holds one.
    pub fn take(&self, key: &K, now: Instant) -> Result<(), RateLimited> {
        let burst = f64::from(self.rate.burst);
        let per_second = f64::from(self.rate.per_minute) / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let refilled = |b: &Bucket| {
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            (b.tokens + elapsed * per_second).min(burst)
        };
        if buckets.len() >= MAX_KEYS && !buckets.contains_key(key) {
            // Full buckets are the same as none.
            buckets.retain(|_, b| refilled(b) < burst);
        }
        let tokens = buckets.get(key).map_or(burst, refilled);
        if tokens < 1.0 {
            let wait = if per_second > 0.0 {
                Duration::from_secs_f64((1.0 - tokens) / per_second)
            } else {
                Duration::from_secs(60)
            };
            return Err(RateLimited(wait));
        }
        buckets.insert(
            key.clone(),
            Bucket {
                tokens: tokens - 1.0,
                at: now,
            },
        );
        Ok(())
    }
}

/// Refused: too many requests lately; a [`ServiceError`] of kind
/// `RateLimited` (HTTP answers 429 with `Retry-After` in whole seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited(pub Duration);

impl RateLimited {
    /// Whole seconds to wait, rounded up, at least one.
    pub fn seconds(self) -> u64 {
        let millis = u64::try_from(self.0.as_millis()).unwrap_or(u64::MAX);
        millis.div_ceil(1000).max(1)
    }
}

impl From<RateLimited> for ServiceError {
    fn from(limited: RateLimited) -> Self {
        let seconds = limited.seconds();
        ServiceError::rate_limited(
            limited.0,
            format!("too many requests; try again in {seconds} seconds"),
        )
    }
}

/// The phone simulator's limits: it needs no account, so these are what
/// keeps a script from flooding a team's inboxes through it.
#[derive(Debug)]
pub struct SimulatorLimits {
    /// Texts per client address (several phones, one script).
    pub texts_per_address: Buckets<IpAddr>,
    /// Texts per simulated phone, from any address.
    pub texts_per_phone: Buckets<PhoneNumber>,
    /// Reads (the page polls) per client address.
    pub reads_per_address: Buckets<IpAddr>,
}

impl Default for SimulatorLimits {
    fn default() -> Self {
        Self {
            texts_per_address: Buckets::new(Rate {
                burst: 120,
                per_minute: 120,
            }),
            texts_per_phone: Buckets::new(Rate {
                burst: 60,
                per_minute: 60,
            }),
            reads_per_address: Buckets::new(Rate {
                burst: 600,
                per_minute: 600,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let buckets = Buckets::new(Rate {
            burst: 3,
            per_minute: 60,
        });
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(buckets.take(&"a", start), Ok(()));
        }
        let refused = buckets.take(&"a", start).unwrap_err();
        assert_eq!(refused.seconds(), 1);
        assert_eq!(buckets.take(&"b", start), Ok(()), "keys are apart");
        assert_eq!(buckets.take(&"a", start + Duration::from_secs(1)), Ok(()));
        assert!(buckets.take(&"a", start + Duration::from_secs(1)).is_err());
    }
}

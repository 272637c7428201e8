//! Counting failed logins, to make password guessing slow.
//!
//! Each client address and each account has a window of
//! [`Limits::window`]; once it holds the allowed number of failures, further
//! attempts are refused until the window ends, without checking the password.
//!
//! The counts live in memory, per node. That is enough for one node (the
//! default install). With several nodes behind a load balancer an attacker
//! gets up to that many times the budget, and a restart forgets the counts;
//! a shared counter in the database would close that gap when it matters.
//!
//! The client address is the TCP peer. Behind a reverse proxy every request
//! comes from the proxy, so the per-address limit then counts everyone
//! together; the per-account limit still holds. Forwarded headers are not
//! trusted: any client can write them.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};

use chrono::TimeDelta;
use domain::Timestamp;

/// More keys than this and expired windows are swept out before adding one.
const MAX_KEYS: usize = 100_000;

/// How many failures are allowed, per what, and for how long they count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Failures allowed per account (e-mail address) in one window.
    pub per_account: u32,
    /// Failures allowed per client address in one window (a little office
    /// behind one address may share it).
    pub per_address: u32,
    /// How long a window lasts from its first failure.
    pub window: TimeDelta,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_account: 10,
            per_address: 30,
            window: TimeDelta::minutes(15),
        }
    }
}

/// How long a refused client should wait before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(TimeDelta);

impl RetryAfter {
    /// Whole seconds, rounded up and at least one, for a `Retry-After` header.
    pub fn seconds(self) -> u64 {
        let millis = u64::try_from(self.0.num_milliseconds()).unwrap_or(0);
        millis.div_ceil(1000).max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Timestamp,
    failures: u32,
}

/// The failed-login counts of this node (see the module's documentation).
pub struct LoginLimiter {
    limits: Limits,
    windows: Mutex<HashMap<Key, Window>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl fmt::Debug for LoginLimiter {
    // The keys are addresses and e-mail addresses: keep them out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginLimiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl LoginLimiter {
    /// A limiter with no failures counted yet.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Starts a login attempt from `address` for `account`: refused while
    /// either has used up its failures, otherwise counted as a failure of
    /// both straight away. Counting before the password is checked means a
    /// burst of parallel guesses cannot all slip in before the count rises;
    /// [`LoginLimiter::succeeded`] takes the count back.
    pub fn begin(&self, address: IpAddr, account: &str, now: Timestamp) -> Result<(), RetryAfter> {
        let keys = [
            (
                Key::Account(account.to_lowercase()),
                self.limits.per_account,
            ),
            (Key::Address(group(address)), self.limits.per_address),
        ];
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let wait = keys
            .iter()
            .filter_map(|(key, allowed)| {
                let window = windows.get(key).filter(|w| self.is_live(w, now))?;
                (window.failures >= *allowed).then(|| window.started + self.limits.window - now)
            })
            .max();
        if let Some(wait) = wait {
            return Err(RetryAfter(wait));
        }
        if windows.len() >= MAX_KEYS {
            windows.retain(|_, w| self.is_live(w, now));
        }
        for (key, _) in keys {
            let live = windows.get(&key).is_some_and(|w| self.is_live(w, now));
            if !live && windows.len() >= MAX_KEYS {
                // Only under a flood from very many addresses and accounts:
                // the ones already counted stay limited.
                tracing::warn!("login limiter full; not counting a new address or account");
                continue;
            }
            let window = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if !live {
                *window = Window {
                    started: now,
                    failures: 0,
                };
            }
            window.failures = window.failures.saturating_add(1);
        }
        Ok(())
    }

    /// The attempt begun with [`LoginLimiter::begin`] succeeded: the
    /// account's failures are forgotten, and the address gets this attempt back.
    pub fn succeeded(&self, address: IpAddr, account: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        windows.remove(&Key::Account(account.to_lowercase()));
        if let Some(window) = windows.get_mut(&Key::Address(group(address))) {
            window.failures = window.failures.saturating_sub(1);
        }
    }

    fn is_live(&self, window: &Window, now: Timestamp) -> bool {
        now < window.started + self.limits.window
    }
}

/// The address as counted: an IPv4 address as itself (also when written as
/// IPv6), an IPv6 address by its /64, since one subscriber usually gets a
/// whole /64 and could otherwise take a fresh address for every guess.
fn group(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn small() -> LoginLimiter {
        LoginLimiter::new(Limits {
            per_account: 3,
            per_address: 5,
            window: TimeDelta::minutes(15),
        })
    }

    #[test]
    fn an_account_is_refused_after_its_failures_until_the_window_ends() {
        let limiter = small();
        for i in 0..3 {
            assert_eq!(limiter.begin(ip("10.0.0.1"), "ana@x.com", at(i)), Ok(()));
        }
        let refused = limiter
            .begin(ip("10.0.0.2"), "ANA@x.com", at(60))
            .unwrap_err();
        assert_eq!(refused.seconds(), 15 * 60 - 60);
        assert_eq!(
            limiter.begin(ip("10.0.0.2"), "ana@x.com", at(15 * 60)),
            Ok(())
        );
    }

    #[test]
    fn a_success_forgets_the_accounts_failures() {
        let limiter = small();
        for i in 0..2 {
            limiter.begin(ip("10.0.0.1"), "ana@x.com", at(i)).unwrap();
        }
        limiter.begin(ip("10.0.0.1"), "ana@x.com", at(3)).unwrap();
        limiter.succeeded(ip("10.0.0.1"), "ana@x.com");
        for i in 0..3 {
            assert_eq!(
                limiter.begin(ip("10.0.0.1"), "ana@x.com", at(10 + i)),
                Ok(())
            );
        }
    }

    #[test]
    fn an_address_is_refused_after_its_failures_across_accounts() {
        let limiter = small();
        for i in 0..5 {
            let account = format!("user{i}@x.com");
            limiter.begin(ip("10.0.0.1"), &account, at(i)).unwrap();
        }
        assert!(limiter.begin(ip("10.0.0.1"), "new@x.com", at(10)).is_err());
        assert!(limiter.begin(ip("10.0.0.9"), "new@x.com", at(10)).is_ok());
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            group(ip("2001:db8:1:2::1")),
            group(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(group(ip("2001:db8:1:2::1")), group(ip("2001:db8:1:3::1")));
        assert_eq!(group(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds_and_is_never_zero() {
        assert_eq!(RetryAfter(TimeDelta::milliseconds(1_001)).seconds(), 2);
        assert_eq!(RetryAfter(TimeDelta::zero()).seconds(), 1);
    }
}

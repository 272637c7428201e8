//! Slowing password guessing down without locking anyone out.
//!
//! Two counts, both of failures:
//!
//! - per account *and* client address: the first [`Limits::free_failures`]
//!   cost nothing, then each further attempt from that address at that
//!   account waits twice as long as the one before (1 s, 2 s, 4 s … up to
//!   [`Limits::longest_delay`]). Guessing from one address gets slow fast,
//!   while the owner, from their own address, is not slowed at all by what
//!   an attacker elsewhere does: no account is ever locked;
//! - per client address: [`Limits::per_address`] failures in
//!   [`Limits::window`] across all accounts, so one address cannot try a
//!   few guesses at every account. An office behind one proxy shares that
//!   budget, so a correct password from a **known device** (a browser that
//!   logged in to that account before, which carries the device cookie
//!   handed out then) is never held back by it.
//!
//! The counts and the known devices live in memory, per node: enough for one
//! node (the default install). With several nodes behind a load balancer an
//! attacker gets that many budgets, a device known to one node is new to
//! another (it then logs in as any browser would), and a restart forgets
//! everything. The client address is [`crate::http::client::ClientAddress`]:
//! the TCP peer, or `X-Forwarded-For` from a trusted proxy.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};

use chrono::TimeDelta;
use domain::Timestamp;

/// More keys than this and stale counts are swept out before adding one.
const MAX_KEYS: usize = 100_000;

/// How failures are counted and what they cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Failures per account and address before attempts are delayed.
    pub free_failures: u32,
    /// The first delay; each further failure doubles it.
    pub first_delay: TimeDelta,
    /// The longest delay between two attempts at one account from one address.
    pub longest_delay: TimeDelta,
    /// How long an account-and-address count lasts after its last failure.
    pub memory: TimeDelta,
    /// Failures allowed per client address in one window, across accounts
    /// (known devices do not spend it).
    pub per_address: u32,
    /// How long an address's window lasts from its first failure.
    pub window: TimeDelta,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            free_failures: 3,
            first_delay: TimeDelta::seconds(1),
            longest_delay: TimeDelta::minutes(15),
            memory: TimeDelta::hours(24),
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
    /// One account tried from one address.
    Pair(String, IpAddr),
    /// One address, whatever the account.
    Address(IpAddr),
}

/// Failures of one key: since when (the address window) and the latest.
#[derive(Debug, Clone, Copy)]
struct Count {
    first: Timestamp,
    last: Timestamp,
    failures: u32,
}

/// The failed-login counts and known devices of this node (see the module).
pub struct LoginLimiter {
    limits: Limits,
    counts: Mutex<HashMap<Key, Count>>,
    /// Device cookie values → the account (lower-case) they logged in to.
    devices: Mutex<HashMap<String, String>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl fmt::Debug for LoginLimiter {
    // The keys are addresses, e-mail addresses and device secrets: keep them out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginLimiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// One login attempt as the limiter sees it.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The client's address.
    pub address: IpAddr,
    /// The e-mail address typed.
    pub account: &'a str,
    /// The device cookie the browser sent, if any.
    pub device: Option<&'a str>,
}

impl LoginLimiter {
    /// A limiter with nothing counted yet.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            counts: Mutex::new(HashMap::new()),
            devices: Mutex::new(HashMap::new()),
        }
    }

    /// Starts a login attempt: refused while its account-and-address pair
    /// must wait, or while its address has spent its budget (unless it comes
    /// from a device known to this account); otherwise counted as a failure
    /// straight away. Counting before the password is checked means a burst
    /// of parallel guesses cannot all slip in before the count rises;
    /// [`LoginLimiter::succeeded`] takes the count back.
    pub fn begin(&self, attempt: Attempt<'_>, now: Timestamp) -> Result<(), RetryAfter> {
        let known = self.is_known_device(attempt);
        let pair = Key::Pair(attempt.account.to_lowercase(), group(attempt.address));
        let address = Key::Address(group(attempt.address));
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let pair_wait = counts
            .get(&pair)
            .filter(|c| self.pair_is_live(c, now))
            .and_then(|c| {
                let ready = c.last + self.delay_after(c.failures);
                (ready > now).then(|| ready - now)
            });
        let address_wait = counts
            .get(&address)
            .filter(|c| !known && self.address_is_live(c, now))
            .and_then(|c| {
                (c.failures >= self.limits.per_address).then(|| c.first + self.limits.window - now)
            });
        if let Some(wait) = pair_wait.max(address_wait) {
            return Err(RetryAfter(wait));
        }
        if counts.len() >= MAX_KEYS {
            counts.retain(|key, c| match key {
                Key::Pair(..) => self.pair_is_live(c, now),
                Key::Address(_) => self.address_is_live(c, now),
            });
        }
        let keys = if known {
            vec![pair]
        } else {
            vec![pair, address]
        };
        for key in keys {
            let live = counts.get(&key).is_some_and(|c| match key {
                Key::Pair(..) => self.pair_is_live(c, now),
                Key::Address(_) => self.address_is_live(c, now),
            });
            if !live && counts.len() >= MAX_KEYS {
                // Only under a flood from very many addresses and accounts:
                // the ones already counted stay limited.
                tracing::warn!("login limiter full; not counting a new address or account");
                continue;
            }
            let fresh = Count {
                first: now,
                last: now,
                failures: 0,
            };
            let count = counts.entry(key).or_insert(fresh);
            if !live {
                *count = fresh;
            }
            count.last = now;
            count.failures = count.failures.saturating_add(1);
        }
        Ok(())
    }

    /// The attempt begun with [`LoginLimiter::begin`] succeeded: the pair's
    /// failures are forgotten, the address gets this attempt back, and the
    /// device is known to the account from now on. Returns a new device
    /// cookie value when the attempt came without a known one.
    pub fn succeeded(&self, attempt: Attempt<'_>) -> Option<String> {
        let known = self.is_known_device(attempt);
        {
            let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
            counts.remove(&Key::Pair(
                attempt.account.to_lowercase(),
                group(attempt.address),
            ));
            if !known {
                if let Some(count) = counts.get_mut(&Key::Address(group(attempt.address))) {
                    count.failures = count.failures.saturating_sub(1);
                }
            }
        }
        if known {
            return None;
        }
        let device = uuid::Uuid::new_v4().simple().to_string();
        let mut devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        if devices.len() >= MAX_KEYS {
            // Forgetting devices only costs their owners the budget's
            // exemption until they next log in.
            devices.clear();
        }
        devices.insert(device.clone(), attempt.account.to_lowercase());
        Some(device)
    }

    fn is_known_device(&self, attempt: Attempt<'_>) -> bool {
        let Some(device) = attempt.device else {
            return false;
        };
        let devices = self.devices.lock().unwrap_or_else(PoisonError::into_inner);
        devices
            .get(device)
            .is_some_and(|account| *account == attempt.account.to_lowercase())
    }

    /// The wait before the attempt after `failures` failures.
    fn delay_after(&self, failures: u32) -> TimeDelta {
        let Some(doublings) = failures.checked_sub(self.limits.free_failures) else {
            return TimeDelta::zero();
        };
        let factor = 1i32.checked_shl(doublings).filter(|f| *f > 0);
        factor
            .and_then(|f| self.limits.first_delay.checked_mul(f))
            .map_or(self.limits.longest_delay, |d| {
                d.min(self.limits.longest_delay)
            })
    }

    fn pair_is_live(&self, count: &Count, now: Timestamp) -> bool {
        now < count.last + self.limits.memory
    }

    fn address_is_live(&self, count: &Count, now: Timestamp) -> bool {
        now < count.first + self.limits.window
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
mod tests;

use super::*;

fn at(seconds: i64) -> Timestamp {
    chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn attempt<'a>(address: &str, account: &'a str) -> Attempt<'a> {
    Attempt {
        address: ip(address),
        account,
        device: None,
    }
}

fn small() -> LoginLimiter {
    LoginLimiter::new(Limits {
        per_address: 5,
        ..Limits::default()
    })
}

#[test]
fn after_the_free_failures_each_attempt_waits_twice_as_long() {
    let limiter = LoginLimiter::default();
    for i in 0..3 {
        assert_eq!(
            limiter.begin(attempt("10.0.0.1", "ana@x.com"), at(i)),
            Ok(())
        );
    }
    // Then the waits double: 1 s, 2 s, 4 s.
    let refused = limiter
        .begin(attempt("10.0.0.1", "ANA@x.com"), at(2))
        .unwrap_err();
    assert_eq!(refused.seconds(), 1);
    assert_eq!(
        limiter.begin(attempt("10.0.0.1", "ana@x.com"), at(3)),
        Ok(())
    );
    assert_eq!(
        limiter
            .begin(attempt("10.0.0.1", "ana@x.com"), at(4))
            .unwrap_err()
            .seconds(),
        1
    );
    assert_eq!(
        limiter.begin(attempt("10.0.0.1", "ana@x.com"), at(5)),
        Ok(())
    );
    assert_eq!(
        limiter
            .begin(attempt("10.0.0.1", "ana@x.com"), at(5))
            .unwrap_err()
            .seconds(),
        4
    );
}

#[test]
fn the_delay_never_exceeds_the_longest() {
    let limiter = small();
    assert_eq!(limiter.delay_after(200), TimeDelta::minutes(15));
    assert_eq!(limiter.delay_after(2), TimeDelta::zero());
    assert_eq!(limiter.delay_after(3), TimeDelta::seconds(1));
}

#[test]
fn an_attacker_elsewhere_never_locks_the_owner_out() {
    let limiter = small();
    for _ in 0..3 {
        limiter
            .begin(attempt("203.0.113.9", "ana@x.com"), at(0))
            .unwrap();
    }
    assert!(limiter
        .begin(attempt("203.0.113.9", "ana@x.com"), at(0))
        .is_err());
    assert_eq!(
        limiter.begin(attempt("198.51.100.7", "ana@x.com"), at(0)),
        Ok(())
    );
}

#[test]
fn a_success_forgets_the_pairs_failures() {
    let limiter = small();
    for i in 0..3 {
        limiter
            .begin(attempt("10.0.0.1", "ana@x.com"), at(i))
            .unwrap();
    }
    limiter.succeeded(attempt("10.0.0.1", "ana@x.com"));
    for i in 0..3 {
        assert_eq!(
            limiter.begin(attempt("10.0.0.1", "ana@x.com"), at(10 + i)),
            Ok(())
        );
    }
}

#[test]
fn an_address_is_refused_after_its_budget_except_from_a_known_device() {
    let limiter = small();
    let device = limiter
        .succeeded(attempt("10.0.0.1", "ana@x.com"))
        .expect("a new device");
    for i in 0..5 {
        let account = format!("user{i}@x.com");
        limiter.begin(attempt("10.0.0.1", &account), at(i)).unwrap();
    }
    assert!(limiter
        .begin(attempt("10.0.0.1", "ana@x.com"), at(10))
        .is_err());
    assert!(limiter
        .begin(attempt("10.0.0.9", "new@x.com"), at(10))
        .is_ok());
    let from_device = Attempt {
        device: Some(&device),
        ..attempt("10.0.0.1", "ana@x.com")
    };
    assert_eq!(limiter.begin(from_device, at(10)), Ok(()));
    assert_eq!(
        limiter.succeeded(from_device),
        None,
        "the device stays known"
    );
    // A device is known to its own account only.
    let other = Attempt {
        device: Some(&device),
        ..attempt("10.0.0.1", "ben@x.com")
    };
    assert!(limiter.begin(other, at(10)).is_err());
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

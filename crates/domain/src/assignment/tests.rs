use super::*;

fn id(n: u8) -> UserId {
    // Fixed, ordered ids: `u1` < `u2` < `u3`.
    UserId::from_trusted(format!("u{n}"))
}

fn members(loads: &[(u8, i64)]) -> Vec<Candidate> {
    loads
        .iter()
        .map(|&(n, open)| Candidate {
            user_id: id(n),
            open,
        })
        .collect()
}

fn policy(mode: AssignmentMode, cap: Option<u32>) -> AssignmentPolicy {
    AssignmentPolicy {
        mode,
        cap,
        fallback: None,
    }
}

fn turn(policy: AssignmentPolicy, last: Option<&UserId>) -> Turn<'_> {
    Turn {
        policy,
        last,
        contact_owner: None,
    }
}

#[test]
fn round_robin_gives_each_member_a_turn_in_order_and_wraps() {
    let all = members(&[(3, 0), (1, 0), (2, 0)]);
    let rr = policy(AssignmentMode::RoundRobin, None);
    let mut last = None;
    let mut seen = Vec::new();
    for _ in 0..6 {
        let (next, mode) = choose(&all, turn(rr, last.as_ref())).unwrap();
        assert_eq!(mode, AssignmentMode::RoundRobin);
        seen.push(next.to_string());
        last = Some(next);
    }
    assert_eq!(seen, ["u1", "u2", "u3", "u1", "u2", "u3"]);
}

#[test]
fn round_robin_skips_a_member_who_left_and_members_at_the_cap() {
    let all = members(&[(1, 0), (3, 5)]);
    let last = id(1);
    let rr = policy(AssignmentMode::RoundRobin, Some(5));
    // u2 left; u3 is full: back to u1.
    assert_eq!(choose(&all, turn(rr, Some(&last))).unwrap().0, id(1));
}

#[test]
fn balanced_takes_the_fewest_open_and_nobody_at_the_cap() {
    let all = members(&[(1, 3), (2, 1), (3, 1)]);
    let balanced = policy(AssignmentMode::Balanced, Some(3));
    assert_eq!(choose(&all, turn(balanced, None)).unwrap().0, id(2));
    // A tie goes to whoever's turn is next.
    assert_eq!(choose(&all, turn(balanced, Some(&id(2)))).unwrap().0, id(3));
    let full = members(&[(1, 3), (2, 3)]);
    assert_eq!(choose(&full, turn(balanced, None)), None);
}

#[test]
fn contact_owner_takes_it_when_available_else_the_fallback_decides() {
    let all = members(&[(1, 0), (2, 0)]);
    let owner_policy = AssignmentPolicy {
        mode: AssignmentMode::ContactOwner,
        cap: None,
        fallback: Some(AssignmentMode::RoundRobin),
    };
    let owner = id(2);
    let with_owner = Turn {
        policy: owner_policy,
        last: None,
        contact_owner: Some(&owner),
    };
    assert_eq!(
        choose(&all, with_owner),
        Some((id(2), AssignmentMode::ContactOwner))
    );
    let away_owner = id(9);
    let fallback = Turn {
        contact_owner: Some(&away_owner),
        ..with_owner
    };
    assert_eq!(
        choose(&all, fallback),
        Some((id(1), AssignmentMode::RoundRobin))
    );
    let manual_fallback = Turn {
        policy: AssignmentPolicy {
            fallback: Some(AssignmentMode::Manual),
            ..owner_policy
        },
        ..fallback
    };
    assert_eq!(choose(&all, manual_fallback), None);
}

#[test]
fn manual_and_an_empty_team_assign_nobody() {
    let all = members(&[(1, 0)]);
    assert_eq!(choose(&all, turn(AssignmentPolicy::default(), None)), None);
    let rr = policy(AssignmentMode::RoundRobin, None);
    assert_eq!(choose(&[], turn(rr, None)), None);
}

#[test]
fn bad_policies_name_the_field() {
    let field = |r: Result<AssignmentPolicy, DomainError>| match r.unwrap_err() {
        DomainError::Invalid { field, .. } | DomainError::UnknownValue { field, .. } => field,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(
        field(AssignmentPolicy::parse("fastest", None, None)),
        "assignment.mode"
    );
    assert_eq!(
        field(AssignmentPolicy::parse("balanced", Some(0), None)),
        "assignment.cap"
    );
    assert_eq!(
        field(AssignmentPolicy::parse("contact_owner", None, None)),
        "assignment.fallback"
    );
    assert_eq!(
        field(AssignmentPolicy::parse(
            "contact_owner",
            None,
            Some("contact_owner")
        )),
        "assignment.fallback"
    );
    assert_eq!(
        field(AssignmentPolicy::parse(
            "round_robin",
            None,
            Some("balanced")
        )),
        "assignment.fallback"
    );
    let ok = AssignmentPolicy::parse("contact_owner", Some(4), Some("balanced")).unwrap();
    assert!(ok.fills_freed_capacity());
    assert_eq!(ok.cap, Some(4));
}

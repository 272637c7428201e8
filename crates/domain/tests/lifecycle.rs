//! The conversation lifecycle of DESIGN.md §2, cell by cell.
//!
//! Each status has a table with one row per trigger: the expected outcome is
//! written out by hand (not computed), with the sentence it stands for. A
//! coverage test checks that the tables hold all 7 × 14 cells exactly once, and
//! property tests walk random sequences of triggers.

use domain::text::Word;
use domain::{transition, LifecycleError, Outcome, Status, Trigger};
use proptest::prelude::*;

type Expected = Result<Outcome, LifecycleError>;
type Row = (Trigger, Expected, &'static str);

const fn to(status: Status) -> Expected {
    Ok(Outcome::Becomes(status))
}

const STARTS_NEW: Expected = Ok(Outcome::StartsNewConversation);

use LifecycleError::{CannotSetNew, Closed as IsClosed, SnoozeNeedsTime};
use Status::{Closed, New, OnHold, Open, Pending, Resolved, Snoozed};
use Trigger::{AgentActivity, AutoClose, Inbound, MarkDone, Reopen, SetStatus, Snooze, Wake};

/// Every trigger, in the order each table lists them.
const TRIGGERS: [Trigger; 14] = [
    Inbound,
    AgentActivity,
    MarkDone,
    Reopen,
    Snooze,
    Wake,
    AutoClose,
    SetStatus(New),
    SetStatus(Open),
    SetStatus(Pending),
    SetStatus(OnHold),
    SetStatus(Snoozed),
    SetStatus(Resolved),
    SetStatus(Closed),
];

// The tables are kept one row per line (`rustfmt::skip`) so they read as tables.

#[rustfmt::skip]
const NEW: [Row; 14] = [
    (Inbound, to(New), "the customer writing again leaves it new: nobody has acted yet"),
    (AgentActivity, to(Open), "an assign, reply or note opens it"),
    (MarkDone, to(Resolved), "marking it done resolves it"),
    (Reopen, to(Open), "reopening it opens it"),
    (Snooze, to(Snoozed), "snoozing it hides it"),
    (Wake, to(New), "a wake job for an earlier snooze changes nothing"),
    (AutoClose, to(New), "an auto-close job for an earlier resolve changes nothing"),
    (SetStatus(New), Err(CannotSetNew), "nobody chooses new"),
    (SetStatus(Open), to(Open), "choosing open opens it"),
    (SetStatus(Pending), to(Pending), "choosing pending waits on the customer"),
    (SetStatus(OnHold), to(OnHold), "choosing on hold waits on a third party"),
    (SetStatus(Snoozed), Err(SnoozeNeedsTime), "snoozed needs a time"),
    (SetStatus(Resolved), to(Resolved), "choosing resolved resolves it"),
    (SetStatus(Closed), to(Closed), "choosing closed closes it"),
];

#[rustfmt::skip]
const OPEN: [Row; 14] = [
    (Inbound, to(Open), "the customer writing keeps it open"),
    (AgentActivity, to(Open), "agent activity keeps it open"),
    (MarkDone, to(Resolved), "marking it done resolves it"),
    (Reopen, to(Open), "reopening an open one changes nothing"),
    (Snooze, to(Snoozed), "snoozing it hides it"),
    (Wake, to(Open), "a stale wake job changes nothing"),
    (AutoClose, to(Open), "a stale auto-close job changes nothing"),
    (SetStatus(New), Err(CannotSetNew), "nobody chooses new"),
    (SetStatus(Open), to(Open), "choosing open keeps it open"),
    (SetStatus(Pending), to(Pending), "choosing pending waits on the customer"),
    (SetStatus(OnHold), to(OnHold), "choosing on hold waits on a third party"),
    (SetStatus(Snoozed), Err(SnoozeNeedsTime), "snoozed needs a time"),
    (SetStatus(Resolved), to(Resolved), "choosing resolved resolves it"),
    (SetStatus(Closed), to(Closed), "choosing closed closes it"),
];

#[rustfmt::skip]
const PENDING: [Row; 14] = [
    (Inbound, to(Open), "the customer answering reopens it"),
    (AgentActivity, to(Pending), "agent activity leaves it waiting on the customer"),
    (MarkDone, to(Resolved), "marking it done resolves it"),
    (Reopen, to(Open), "reopening it opens it"),
    (Snooze, to(Snoozed), "snoozing it hides it"),
    (Wake, to(Pending), "a stale wake job changes nothing"),
    (AutoClose, to(Pending), "a stale auto-close job changes nothing"),
    (SetStatus(New), Err(CannotSetNew), "nobody chooses new"),
    (SetStatus(Open), to(Open), "choosing open opens it"),
    (SetStatus(Pending), to(Pending), "choosing pending keeps it pending"),
    (SetStatus(OnHold), to(OnHold), "choosing on hold waits on a third party"),
    (SetStatus(Snoozed), Err(SnoozeNeedsTime), "snoozed needs a time"),
    (SetStatus(Resolved), to(Resolved), "choosing resolved resolves it"),
    (SetStatus(Closed), to(Closed), "choosing closed closes it"),
];

#[rustfmt::skip]
const ON_HOLD: [Row; 14] = [
    (Inbound, to(Open), "the customer writing reopens it"),
    (AgentActivity, to(OnHold), "agent activity leaves it waiting on the third party"),
    (MarkDone, to(Resolved), "marking it done resolves it"),
    (Reopen, to(Open), "reopening it opens it"),
    (Snooze, to(Snoozed), "snoozing it hides it"),
    (Wake, to(OnHold), "a stale wake job changes nothing"),
    (AutoClose, to(OnHold), "a stale auto-close job changes nothing"),
    (SetStatus(New), Err(CannotSetNew), "nobody chooses new"),
    (SetStatus(Open), to(Open), "choosing open opens it"),
    (SetStatus(Pending), to(Pending), "choosing pending waits on the customer"),
    (SetStatus(OnHold), to(OnHold), "choosing on hold keeps it on hold"),
    (SetStatus(Snoozed), Err(SnoozeNeedsTime), "snoozed needs a time"),
    (SetStatus(Resolved), to(Resolved), "choosing resolved resolves it"),
    (SetStatus(Closed), to(Closed), "choosing closed closes it"),
];

#[rustfmt::skip]
const SNOOZED: [Row; 14] = [
    (Inbound, to(Open), "the customer writing wakes it early"),
    (AgentActivity, to(Snoozed), "agent activity leaves it snoozed"),
    (MarkDone, to(Resolved), "marking it done resolves it"),
    (Reopen, to(Open), "reopening it wakes it"),
    (Snooze, to(Snoozed), "snoozing again keeps it snoozed (with the new time)"),
    (Wake, to(Open), "the wake job opens it at snoozed_until"),
    (AutoClose, to(Snoozed), "a stale auto-close job changes nothing"),
    (SetStatus(New), Err(CannotSetNew), "nobody chooses new"),
    (SetStatus(Open), to(Open), "choosing open wakes it"),
    (SetStatus(Pending), to(Pending), "choosing pending wakes it to wait on the customer"),
    (SetStatus(OnHold), to(OnHold), "choosing on hold wakes it to wait on a third party"),
    (SetStatus(Snoozed), Err(SnoozeNeedsTime), "snoozed needs a time"),
    (SetStatus(Resolved), to(Resolved), "choosing resolved resolves it"),
    (SetStatus(Closed), to(Closed), "choosing closed closes it"),
];

#[rustfmt::skip]
const RESOLVED: [Row; 14] = [
    (Inbound, to(Open), "the customer writing again reopens it"),
    (AgentActivity, to(Resolved), "a note or an assign leaves it resolved"),
    (MarkDone, to(Resolved), "marking it done again changes nothing"),
    (Reopen, to(Open), "reopening it opens it"),
    (Snooze, to(Snoozed), "snoozing it hides it until later"),
    (Wake, to(Resolved), "a stale wake job does not reopen a resolved one"),
    (AutoClose, to(Closed), "the auto-close job closes it"),
    (SetStatus(New), Err(CannotSetNew), "nobody chooses new"),
    (SetStatus(Open), to(Open), "choosing open reopens it"),
    (SetStatus(Pending), to(Pending), "choosing pending reopens it to wait on the customer"),
    (SetStatus(OnHold), to(OnHold), "choosing on hold reopens it to wait on a third party"),
    (SetStatus(Snoozed), Err(SnoozeNeedsTime), "snoozed needs a time"),
    (SetStatus(Resolved), to(Resolved), "choosing resolved changes nothing"),
    (SetStatus(Closed), to(Closed), "choosing closed closes it before the job does"),
];

#[rustfmt::skip]
const CLOSED: [Row; 14] = [
    (Inbound, STARTS_NEW, "the customer writing starts a new conversation that points here"),
    (AgentActivity, Err(IsClosed), "nobody works a closed conversation"),
    (MarkDone, Err(IsClosed), "a closed one is already done for good"),
    (Reopen, Err(IsClosed), "a closed one cannot be reopened"),
    (Snooze, Err(IsClosed), "a closed one cannot be snoozed"),
    (Wake, to(Closed), "a late wake job changes nothing and does not fail"),
    (AutoClose, to(Closed), "a late auto-close job changes nothing and does not fail"),
    (SetStatus(New), Err(IsClosed), "closed is final"),
    (SetStatus(Open), Err(IsClosed), "closed is final"),
    (SetStatus(Pending), Err(IsClosed), "closed is final"),
    (SetStatus(OnHold), Err(IsClosed), "closed is final"),
    (SetStatus(Snoozed), Err(IsClosed), "closed is final"),
    (SetStatus(Resolved), Err(IsClosed), "closed is final"),
    (SetStatus(Closed), Err(IsClosed), "closed is final"),
];

const TABLES: [(Status, &[Row; 14]); 7] = [
    (New, &NEW),
    (Open, &OPEN),
    (Pending, &PENDING),
    (OnHold, &ON_HOLD),
    (Snoozed, &SNOOZED),
    (Resolved, &RESOLVED),
    (Closed, &CLOSED),
];

/// Checks every row of one status's table and reports all the cells that differ.
fn check(status: Status, rows: &[Row]) {
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|&(trigger, expected, sentence)| {
            let got = transition(status, trigger);
            (got != expected).then(|| {
                format!("{status:?} + {trigger:?}: expected {expected:?}, got {got:?} ({sentence})")
            })
        })
        .collect();
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_tables_cover_every_status_and_every_trigger_exactly_once() {
    let statuses: Vec<Status> = TABLES.iter().map(|(status, _)| *status).collect();
    let every_status: Vec<Status> = Status::ALL.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, every_status);
    for (status, rows) in TABLES {
        let triggers: Vec<Trigger> = rows.iter().map(|(trigger, _, _)| *trigger).collect();
        assert_eq!(triggers, TRIGGERS, "{status:?}");
    }
    let set_status: Vec<Status> = TRIGGERS
        .iter()
        .filter_map(|t| match t {
            SetStatus(status) => Some(*status),
            _ => None,
        })
        .collect();
    assert_eq!(set_status, every_status, "SetStatus of every status");
}

#[test]
fn a_new_conversation_stays_new_for_the_customer_and_opens_for_an_agent() {
    check(New, &NEW);
}

#[test]
fn an_open_conversation_moves_only_when_someone_chooses_a_status() {
    check(Open, &OPEN);
}

#[test]
fn a_pending_conversation_reopens_when_the_customer_answers() {
    check(Pending, &PENDING);
}

#[test]
fn an_on_hold_conversation_reopens_when_the_customer_writes() {
    check(OnHold, &ON_HOLD);
}

#[test]
fn a_snoozed_conversation_wakes_to_open_on_its_job_or_a_customer_message() {
    check(Snoozed, &SNOOZED);
}

#[test]
fn a_resolved_conversation_reopens_for_the_customer_and_closes_on_its_job() {
    check(Resolved, &RESOLVED);
}

#[test]
fn a_closed_conversation_never_changes_and_a_customer_message_starts_a_new_one() {
    check(Closed, &CLOSED);
}

#[test]
fn people_act_while_the_customer_and_the_jobs_do_not() {
    for (trigger, by_a_person) in [
        (Inbound, false),
        (AgentActivity, true),
        (MarkDone, true),
        (Reopen, true),
        (Snooze, true),
        (Wake, false),
        (AutoClose, false),
        (SetStatus(Open), true),
        (SetStatus(Closed), true),
    ] {
        assert_eq!(trigger.is_agent_action(), by_a_person, "{trigger:?}");
    }
}

#[test]
fn lifecycle_errors_say_what_to_do_instead() {
    assert_eq!(
        IsClosed.to_string(),
        "the conversation is closed; a closed conversation cannot change"
    );
    assert_eq!(
        CannotSetNew.to_string(),
        "a conversation cannot be set back to new"
    );
    assert_eq!(
        SnoozeNeedsTime.to_string(),
        "use snooze with a time to snooze a conversation"
    );
}

fn any_status() -> impl Strategy<Value = Status> {
    prop::sample::select(Status::ALL.iter().map(|(s, _)| *s).collect::<Vec<_>>())
}

fn any_trigger() -> impl Strategy<Value = Trigger> {
    prop_oneof![
        prop::sample::select(TRIGGERS[..7].to_vec()),
        any_status().prop_map(SetStatus),
    ]
}

/// One trigger applied during a walk.
#[derive(Debug)]
struct Step {
    before: Status,
    trigger: Trigger,
    result: Expected,
}

/// Applies `triggers` from `start` the way a service does: a refusal leaves the
/// status as it was, and a message on a closed conversation leaves it closed
/// (the new conversation it starts is another one).
fn walk(start: Status, triggers: &[Trigger]) -> Vec<Step> {
    let mut status = start;
    let mut steps = Vec::with_capacity(triggers.len());
    for &trigger in triggers {
        let result = transition(status, trigger);
        steps.push(Step {
            before: status,
            trigger,
            result,
        });
        if let Ok(Outcome::Becomes(next)) = result {
            status = next;
        }
    }
    steps
}

fn walks() -> impl Strategy<Value = Vec<Step>> {
    (any_status(), prop::collection::vec(any_trigger(), 0..40))
        .prop_map(|(start, triggers)| walk(start, &triggers))
}

proptest! {
    #[test]
    fn nothing_leaves_closed(steps in walks()) {
        let mut closed = false;
        for step in &steps {
            prop_assert!(!closed || step.before == Closed, "{:?}", step);
            if step.before == Closed {
                closed = true;
                let expected = match step.trigger {
                    Inbound => STARTS_NEW,
                    Wake | AutoClose => to(Closed),
                    _ => Err(IsClosed),
                };
                prop_assert_eq!(step.result, expected, "{:?}", step);
            }
        }
    }

    #[test]
    fn a_customer_message_on_a_conversation_that_is_not_closed_leaves_it_open_or_new(
        steps in walks()
    ) {
        for step in steps.iter().filter(|s| s.trigger == Inbound && s.before != Closed) {
            let expected = if step.before == New { to(New) } else { to(Open) };
            prop_assert_eq!(step.result, expected, "{:?}", step);
        }
    }

    #[test]
    fn an_agent_action_that_succeeds_never_leaves_a_conversation_new(steps in walks()) {
        for step in steps.iter().filter(|s| s.trigger.is_agent_action()) {
            prop_assert_ne!(step.result, to(New), "{:?}", step);
        }
    }

    #[test]
    fn only_snooze_puts_a_conversation_in_snoozed(steps in walks()) {
        for step in steps.iter().filter(|s| s.before != Snoozed && s.result == to(Snoozed)) {
            prop_assert_eq!(step.trigger, Snooze, "{:?}", step);
        }
    }

    #[test]
    fn the_wake_and_auto_close_jobs_never_fail_however_late_they_run(steps in walks()) {
        for step in steps.iter().filter(|s| matches!(s.trigger, Wake | AutoClose)) {
            prop_assert!(step.result.is_ok(), "{:?}", step);
        }
    }

    #[test]
    fn only_a_customer_message_on_a_closed_conversation_starts_a_new_one(steps in walks()) {
        for step in steps.iter().filter(|s| s.result == STARTS_NEW) {
            prop_assert_eq!((step.before, step.trigger), (Closed, Inbound));
        }
    }

    #[test]
    fn closed_is_entered_only_by_the_auto_close_job_or_an_explicit_close(steps in walks()) {
        for step in steps.iter().filter(|s| s.before != Closed && s.result == to(Closed)) {
            let allowed = (step.before == Resolved && step.trigger == AutoClose)
                || step.trigger == SetStatus(Closed);
            prop_assert!(allowed, "{:?}", step);
        }
    }
}

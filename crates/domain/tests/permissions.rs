//! The permission table of DESIGN.md §3, one row per cell.
//!
//! The main table is every asker × every action on a conversation in an
//! approved inbox, with three columns for whose the conversation is. Every
//! expected answer is written out by hand. Smaller tables cover carrier
//! registration and workspace-wide actions.

use domain::text::Word;
use domain::{authorize, Action, Actor, Denied, Registration, Role, Subject, UserId};

type Expected = Result<(), Denied>;

const OK: Expected = Ok(());
const HIDDEN: Expected = Err(Denied::NotVisible);
const NEEDS_ADMIN: Expected = Err(Denied::NeedsRole(Role::Admin));
const NEEDS_OWNER: Expected = Err(Denied::NeedsRole(Role::Owner));
const TAKEN: Expected = Err(Denied::AssignedToSomeoneElse);
const NOT_YOURS: Expected = Err(Denied::NotYours);
const NOT_MEMBER: Expected = Err(Denied::TargetNotMember);

/// Who asks: the four columns of DESIGN.md §3 (admins and owners are asked
/// about an inbox they do not belong to, since they see every inbox).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Owner,
    Admin,
    /// An agent who is a member of the inbox.
    Member,
    /// An agent who is not a member of the inbox.
    Outsider,
}

impl Who {
    fn role_and_membership(self) -> (Role, bool) {
        match self {
            Who::Owner => (Role::Owner, false),
            Who::Admin => (Role::Admin, false),
            Who::Member => (Role::Agent, true),
            Who::Outsider => (Role::Agent, false),
        }
    }
}

use Action::{
    Assign, AssignToMe, ChangeStatus, CreateInbox, DeleteInbox, EditInboxAppearance,
    ManageInboxPolicy, ManageIntegrations, ManageMember, PersonaliseInbox, Reply, ReturnToInbox,
    SeeInbox, Transfer, UseWorkspace,
};
use Who::{Admin, Member, Outsider, Owner};

const TO_MEMBER: Action = Transfer {
    target_is_member: true,
};
const TO_OUTSIDER: Action = Transfer {
    target_is_member: false,
};
const AGENTS: Action = ManageMember {
    target_role: Role::Agent,
};
const ADMINS: Action = ManageMember {
    target_role: Role::Admin,
};
const OWNERS: Action = ManageMember {
    target_role: Role::Owner,
};

/// Every action, with each value its fields can take.
const ACTIONS: [Action; 18] = [
    SeeInbox,
    Reply,
    AssignToMe,
    TO_MEMBER,
    TO_OUTSIDER,
    ReturnToInbox,
    Assign,
    ChangeStatus,
    EditInboxAppearance,
    PersonaliseInbox,
    ManageInboxPolicy,
    DeleteInbox,
    CreateInbox,
    AGENTS,
    ADMINS,
    OWNERS,
    UseWorkspace,
    ManageIntegrations,
];

/// Columns: the conversation is unassigned, assigned to the asker, assigned to someone else.
type Row = (Who, Action, [Expected; 3]);

#[rustfmt::skip]
const TABLE: [Row; 72] = [
    //                            unassigned   mine         someone else's
    (Owner, SeeInbox,            [OK,          OK,          OK]),
    (Owner, Reply,               [OK,          OK,          OK]),
    (Owner, AssignToMe,          [OK,          OK,          OK]),
    (Owner, TO_MEMBER,           [OK,          OK,          OK]),
    (Owner, TO_OUTSIDER,         [NOT_MEMBER,  NOT_MEMBER,  NOT_MEMBER]),
    (Owner, ReturnToInbox,       [OK,          OK,          OK]),
    (Owner, Assign,              [OK,          OK,          OK]),
    (Owner, ChangeStatus,        [OK,          OK,          OK]),
    (Owner, EditInboxAppearance, [OK,          OK,          OK]),
    (Owner, PersonaliseInbox,    [OK,          OK,          OK]),
    (Owner, ManageInboxPolicy,   [OK,          OK,          OK]),
    (Owner, DeleteInbox,         [OK,          OK,          OK]),
    (Owner, CreateInbox,         [OK,          OK,          OK]),
    (Owner, AGENTS,              [OK,          OK,          OK]),
    (Owner, ADMINS,              [OK,          OK,          OK]),
    (Owner, OWNERS,              [OK,          OK,          OK]),
    (Owner, UseWorkspace,        [OK,          OK,          OK]),
    (Owner, ManageIntegrations, [OK,          OK,          OK]),

    (Admin, SeeInbox,            [OK,          OK,          OK]),
    (Admin, Reply,               [OK,          OK,          OK]),
    (Admin, AssignToMe,          [OK,          OK,          OK]),
    (Admin, TO_MEMBER,           [OK,          OK,          OK]),
    (Admin, TO_OUTSIDER,         [NOT_MEMBER,  NOT_MEMBER,  NOT_MEMBER]),
    (Admin, ReturnToInbox,       [OK,          OK,          OK]),
    (Admin, Assign,              [OK,          OK,          OK]),
    (Admin, ChangeStatus,        [OK,          OK,          OK]),
    (Admin, EditInboxAppearance, [OK,          OK,          OK]),
    (Admin, PersonaliseInbox,    [OK,          OK,          OK]),
    (Admin, ManageInboxPolicy,   [OK,          OK,          OK]),
    (Admin, DeleteInbox,         [NEEDS_OWNER, NEEDS_OWNER, NEEDS_OWNER]),
    (Admin, CreateInbox,         [OK,          OK,          OK]),
    (Admin, AGENTS,              [OK,          OK,          OK]),
    (Admin, ADMINS,              [OK,          OK,          OK]),
    (Admin, OWNERS,              [NEEDS_OWNER, NEEDS_OWNER, NEEDS_OWNER]),
    (Admin, UseWorkspace,        [OK,          OK,          OK]),
    (Admin, ManageIntegrations, [OK,          OK,          OK]),

    (Member, SeeInbox,            [OK,          OK,          OK]),
    (Member, Reply,               [OK,          OK,          OK]),
    (Member, AssignToMe,          [OK,          OK,          TAKEN]),
    (Member, TO_MEMBER,           [NOT_YOURS,   OK,          NOT_YOURS]),
    (Member, TO_OUTSIDER,         [NOT_YOURS,   NOT_MEMBER,  NOT_YOURS]),
    (Member, ReturnToInbox,       [NOT_YOURS,   OK,          NOT_YOURS]),
    (Member, Assign,              [NEEDS_ADMIN, NEEDS_ADMIN, NEEDS_ADMIN]),
    (Member, ChangeStatus,        [OK,          OK,          NOT_YOURS]),
    (Member, EditInboxAppearance, [OK,          OK,          OK]),
    (Member, PersonaliseInbox,    [OK,          OK,          OK]),
    (Member, ManageInboxPolicy,   [NEEDS_ADMIN, NEEDS_ADMIN, NEEDS_ADMIN]),
    (Member, DeleteInbox,         [NEEDS_OWNER, NEEDS_OWNER, NEEDS_OWNER]),
    (Member, CreateInbox,         [NEEDS_ADMIN, NEEDS_ADMIN, NEEDS_ADMIN]),
    (Member, AGENTS,              [NEEDS_ADMIN, NEEDS_ADMIN, NEEDS_ADMIN]),
    (Member, ADMINS,              [NEEDS_ADMIN, NEEDS_ADMIN, NEEDS_ADMIN]),
    (Member, OWNERS,              [NEEDS_OWNER, NEEDS_OWNER, NEEDS_OWNER]),
    (Member, UseWorkspace,        [OK,          OK,          OK]),
    (Member, ManageIntegrations, [NEEDS_ADMIN, NEEDS_ADMIN, NEEDS_ADMIN]),

    // A non-member learns nothing, not even that the inbox exists (404).
    (Outsider, SeeInbox,            [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, Reply,               [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, AssignToMe,          [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, TO_MEMBER,           [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, TO_OUTSIDER,         [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, ReturnToInbox,       [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, Assign,              [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, ChangeStatus,        [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, EditInboxAppearance, [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, PersonaliseInbox,    [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, ManageInboxPolicy,   [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, DeleteInbox,         [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, CreateInbox,         [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, AGENTS,              [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, ADMINS,              [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, OWNERS,              [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, UseWorkspace,        [HIDDEN, HIDDEN, HIDDEN]),
    (Outsider, ManageIntegrations,  [HIDDEN, HIDDEN, HIDDEN]),
];

/// Asks on behalf of `who` about a conversation; column 0 is unassigned,
/// 1 assigned to the asker, 2 assigned to someone else.
fn ask(
    who: Who,
    member: bool,
    registration: Registration,
    column: usize,
    action: Action,
) -> Expected {
    let me = UserId::generate();
    let someone = UserId::generate();
    let assignee = [None, Some(&me), Some(&someone)][column];
    let (role, _) = who.role_and_membership();
    let actor = Actor { user_id: &me, role };
    authorize(
        actor,
        Subject::conversation(member, registration, assignee),
        action,
    )
}

#[test]
fn every_cell_of_the_permission_table_gives_its_written_answer() {
    let mut wrong = Vec::new();
    for (who, action, expected) in TABLE {
        let (_, member) = who.role_and_membership();
        for (column, expected) in expected.into_iter().enumerate() {
            let got = ask(who, member, Registration::Approved, column, action);
            if got != expected {
                let whose = ["unassigned", "mine", "someone else's"][column];
                wrong.push(format!(
                    "{who:?} {action:?} on {whose}: expected {expected:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// Exhaustive on purpose: a new `Action` variant fails to compile here until
/// the table has rows for it.
fn variant(action: Action) -> usize {
    match action {
        SeeInbox => 0,
        Reply => 1,
        AssignToMe => 2,
        Transfer { .. } => 3,
        ReturnToInbox => 4,
        Assign => 5,
        ChangeStatus => 6,
        EditInboxAppearance => 7,
        PersonaliseInbox => 8,
        ManageInboxPolicy => 9,
        DeleteInbox => 10,
        CreateInbox => 11,
        ManageMember { .. } => 12,
        UseWorkspace => 13,
        ManageIntegrations => 14,
    }
}

#[test]
fn the_table_has_a_row_for_every_asker_and_every_action_exactly_once() {
    let mut variants: Vec<usize> = ACTIONS.iter().map(|a| variant(*a)).collect();
    variants.dedup();
    assert_eq!(
        variants,
        (0..15).collect::<Vec<_>>(),
        "every Action variant"
    );
    let roles: Vec<Role> = Role::ALL.iter().map(|(r, _)| *r).collect();
    for role in roles {
        assert!(
            ACTIONS.contains(&ManageMember { target_role: role }),
            "{role:?}"
        );
    }
    for (i, who) in [Owner, Admin, Member, Outsider].into_iter().enumerate() {
        let rows = &TABLE[i * ACTIONS.len()..(i + 1) * ACTIONS.len()];
        let actions: Vec<Action> = rows.iter().map(|(_, action, _)| *action).collect();
        assert!(
            rows.iter().all(|(w, _, _)| *w == who),
            "{who:?} rows together"
        );
        assert_eq!(actions, ACTIONS, "{who:?} has every action once, in order");
    }
}

#[test]
fn admins_and_owners_get_the_same_answers_whether_or_not_they_belong_to_the_inbox() {
    for who in [Owner, Admin] {
        for action in ACTIONS {
            for column in 0..3 {
                let outside = ask(who, false, Registration::Approved, column, action);
                let inside = ask(who, true, Registration::Approved, column, action);
                assert_eq!(inside, outside, "{who:?} {action:?} column {column}");
            }
        }
    }
}

#[rustfmt::skip]
const REGISTRATION: [(Registration, [Expected; 4]); 4] = [
    //                          Owner  Admin  Member  Outsider
    (Registration::Unregistered, [OK,   OK,    HIDDEN, HIDDEN]),
    (Registration::Pending,      [OK,   OK,    HIDDEN, HIDDEN]),
    (Registration::Approved,     [OK,   OK,    OK,     HIDDEN]),
    (Registration::Rejected,     [OK,   OK,    HIDDEN, HIDDEN]),
];

#[test]
fn an_inbox_whose_carrier_registration_is_not_approved_is_shown_to_admins_only() {
    for (registration, answers) in REGISTRATION {
        for (who, expected) in [Owner, Admin, Member, Outsider].into_iter().zip(answers) {
            let (_, member) = who.role_and_membership();
            let got = ask(who, member, registration, 0, SeeInbox);
            assert_eq!(got, expected, "{who:?} sees a {registration:?} inbox");
        }
    }
}

#[test]
fn a_member_agent_can_do_nothing_at_all_in_an_inbox_that_is_not_approved() {
    for registration in [
        Registration::Unregistered,
        Registration::Pending,
        Registration::Rejected,
    ] {
        for action in ACTIONS {
            for column in 0..3 {
                let got = ask(Member, true, registration, column, action);
                assert_eq!(got, HIDDEN, "{registration:?} {action:?} column {column}");
            }
        }
    }
}

#[rustfmt::skip]
const WORKSPACE: [(Action, [Expected; 3]); 6] = [
    //              Owner  Admin        Agent
    (CreateInbox,  [OK,    OK,          NEEDS_ADMIN]),
    (AGENTS,       [OK,    OK,          NEEDS_ADMIN]),
    (ADMINS,       [OK,    OK,          NEEDS_ADMIN]),
    // Only an owner makes, changes or removes an owner; the agent is told so too.
    (OWNERS,       [OK,    NEEDS_OWNER, NEEDS_OWNER]),
    (UseWorkspace, [OK,    OK,          OK]),
    (ManageIntegrations, [OK, OK,       NEEDS_ADMIN]),
];

#[test]
fn workspace_wide_actions_depend_on_the_role_alone() {
    let me = UserId::generate();
    for (action, answers) in WORKSPACE {
        for (role, expected) in [Role::Owner, Role::Admin, Role::Agent]
            .into_iter()
            .zip(answers)
        {
            let actor = Actor { user_id: &me, role };
            let got = authorize(actor, Subject::workspace(), action);
            assert_eq!(got, expected, "{role:?} {action:?}");
        }
    }
}

#[test]
fn refusals_read_as_sentences_a_person_can_act_on() {
    for (denied, message) in [
        (Denied::NotVisible, "not found"),
        (Denied::NeedsRole(Role::Admin), "this needs the admin role"),
        (Denied::NeedsRole(Role::Owner), "this needs the owner role"),
        (
            Denied::AssignedToSomeoneElse,
            "the conversation is assigned to someone else",
        ),
        (
            Denied::NotYours,
            "only the assignee or an admin can do this",
        ),
        (
            Denied::TargetNotMember,
            "the user is not a member of this inbox",
        ),
    ] {
        assert_eq!(denied.to_string(), message);
    }
}

use domain::InboxId;

use super::*;
use crate::services::notifications::default_targets;

fn member(user: &UserId, muted: bool) -> InboxMember {
    InboxMember {
        inbox_id: InboxId::generate(),
        user_id: user.clone(),
        position: 0,
        muted,
    }
}

fn in_app(user: &UserId) -> Recipient {
    Recipient::Member {
        user_id: user.clone(),
        medium: Medium::InApp,
    }
}

#[test]
fn inbound_goes_to_every_target_but_muted_and_departed_members_and_the_author() {
    let (ana, bo, cy, dee) = (
        UserId::generate(),
        UserId::generate(),
        UserId::generate(),
        UserId::generate(),
    );
    let members = [member(&ana, false), member(&bo, true), member(&cy, false)];
    let targets = [
        Target::Member {
            user_id: ana.clone(),
        },
        Target::Member {
            user_id: bo.clone(),
        },
        Target::Member {
            user_id: cy.clone(),
        },
        // Left the inbox after the list was saved.
        Target::Member {
            user_id: dee.clone(),
        },
        Target::SlackChannel {
            channel_id: "C0123ABCD".into(),
            name: "support".into(),
        },
        Target::Email {
            address: "team@example.com".into(),
        },
    ];
    let choices = Choices::new(Trigger::Inbound, []);
    let told = inbound(&targets, &members, Some(&cy), &choices);
    assert_eq!(
        told,
        vec![
            in_app(&ana),
            Recipient::SlackChannel {
                channel: "C0123ABCD".into()
            },
            Recipient::Email {
                address: "team@example.com".into()
            },
        ]
    );
}

#[test]
fn a_member_is_told_by_the_medium_they_chose_and_off_tells_nothing() {
    let (ana, bo) = (UserId::generate(), UserId::generate());
    let members = [member(&ana, false), member(&bo, false)];
    let targets = default_targets(&members);
    let choices = Choices::new(
        Trigger::Inbound,
        [(ana.clone(), Medium::Email), (bo.clone(), Medium::Off)],
    );
    assert_eq!(
        inbound(&targets, &members, None, &choices),
        vec![Recipient::Member {
            user_id: ana,
            medium: Medium::Email
        }]
    );
}

#[test]
fn assignment_tells_the_assignee_unless_they_took_it_themselves() {
    let (ana, admin) = (UserId::generate(), UserId::generate());
    let choices = Choices::new(Trigger::Assigned, []);
    assert_eq!(assigned(&ana, Some(&admin), &choices), Some(in_app(&ana)));
    assert_eq!(assigned(&ana, None, &choices), Some(in_app(&ana)));
    assert_eq!(assigned(&ana, Some(&ana), &choices), None);
    let off = Choices::new(Trigger::Assigned, [(ana.clone(), Medium::Off)]);
    assert_eq!(assigned(&ana, Some(&admin), &off), None);
}

#[test]
fn mentions_tell_members_of_the_inbox_but_not_the_author_or_outsiders() {
    let (ana, bo, outsider) = (UserId::generate(), UserId::generate(), UserId::generate());
    let members = [member(&ana, false), member(&bo, true)];
    let choices = Choices::new(Trigger::Mentioned, []);
    let told = mentioned(
        &[ana.clone(), bo.clone(), outsider],
        Some(&ana),
        &members,
        &choices,
    );
    // A muted member still hears of a mention: it is addressed to them.
    assert_eq!(told, vec![in_app(&bo)]);
}

#[test]
fn a_woken_conversation_tells_its_assignee_and_registration_tells_admins_by_email() {
    let ana = UserId::generate();
    let choices = Choices::new(Trigger::SnoozeWoke, []);
    assert_eq!(snooze_woke(Some(&ana), None, &choices), Some(in_app(&ana)));
    assert_eq!(snooze_woke(Some(&ana), Some(&ana), &choices), None);
    assert_eq!(snooze_woke(None, None, &choices), None);
    let (owner, admin) = (UserId::generate(), UserId::generate());
    let choices = Choices::new(
        Trigger::RegistrationCompleted,
        [(admin.clone(), Medium::InApp)],
    );
    assert_eq!(
        registration_completed(&[owner.clone(), admin.clone()], &choices),
        vec![
            Recipient::Member {
                user_id: owner,
                medium: Medium::Email
            },
            in_app(&admin),
        ]
    );
}

#[test]
fn a_breach_tells_the_assignee_else_the_inboxs_targets() {
    let (ana, bo, cy) = (UserId::generate(), UserId::generate(), UserId::generate());
    let members = [member(&ana, false), member(&bo, true), member(&cy, false)];
    let targets = default_targets(&members);
    let choices = Choices::new(Trigger::SlaBreached, [(cy.clone(), Medium::Off)]);
    // Bo muted the inbox, but the conversation is theirs.
    assert_eq!(
        sla_breached(Some(&bo), &targets, &members, &choices),
        vec![in_app(&bo)]
    );
    assert_eq!(
        sla_breached(Some(&cy), &targets, &members, &choices),
        vec![]
    );
    // Nobody has it: whoever hears of the inbox, as for a customer's text.
    assert_eq!(
        sla_breached(None, &targets, &members, &choices),
        vec![in_app(&ana)]
    );
}

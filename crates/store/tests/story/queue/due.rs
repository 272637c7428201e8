//! The `sla=` filter: due soon, overdue, or either, as the domain's SLA
//! state says it at the same moment; combined with other filters, the due
//! order and the counts.

use chrono::Duration;
use domain::{SlaDue, SlaState, Timestamp};
use store::queue::{self, AssigneeFilter, ConversationFilter, SlaFilter, SlaStanding, Sort};
use store::Store;

use super::{all_pages, ids, seed, Seed, T};
use crate::support::{self, at_millis};

/// The moment the seeded due times are read at.
pub(super) fn now() -> Timestamp {
    at_millis(T + 1_000_000)
}

/// Gives the seed's open conversations due times around [`now`]:
/// c1 due in 10 minutes (an hour's target: soon), c2 five minutes overdue,
/// c3 due in 3 hours (a 4-hour target, 1 hour window: fine), c6 in 20 hours
/// (a 4-day target, 1 day window: soon). Nothing else is due.
pub(super) async fn set_due_times(store: &Store, s: &Seed) {
    let due = |minutes: i64, target_secs: i64| SlaDue {
        at: now() + Duration::minutes(minutes),
        target_secs,
    };
    let mut tx = store.begin().await.unwrap();
    for (id, due) in [
        (&s.c1.id, due(10, 3_600)),
        (&s.c2.id, due(-5, 3_600)),
        (&s.c3.id, due(180, 4 * 3_600)),
        (&s.c6.id, due(20 * 60, 4 * 86_400)),
    ] {
        store::sla::set_due(&mut tx, id, Some(due)).await.unwrap();
    }
    tx.commit().await.unwrap();
}

fn sla(base: &ConversationFilter, standing: SlaStanding) -> ConversationFilter {
    ConversationFilter {
        sla: Some(SlaFilter {
            standing,
            now: now(),
        }),
        ..base.clone()
    }
}

#[tokio::test]
async fn due_soon_and_overdue_are_what_the_domain_says_at_the_same_moment() {
    for store in support::stores().await {
        let s = seed(&store).await;
        set_due_times(&store, &s).await;
        let admin = s.filter(&s.team.admin.id);
        let by_due = ConversationFilter {
            sort: Sort::Due,
            ..admin.clone()
        };

        assert_eq!(
            ids(&store, &sla(&by_due, SlaStanding::Soon)).await,
            [s.c1.id.clone(), s.c6.id.clone()]
        );
        assert_eq!(
            ids(&store, &sla(&by_due, SlaStanding::Breached)).await,
            vec![s.c2.id.clone()]
        );
        assert_eq!(
            ids(&store, &sla(&by_due, SlaStanding::AtRisk)).await,
            [s.c2.id.clone(), s.c1.id.clone(), s.c6.id.clone()],
            "overdue first, then the soonest due"
        );

        // Every row the filter keeps stands where the filter says, and every
        // open row it leaves out does not, by the domain's own rule.
        let at_risk = ids(&store, &sla(&admin, SlaStanding::AtRisk)).await;
        for item in all_pages(&store, &admin, 50).await {
            let state = item.conversation.sla.map(|clock| clock.state(now()));
            let kept = at_risk.contains(&item.conversation.id);
            let risky = matches!(state, Some(SlaState::Soon | SlaState::Breached));
            assert_eq!(kept, risky, "{:?}: {state:?}", item.conversation.id);
        }

        // Combined with the other filters and pages of one.
        let support_unassigned = ConversationFilter {
            inbox: Some(s.team.inbox.id.clone()),
            assignee: Some(AssigneeFilter::Nobody),
            ..by_due.clone()
        };
        assert_eq!(
            ids(&store, &sla(&support_unassigned, SlaStanding::AtRisk)).await,
            vec![s.c2.id.clone()]
        );
        let one_inbox = ConversationFilter {
            inbox: Some(s.team.inbox.id.clone()),
            ..by_due.clone()
        };
        let paged: Vec<_> = all_pages(&store, &sla(&one_inbox, SlaStanding::AtRisk), 1)
            .await
            .into_iter()
            .map(|item| item.conversation.id)
            .collect();
        assert_eq!(paged, [s.c2.id.clone(), s.c1.id.clone()]);

        // Later, c1 is overdue too and c3 is due soon.
        let later = |standing| ConversationFilter {
            sla: Some(SlaFilter {
                standing,
                now: now() + Duration::minutes(130),
            }),
            ..by_due.clone()
        };
        assert_eq!(
            ids(&store, &later(SlaStanding::Breached)).await,
            [s.c2.id.clone(), s.c1.id.clone()]
        );
        assert_eq!(
            ids(&store, &later(SlaStanding::Soon)).await,
            [s.c3.id.clone(), s.c6.id.clone()]
        );

        // The badges count what the filtered list shows.
        let mut r = store.read().await.unwrap();
        let counts = queue::counts(&mut r.conn(), &sla(&admin, SlaStanding::AtRisk))
            .await
            .unwrap();
        assert_eq!(counts.open, 3);
        assert_eq!(counts.unassigned, 1, "c2");
        assert_eq!(counts.done, 0, "nothing done is due");
        let counts = queue::counts(&mut r.conn(), &sla(&admin, SlaStanding::Breached))
            .await
            .unwrap();
        assert_eq!(counts.open, 1);
    }
}

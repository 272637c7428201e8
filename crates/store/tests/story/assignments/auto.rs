//! Auto-assignment's storage: an inbox's policy (manual without a row), its
//! round-robin pointer taken and moved in one transaction, the available
//! members with their open work, and the oldest waiting conversation.

use domain::{AssignmentMode, AssignmentPolicy, Availability, Status};
use store::assignment;

use crate::support::{self, millis_now, new_contact};

#[tokio::test]
async fn an_inbox_is_manual_until_a_policy_is_set_and_its_turn_remembers_the_last_member() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut reader = store.read().await.unwrap();
        assert_eq!(
            assignment::policy(&mut reader.conn(), &team.inbox.id)
                .await
                .unwrap(),
            AssignmentPolicy::default()
        );
        drop(reader);
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            assignment::take_turn(&mut tx, &team.inbox.id)
                .await
                .unwrap(),
            None,
            "a manual inbox has no turn to take"
        );
        let policy = AssignmentPolicy {
            mode: AssignmentMode::ContactOwner,
            cap: Some(3),
            fallback: Some(AssignmentMode::Balanced),
        };
        assignment::set_policy(&mut tx, &team.inbox.id, &policy, millis_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        let turn = assignment::take_turn(&mut tx, &team.inbox.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(turn.policy, policy);
        assert_eq!(turn.last, None);
        assignment::record_turn(&mut tx, &team.inbox.id, &team.bruno.id)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // A new policy keeps the pointer; an abandoned turn moves nothing.
        let round_robin = AssignmentPolicy {
            mode: AssignmentMode::RoundRobin,
            cap: None,
            fallback: None,
        };
        let mut tx = store.begin().await.unwrap();
        assignment::set_policy(&mut tx, &team.inbox.id, &round_robin, millis_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let turn = assignment::take_turn(&mut tx, &team.inbox.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(turn.policy, round_robin);
        assert_eq!(turn.last.as_ref(), Some(&team.bruno.id));
        assignment::record_turn(&mut tx, &team.inbox.id, &team.ana.id)
            .await
            .unwrap();
        drop(tx);
        let mut reader = store.read().await.unwrap();
        let all = assignment::policies(&mut reader.conn(), &team.workspace.id)
            .await
            .unwrap();
        assert_eq!(all.get(&team.inbox.id), Some(&round_robin));
        drop(reader);
        let mut tx = store.begin().await.unwrap();
        let turn = assignment::take_turn(&mut tx, &team.inbox.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(turn.last.as_ref(), Some(&team.bruno.id));
    }
}

#[tokio::test]
async fn candidates_are_the_available_members_with_their_open_work_and_the_oldest_waits_first() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let dora = new_contact(&store, &team.workspace, "Dora", "+14155550102").await;
        let eve = new_contact(&store, &team.workspace, "Eve", "+14155550103").await;
        // Ana holds one open and one done; two wait, Dora's the older.
        let mut anas = support::conversation_value(&team.inbox, &team.contact);
        anas.assignee_id = Some(team.ana.id.clone());
        anas.status = Status::Open;
        let mut done = support::conversation_value(&team.inbox, &team.contact);
        done.assignee_id = Some(team.ana.id.clone());
        done.status = Status::Closed;
        let mut older = support::conversation_value(&team.inbox, &dora);
        older.created_at = support::at_millis(1_000);
        let newer = support::conversation_value(&team.inbox, &eve);
        for conversation in [&anas, &done, &older, &newer] {
            support::store_conversation(&store, conversation).await;
        }
        let mut tx = store.begin().await.unwrap();
        store::users::set_availability(&mut tx, &team.bruno.id, Availability::Away)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let candidates =
            assignment::candidates(&mut reader.conn(), &team.workspace.id, &team.inbox.id)
                .await
                .unwrap();
        assert_eq!(candidates.len(), 1, "Bruno is away; the admin is no member");
        assert_eq!(candidates[0].user_id, team.ana.id);
        assert_eq!(candidates[0].open, 1);
        let first = assignment::oldest_unassigned(
            &mut reader.conn(),
            &team.workspace.id,
            &team.inbox.id,
            None,
        )
        .await
        .unwrap();
        assert_eq!(first, Some(older.id.clone()));
        let other = assignment::oldest_unassigned(
            &mut reader.conn(),
            &team.workspace.id,
            &team.inbox.id,
            Some(&older.id),
        )
        .await
        .unwrap();
        assert_eq!(other, Some(newer.id.clone()));
        // Every waiting one, oldest first, as many as asked for.
        let waiting =
            assignment::waiting(&mut reader.conn(), &team.workspace.id, &team.inbox.id, 10)
                .await
                .unwrap();
        assert_eq!(waiting, [older.id.clone(), newer.id.clone()]);
        let one = assignment::waiting(&mut reader.conn(), &team.workspace.id, &team.inbox.id, 1)
            .await
            .unwrap();
        assert_eq!(one, vec![older.id.clone()]);
        let availability = store::users::availability_in(&mut reader.conn(), &team.workspace.id)
            .await
            .unwrap();
        assert_eq!(availability.get(&team.bruno.id), Some(&Availability::Away));
        assert_eq!(
            availability.get(&team.ana.id),
            Some(&Availability::Available)
        );
    }
}

#[tokio::test]
async fn a_members_automatic_inboxes_are_the_ones_not_manual() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let sales =
            support::new_inbox(&store, &team.workspace, "Sales", &[&team.ana, &team.bruno]).await;
        let mut reader = store.read().await.unwrap();
        let none = assignment::automatic_inboxes_of(&mut reader.conn(), &team.ana.id)
            .await
            .unwrap();
        assert!(none.is_empty(), "every inbox is manual: {none:?}");
        drop(reader);
        let mut tx = store.begin().await.unwrap();
        let balanced = AssignmentPolicy {
            mode: AssignmentMode::Balanced,
            cap: None,
            fallback: None,
        };
        assignment::set_policy(&mut tx, &sales.id, &balanced, millis_now())
            .await
            .unwrap();
        // Set back to manual: a row, but not automatic.
        assignment::set_policy(
            &mut tx,
            &team.inbox.id,
            &AssignmentPolicy::default(),
            millis_now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut reader = store.read().await.unwrap();
        let anas = assignment::automatic_inboxes_of(&mut reader.conn(), &team.ana.id)
            .await
            .unwrap();
        assert_eq!(anas, [(team.workspace.id.clone(), sales.id.clone())]);
        let admins = assignment::automatic_inboxes_of(&mut reader.conn(), &team.admin.id)
            .await
            .unwrap();
        assert!(admins.is_empty(), "not a member of Sales");
    }
}

/// Auto-assignment reads an inbox's Unassigned queue oldest first from its
/// own index (migration 0026), in order: never every open conversation of
/// the workspace, never a sort of the whole queue.
#[tokio::test]
async fn the_unassigned_queue_is_read_oldest_first_from_its_own_index() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut tx = store.begin().await.unwrap();
        store::testing::discourage_scans(&mut tx).await.unwrap();
        let plan = assignment::explain_waiting(&mut tx.conn(), &team.workspace.id, &team.inbox.id)
            .await
            .unwrap();
        let text = plan.join("\n");
        assert!(
            plan.iter().any(|line| {
                line.contains("USING INDEX conversations_unassigned_by_created ")
                    || line.contains("using conversations_unassigned_by_created on conversations")
            }),
            "the queue's index is read:\n{text}"
        );
        assert!(
            !plan.iter().any(|line| line.contains("TEMP B-TREE")
                || line
                    .trim_start()
                    .trim_start_matches("->  ")
                    .starts_with("Sort")),
            "the queue is read in order, not sorted:\n{text}"
        );
    }
}

//! Who is assigned what: the list that goes back to the Unassigned queue
//! when someone leaves an inbox or the workspace.

use domain::Status;
use store::conversations;

use crate::support::{self, new_contact, new_inbox};

#[tokio::test]
async fn someones_assigned_conversations_are_the_ones_not_closed() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let sales = new_inbox(&store, &team.workspace, "Sales", &[&team.ana]).await;
        let dora = new_contact(&store, &team.workspace, "Dora", "+14155550102").await;
        let mut make = Vec::new();
        // Ana's open one in Support, her closed one, Bruno's, and Ana's in Sales.
        for (inbox, contact, assignee, status) in [
            (&team.inbox, &team.contact, &team.ana, Status::Open),
            (&team.inbox, &dora, &team.ana, Status::Closed),
            (&team.inbox, &dora, &team.bruno, Status::Pending),
            (&sales, &team.contact, &team.ana, Status::Resolved),
        ] {
            let mut conversation = support::conversation_value(inbox, contact);
            conversation.assignee_id = Some(assignee.id.clone());
            conversation.status = status;
            make.push(conversation);
        }
        let mut tx = store.begin().await.unwrap();
        for conversation in &make {
            conversations::insert(&mut tx, conversation, None, conversation.created_at)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let ids = |list: Vec<domain::Conversation>| {
            let mut ids: Vec<_> = list.into_iter().map(|c| c.id).collect();
            ids.sort();
            ids
        };
        let in_support = conversations::assigned_to(
            &mut reader.conn(),
            &team.workspace.id,
            Some(&team.inbox.id),
            &team.ana.id,
        )
        .await
        .unwrap();
        assert_eq!(ids(in_support), vec![make[0].id.clone()]);
        let everywhere =
            conversations::assigned_to(&mut reader.conn(), &team.workspace.id, None, &team.ana.id)
                .await
                .unwrap();
        let mut expected = vec![make[0].id.clone(), make[3].id.clone()];
        expected.sort();
        assert_eq!(ids(everywhere), expected);
        let nobody = conversations::assigned_to(
            &mut reader.conn(),
            &team.workspace.id,
            None,
            &team.admin.id,
        )
        .await
        .unwrap();
        assert!(nobody.is_empty());
    }
}

mod auto;

//! The bench's bulk loader (`store::bulk`): what it writes reads back as
//! written, and the database is whole again after it (PostgreSQL streams
//! the rows with `COPY` and builds the secondary indexes at the end).

use domain::MessageId;
use store::bulk::{Batch, ContactRow, ConversationRow, CursorRow, EventRow, Loader, MessageRow};
use store::{messages, queue, InboxScope};

use crate::support::{self, millis_now};

/// Text with every character `COPY`'s text format gives a meaning to.
const AWKWARD: &str = "tab\there, back\\slash, \\N, line\ntwo\r\nand é ✓";

#[tokio::test]
async fn a_bulk_load_stores_text_as_written_and_leaves_every_index_in_place() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let indexes_before = index_names(&store).await;
        let now = millis_now().timestamp_millis();
        let (contact_id, conversation_id, message_id) = (
            uuid::Uuid::now_v7().to_string(),
            uuid::Uuid::now_v7().to_string(),
            uuid::Uuid::now_v7().to_string(),
        );
        let batch = Batch {
            contacts: vec![ContactRow {
                id: contact_id.clone(),
                workspace_id: team.workspace.id.to_string(),
                name: format!("Zoë\t{AWKWARD}"),
                phone: Some("+15550001234".into()),
                email: None,
                owner_id: Some(team.ana.id.to_string()),
                created_at: now,
            }],
            conversations: vec![ConversationRow {
                id: conversation_id.clone(),
                workspace_id: team.workspace.id.to_string(),
                inbox_id: team.inbox.id.to_string(),
                channel_id: None,
                contact_id,
                status: "open",
                priority: "none",
                priority_rank: 0,
                assignee_id: Some(team.ana.id.to_string()),
                snoozed_until: None,
                created_at: now,
                last_activity_at: now,
                last_inbound_at: Some(now),
                resolved_at: None,
                last_message_id: Some(message_id.clone()),
                inbound_version: 1,
                contact_owner_id: Some(team.ana.id.to_string()),
            }],
            tags: vec![(conversation_id.clone(), "billing".into())],
            messages: vec![MessageRow {
                id: message_id.clone(),
                conversation_id: conversation_id.clone(),
                channel_id: None,
                kind: "inbound",
                author_id: None,
                body: AWKWARD.into(),
                delivery_status: None,
                created_at: now,
            }],
            events: vec![EventRow {
                workspace_id: team.workspace.id.to_string(),
                inbox_id: team.inbox.id.to_string(),
                conversation_id: conversation_id.clone(),
                actor_id: None,
                kind: "created",
                data: "{\"type\":\"created\"}".into(),
                created_at: now,
            }],
            cursors: vec![CursorRow {
                conversation_id: conversation_id.clone(),
                reader: team.ana.id.to_string(),
                read_at: now,
            }],
        };
        let mut loader = Loader::start(&store).await.unwrap();
        loader.write(&batch).await.unwrap();
        loader.finish().await.unwrap();

        let mut reader = store.read().await.unwrap();
        let message = messages::get(&mut reader.conn(), &MessageId::from_trusted(message_id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(message.body.as_str(), AWKWARD, "{:?}", store.backend());
        // The contact's owner went in with the conversation: it is on
        // the owner's list.
        let owned = queue::ConversationFilter {
            contact_owner: Some(team.ana.id.clone()),
            ..queue::ConversationFilter::new(
                team.workspace.id.clone(),
                team.admin.id.clone(),
                InboxScope::All,
            )
        };
        let listed = queue::list(&mut reader.conn(), &owned, 10, None)
            .await
            .unwrap();
        assert_eq!(
            listed
                .items
                .iter()
                .map(|i| i.conversation.id.as_str())
                .collect::<Vec<_>>(),
            [conversation_id.as_str()],
            "{:?}",
            store.backend()
        );
        drop(reader);
        assert_eq!(
            index_names(&store).await,
            indexes_before,
            "{:?}",
            store.backend()
        );
        assert_eq!(store::bulk::counter_drift(&store).await.unwrap(), 0);
    }
}

/// The names of the indexes on the tables the loader writes, sorted.
async fn index_names(store: &store::Store) -> Vec<String> {
    let sql = match store.backend() {
        store::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN
             ('contacts', 'conversations', 'conversation_tags', 'messages', 'events', 'read_cursors')
             ORDER BY name"
        }
        store::Backend::Postgres => {
            "SELECT indexname::text FROM pg_indexes WHERE tablename IN
             ('contacts', 'conversations', 'conversation_tags', 'messages', 'events', 'read_cursors')
             ORDER BY indexname"
        }
    };
    let mut reader = store.read().await.unwrap();
    store::on_backend!(reader.conn(), c => sqlx::query_scalar::<_, String>(sql).fetch_all(&mut *c).await)
        .unwrap()
}

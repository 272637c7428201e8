//! Inboxes, members with their own order and mute, channels, and deleting
//! an inbox with everything in it.

use std::time::Duration;

use domain::{
    ApiCode, Channel, ChannelId, ChannelKind, EmailAddress, InboxId, Link, LinkId, LinkKind,
    MessageKind, Provider, Registration, Tag, UnreadMode,
};
use store::{channels, inboxes, StoreError};

use crate::support::{self, count_where, millis_now};

#[tokio::test]
async fn an_inbox_reads_back_by_id_and_by_api_code_which_is_unique_per_workspace() {
    for store in support::stores().await {
        let workspace = support::new_workspace(&store, "Acme").await;
        let inbox = support::new_inbox(&store, &workspace, "Sales East", &[]).await;
        let mut reader = store.read().await.unwrap();
        assert_eq!(
            inboxes::get(&mut reader.conn(), &inbox.id)
                .await
                .unwrap()
                .as_ref(),
            Some(&inbox)
        );
        let code = ApiCode::parse("sales-east").unwrap();
        let found = inboxes::by_api_code(&mut reader.conn(), &workspace.id, &code)
            .await
            .unwrap();
        assert_eq!(found.as_ref(), Some(&inbox));
        let other_code = ApiCode::parse("nope").unwrap();
        assert_eq!(
            inboxes::by_api_code(&mut reader.conn(), &workspace.id, &other_code)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            inboxes::get(&mut reader.conn(), &InboxId::generate())
                .await
                .unwrap(),
            None
        );

        let same_code = support::inbox_value(&workspace, "Sales-East");
        let mut tx = store.begin().await.unwrap();
        let refused = inboxes::create(&mut tx, &same_code).await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate(_))),
            "{refused:?}"
        );
        tx.commit().await.unwrap();
        // Codes are per workspace.
        let elsewhere = support::new_workspace(&store, "Globex").await;
        support::new_inbox(&store, &elsewhere, "Sales East", &[]).await;

        let mut changed = inbox.clone();
        changed.name = "Sales West".into();
        changed.api_code = ApiCode::parse("sales-west").unwrap();
        changed.unread_mode = UnreadMode::Shared;
        changed.registration = Registration::Pending;
        changed.forward_to_email = Some(EmailAddress::parse("sales@acme.example").unwrap());
        changed.auto_close_secs = 3600;
        let mut tx = store.begin().await.unwrap();
        inboxes::update(&mut tx, &changed).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            inboxes::get(&mut reader.conn(), &inbox.id).await.unwrap(),
            Some(changed.clone())
        );

        let missing = support::inbox_value(&workspace, "Ghost");
        let mut tx = store.begin().await.unwrap();
        let refused = inboxes::update(&mut tx, &missing).await;
        assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
        drop(tx);
        let support_inbox = support::new_inbox(&store, &workspace, "Support", &[]).await;
        let mut taken = support_inbox.clone();
        taken.api_code = changed.api_code.clone();
        let mut tx = store.begin().await.unwrap();
        let refused = inboxes::update(&mut tx, &taken).await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate(_))),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn members_are_added_once_listed_and_removed() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let mut tx = store.begin().await.unwrap();
        // Adding twice changes nothing.
        inboxes::add_member(&mut tx, &team.inbox.id, &team.ana.id, millis_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut reader = store.read().await.unwrap();
        let members = inboxes::members(&mut reader.conn(), &team.inbox.id)
            .await
            .unwrap();
        let ids: Vec<_> = members.iter().map(|m| &m.user_id).collect();
        assert_eq!(ids, [&team.ana.id, &team.bruno.id]);
        assert!(members
            .iter()
            .all(|m| m.inbox_id == team.inbox.id && !m.muted));
        assert!(
            inboxes::is_member(&mut reader.conn(), &team.inbox.id, &team.ana.id)
                .await
                .unwrap()
        );
        assert!(
            !inboxes::is_member(&mut reader.conn(), &team.inbox.id, &team.admin.id)
                .await
                .unwrap()
        );

        let mut tx = store.begin().await.unwrap();
        assert!(
            inboxes::remove_member(&mut tx, &team.inbox.id, &team.bruno.id)
                .await
                .unwrap()
        );
        assert!(
            !inboxes::remove_member(&mut tx, &team.inbox.id, &team.bruno.id)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        assert!(
            !inboxes::is_member(&mut reader.conn(), &team.inbox.id, &team.bruno.id)
                .await
                .unwrap()
        );
        assert_eq!(
            inboxes::members(&mut reader.conn(), &team.inbox.id)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn each_member_orders_and_mutes_inboxes_for_themselves() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let (ana, bruno) = (&team.ana, &team.bruno);
        let sales = support::new_inbox(&store, &team.workspace, "Sales", &[ana, bruno]).await;
        let billing = support::new_inbox(&store, &team.workspace, "Billing", &[ana]).await;
        let archive = support::new_inbox(&store, &team.workspace, "Archive", &[]).await;
        let names = |views: &[inboxes::InboxView]| -> Vec<String> {
            views.iter().map(|v| v.inbox.name.clone()).collect()
        };
        let ws = &team.workspace.id;

        let mut reader = store.read().await.unwrap();
        let anas = inboxes::visible_to(&mut reader.conn(), ws, &ana.id, false)
            .await
            .unwrap();
        assert_eq!(
            names(&anas),
            ["Support", "Sales", "Billing"],
            "in the order joined"
        );
        assert_eq!(
            anas.iter().map(|v| v.position).collect::<Vec<_>>(),
            [0, 1, 2]
        );

        let mut tx = store.begin().await.unwrap();
        // Archive is not Ana's: it is ignored, not added.
        let order = [
            billing.id.clone(),
            archive.id.clone(),
            team.inbox.id.clone(),
            sales.id.clone(),
        ];
        inboxes::set_order(&mut tx, &ana.id, &order).await.unwrap();
        assert!(inboxes::set_muted(&mut tx, &sales.id, &ana.id, true)
            .await
            .unwrap());
        assert!(!inboxes::set_muted(&mut tx, &archive.id, &ana.id, true)
            .await
            .unwrap());
        tx.commit().await.unwrap();

        let anas = inboxes::visible_to(&mut reader.conn(), ws, &ana.id, false)
            .await
            .unwrap();
        assert_eq!(names(&anas), ["Billing", "Support", "Sales"]);
        assert!(anas.iter().all(|v| v.member));
        assert_eq!(
            anas.iter().map(|v| v.muted).collect::<Vec<_>>(),
            [false, false, true]
        );
        assert_eq!(
            count_where(&store, "inbox_members", "inbox_id", archive.id.as_str()).await,
            0
        );

        // Bruno's view is his own.
        let brunos = inboxes::visible_to(&mut reader.conn(), ws, &bruno.id, false)
            .await
            .unwrap();
        assert_eq!(names(&brunos), ["Support", "Sales"]);
        assert!(brunos.iter().all(|v| !v.muted));

        // With `all`, the inboxes one is not in follow, by name.
        let anas_all = inboxes::visible_to(&mut reader.conn(), ws, &ana.id, true)
            .await
            .unwrap();
        assert_eq!(names(&anas_all), ["Billing", "Support", "Sales", "Archive"]);
        assert!(!anas_all[3].member);
        let admins = inboxes::visible_to(&mut reader.conn(), ws, &team.admin.id, true)
            .await
            .unwrap();
        assert_eq!(names(&admins), ["Archive", "Billing", "Sales", "Support"]);
        assert!(admins
            .iter()
            .all(|v| !v.member && !v.muted && v.position == 0));
        let admin_own = inboxes::visible_to(&mut reader.conn(), ws, &team.admin.id, false)
            .await
            .unwrap();
        assert!(admin_own.is_empty());

        // A new membership goes after the user's last inbox.
        let mut tx = store.begin().await.unwrap();
        inboxes::add_member(&mut tx, &archive.id, &ana.id, millis_now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let anas = inboxes::visible_to(&mut reader.conn(), ws, &ana.id, false)
            .await
            .unwrap();
        assert_eq!(names(&anas), ["Billing", "Support", "Sales", "Archive"]);
    }
}

fn channel_value(inbox: &domain::Inbox, kind: ChannelKind, address: &str) -> Channel {
    Channel {
        id: ChannelId::generate(),
        inbox_id: inbox.id.clone(),
        kind,
        provider: if kind == ChannelKind::Sms {
            Provider::Twilio
        } else {
            Provider::Smtp
        },
        address: address.into(),
        settings: r#"{"account_sid":"AC1"}"#.into(),
        created_at: millis_now(),
    }
}

#[tokio::test]
async fn a_channel_address_is_connected_once_and_routes_to_its_inbox() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let sms = channel_value(&team.inbox, ChannelKind::Sms, "+14155550190");
        let email = channel_value(&team.inbox, ChannelKind::Email, "help@acme.example");
        let elsewhere = support::new_team(&store).await;
        let mut tx = store.begin().await.unwrap();
        channels::create(&mut tx, &sms).await.unwrap();
        channels::create(&mut tx, &email).await.unwrap();
        // The same number again, even for another workspace's inbox, is refused.
        let taken = channel_value(&elsewhere.inbox, ChannelKind::Sms, "+14155550190");
        let refused = channels::create(&mut tx, &taken).await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate(_))),
            "{refused:?}"
        );
        tx.commit().await.unwrap();

        let mut reader = store.read().await.unwrap();
        assert_eq!(
            channels::get(&mut reader.conn(), &sms.id).await.unwrap(),
            Some(sms.clone())
        );
        let routed = channels::by_address(&mut reader.conn(), ChannelKind::Sms, "+14155550190")
            .await
            .unwrap();
        assert_eq!(routed.map(|c| c.inbox_id), Some(team.inbox.id.clone()));
        let wrong_kind =
            channels::by_address(&mut reader.conn(), ChannelKind::Email, "+14155550190")
                .await
                .unwrap();
        assert_eq!(wrong_kind, None);
        let all = channels::for_inbox(&mut reader.conn(), &team.inbox.id)
            .await
            .unwrap();
        assert_eq!(all, vec![sms.clone(), email.clone()]);

        // Disconnecting keeps the messages that came through it.
        let conversation = support::new_conversation(&store, &team.inbox, &team.contact).await;
        let message = support::message_value(&conversation, MessageKind::Inbound, "Hi");
        let mut tx = store.begin().await.unwrap();
        store::messages::insert(&mut tx, &message, Some(&sms.id), &conversation)
            .await
            .unwrap();
        assert!(channels::delete(&mut tx, &sms.id).await.unwrap());
        assert!(!channels::delete(&mut tx, &sms.id).await.unwrap());
        tx.commit().await.unwrap();
        let kept = store::messages::get(&mut reader.conn(), &message.id)
            .await
            .unwrap();
        assert_eq!(kept, Some(message));
        assert_eq!(
            channels::for_inbox(&mut reader.conn(), &team.inbox.id)
                .await
                .unwrap(),
            vec![email]
        );
    }
}

/// Tables that hold rows of an inbox, each with the SQL that counts the rows
/// belonging to the inbox `$1` (directly or through its conversations).
const INBOX_ROWS: &[(&str, &str)] = &[
    ("inboxes", "SELECT COUNT(*) FROM inboxes WHERE id = $1"),
    (
        "inbox_members",
        "SELECT COUNT(*) FROM inbox_members WHERE inbox_id = $1",
    ),
    (
        "channels",
        "SELECT COUNT(*) FROM channels WHERE inbox_id = $1",
    ),
    (
        "conversations",
        "SELECT COUNT(*) FROM conversations WHERE inbox_id = $1",
    ),
    ("events", "SELECT COUNT(*) FROM events WHERE inbox_id = $1"),
];

/// Tables whose rows belong to a conversation: counted for the conversation `$1`.
const CONVERSATION_ROWS: &[&str] = &[
    "messages",
    "events",
    "conversation_tags",
    "links",
    "read_cursors",
    "reply_locks",
    "presence",
    "jobs",
];

#[tokio::test]
async fn deleting_an_inbox_leaves_no_row_behind() {
    for store in support::stores().await {
        let team = support::new_team(&store).await;
        let kept = support::new_inbox(&store, &team.workspace, "Kept", &[&team.ana]).await;
        let kept_conversation = support::new_conversation(&store, &kept, &team.contact).await;
        let sms = channel_value(&team.inbox, ChannelKind::Sms, "+14155550191");
        let mut tx = store.begin().await.unwrap();
        channels::create(&mut tx, &sms).await.unwrap();
        tx.commit().await.unwrap();

        // A closed conversation and its successor, with a bit of everything.
        let mut first = support::conversation_value(&team.inbox, &team.contact);
        first.status = domain::Status::Closed;
        first.channel_id = Some(sms.id.clone());
        let mut current = support::conversation_value(&team.inbox, &team.contact);
        current.previous_id = Some(first.id.clone());
        current.channel_id = Some(sms.id.clone());
        current.tags = vec![Tag::parse("vip").unwrap()];
        let now = millis_now();
        let mut tx = store.begin().await.unwrap();
        store::conversations::insert(&mut tx, &first, None, now)
            .await
            .unwrap();
        store::conversations::insert(&mut tx, &current, None, now)
            .await
            .unwrap();
        let mut inbound = support::message_value(&current, MessageKind::Inbound, "Hi");
        inbound.provider_id = Some("SM-1".into());
        store::messages::insert(&mut tx, &inbound, Some(&sms.id), &current)
            .await
            .unwrap();
        current.version += 1;
        let link = Link {
            id: LinkId::generate(),
            conversation_id: current.id.clone(),
            kind: LinkKind::Ticket,
            external_id: "T-1".into(),
            url: "https://tickets.example.com/1".into(),
            title: "Ticket".into(),
            created_at: now,
        };
        store::links::add(&mut tx, &link, &current, None, now)
            .await
            .unwrap();
        let reader_cursor = store::cursors::reader_for(UnreadMode::PerUser, &team.ana.id);
        store::cursors::mark_read(&mut tx, &current.id, &reader_cursor, now)
            .await
            .unwrap();
        store::locks::acquire(
            &mut tx,
            &current,
            &team.ana.id,
            now,
            Duration::from_secs(90),
        )
        .await
        .unwrap();
        store::presence::touch(&mut tx, &current.id, &team.bruno.id, now)
            .await
            .unwrap();
        let job = store::jobs::NewJob::new("send_sms", serde_json::json!({}), now)
            .with_conversation(current.id.clone());
        store::jobs::enqueue(&mut tx, job).await.unwrap();
        tx.commit().await.unwrap();

        for (table, sql) in INBOX_ROWS {
            let rows = support::scalar(&store, sql, team.inbox.id.as_str()).await;
            assert!(rows > 0, "the fixture has no {table} row to delete");
        }
        for table in CONVERSATION_ROWS {
            let rows = count_where(&store, table, "conversation_id", current.id.as_str()).await;
            assert!(rows > 0, "the fixture has no {table} row to delete");
        }

        let mut tx = store.begin().await.unwrap();
        assert!(inboxes::delete(&mut tx, &team.inbox.id).await.unwrap());
        tx.commit().await.unwrap();

        for (table, sql) in INBOX_ROWS {
            let rows = support::scalar(&store, sql, team.inbox.id.as_str()).await;
            assert_eq!(rows, 0, "{table} rows of the deleted inbox remain");
        }
        for conversation in [&first, &current] {
            for table in CONVERSATION_ROWS {
                let rows =
                    count_where(&store, table, "conversation_id", conversation.id.as_str()).await;
                assert_eq!(rows, 0, "{table} rows of a deleted conversation remain");
            }
        }
        assert_eq!(
            count_where(&store, "messages", "id", inbound.id.as_str()).await,
            0
        );
        // The rest of the workspace is untouched.
        assert_eq!(
            count_where(&store, "conversations", "id", kept_conversation.id.as_str()).await,
            1
        );
        assert_eq!(
            count_where(&store, "inbox_members", "inbox_id", kept.id.as_str()).await,
            1
        );
        assert_eq!(
            count_where(&store, "contacts", "id", team.contact.id.as_str()).await,
            1
        );
        let mut tx = store.begin().await.unwrap();
        assert!(!inboxes::delete(&mut tx, &team.inbox.id).await.unwrap());
    }
}

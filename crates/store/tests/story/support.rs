//! Shared setup for the story suite.

use store::{Backend, Store};

/// A fresh, migrated store for each backend this machine has. PostgreSQL is
/// skipped (loudly) only when it is unreachable and `CI` is not `true`.
pub async fn stores() -> Vec<Store> {
    let mut stores = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        match store::testing::fresh_store(backend).await {
            Ok(Some(store)) => stores.push(store),
            Ok(None) => {}
            Err(err) => panic!("cannot open a fresh {} store: {err}", backend.name()),
        }
    }
    stores
}

/// A committed user called `name`, with a unique address derived from it.
#[allow(clippy::expect_used)] // test fixture: a failure is the test's failure
pub async fn new_user(store: &Store, name: &str) -> domain::User {
    let slug: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let unique = uuid::Uuid::now_v7().simple().to_string();
    let email = format!("{slug}.{}@example.com", &unique[unique.len() - 8..]);
    let user = domain::User {
        id: domain::UserId::generate(),
        email: domain::EmailAddress::parse(&email).expect("a fixture address parses"),
        name: name.to_string(),
        created_at: millis_now(),
    };
    let mut tx = store.begin().await.expect("begin");
    store::users::create(&mut tx, &user, None)
        .await
        .expect("create user");
    tx.commit().await.expect("commit");
    user
}

/// A committed workspace called `name` (with no members).
#[allow(clippy::expect_used)] // test fixture: a failure is the test's failure
pub async fn new_workspace(store: &Store, name: &str) -> domain::Workspace {
    let workspace = domain::Workspace {
        id: domain::WorkspaceId::generate(),
        name: name.to_string(),
        created_at: millis_now(),
    };
    let mut tx = store.begin().await.expect("begin");
    store::workspaces::create(&mut tx, &workspace)
        .await
        .expect("create workspace");
    tx.commit().await.expect("commit");
    workspace
}

/// A committed user called `name` who belongs to `workspace` with `role`.
#[allow(clippy::expect_used)] // test fixture: a failure is the test's failure
pub async fn new_member(
    store: &Store,
    workspace: &domain::Workspace,
    name: &str,
    role: domain::Role,
) -> domain::User {
    let user = new_user(store, name).await;
    let mut tx = store.begin().await.expect("begin");
    store::workspaces::add_member(&mut tx, &workspace.id, &user.id, role, millis_now())
        .await
        .expect("add member");
    tx.commit().await.expect("commit");
    user
}

/// Now, cut to the milliseconds the store keeps, so values read back compare equal.
pub fn millis_now() -> domain::Timestamp {
    at_millis(chrono::Utc::now().timestamp_millis())
}

/// The instant `millis` after the epoch.
#[allow(clippy::expect_used)] // test fixture: a failure is the test's failure
pub fn at_millis(millis: i64) -> domain::Timestamp {
    chrono::DateTime::from_timestamp_millis(millis).expect("a timestamp in range")
}

/// Runs `sql`, which takes one text bind `$1`, and returns its single
/// BIGINT/COUNT result: for looking at what is stored behind the store's back.
#[allow(clippy::expect_used)] // test fixture: a failure is the test's failure
pub async fn scalar(store: &Store, sql: &str, arg: &str) -> i64 {
    let mut reader = store.read().await.expect("reader");
    store::on_backend!(reader.conn(), c => sqlx::query_scalar::<_, i64>(sql)
        .bind(arg)
        .fetch_one(&mut *c)
        .await)
    .expect("scalar query")
}

/// A workspace with two agents (Ana, Bruno) and an admin, an inbox "Support"
/// that the agents belong to, and a contact (Carla) who can write in.
#[derive(Debug, Clone)]
pub struct Team {
    /// The workspace.
    pub workspace: domain::Workspace,
    /// An agent, member of `inbox`.
    pub ana: domain::User,
    /// Another agent, member of `inbox`.
    pub bruno: domain::User,
    /// An admin, not a member of `inbox`.
    pub admin: domain::User,
    /// The team's inbox.
    pub inbox: domain::Inbox,
    /// A customer.
    pub contact: domain::Contact,
}

/// Commits a [`Team`].
pub async fn new_team(store: &Store) -> Team {
    let workspace = new_workspace(store, "Acme").await;
    let ana = new_member(store, &workspace, "Ana", domain::Role::Agent).await;
    let bruno = new_member(store, &workspace, "Bruno", domain::Role::Agent).await;
    let admin = new_member(store, &workspace, "Alex Admin", domain::Role::Admin).await;
    let inbox = new_inbox(store, &workspace, "Support", &[&ana, &bruno]).await;
    let contact = new_contact(store, &workspace, "Carla", "+14155550101").await;
    Team {
        workspace,
        ana,
        bruno,
        admin,
        inbox,
        contact,
    }
}

/// An inbox called `name` in `workspace`, not yet stored; its api code is
/// derived from the name.
pub fn inbox_value(workspace: &domain::Workspace, name: &str) -> domain::Inbox {
    domain::Inbox {
        emoji: "📬".to_string(),
        color: "#3366ff".to_string(),
        purpose: domain::Purpose::Support,
        ..domain::Inbox::shared(&workspace.id, name, millis_now())
    }
}

/// A committed inbox called `name` with `members` (in that order).
pub async fn new_inbox(
    store: &Store,
    workspace: &domain::Workspace,
    name: &str,
    members: &[&domain::User],
) -> domain::Inbox {
    let inbox = inbox_value(workspace, name);
    let mut tx = store.begin().await.expect("begin");
    store::inboxes::create(&mut tx, &inbox)
        .await
        .expect("create inbox");
    for member in members {
        store::inboxes::add_member(&mut tx, &inbox.id, &member.id, millis_now())
            .await
            .expect("add inbox member");
    }
    tx.commit().await.expect("commit");
    inbox
}

/// A contact called `name` with an E.164 `phone`, not yet stored.
pub fn contact_value(workspace: &domain::Workspace, name: &str, phone: &str) -> domain::Contact {
    let now = millis_now();
    domain::Contact {
        id: domain::ContactId::generate(),
        workspace_id: workspace.id.clone(),
        name: name.to_string(),
        phone: Some(domain::PhoneNumber::parse(phone, "US").expect("a fixture number parses")),
        email: None,
        owner_id: None,
        opted_out_at: None,
        simulated: false,
        created_at: now,
        updated_at: now,
    }
}

/// A committed contact called `name` with an E.164 `phone`.
pub async fn new_contact(
    store: &Store,
    workspace: &domain::Workspace,
    name: &str,
    phone: &str,
) -> domain::Contact {
    let contact = contact_value(workspace, name, phone);
    let mut tx = store.begin().await.expect("begin");
    store::contacts::create(&mut tx, &contact)
        .await
        .expect("create contact");
    tx.commit().await.expect("commit");
    contact
}

/// A committed simulated phone (a contact the simulator plays) called `name`.
pub async fn new_simulated_contact(
    store: &Store,
    workspace: &domain::Workspace,
    name: &str,
    phone: &str,
) -> domain::Contact {
    let contact = domain::Contact {
        simulated: true,
        ..contact_value(workspace, name, phone)
    };
    let mut tx = store.begin().await.expect("begin");
    store::contacts::create(&mut tx, &contact)
        .await
        .expect("create contact");
    tx.commit().await.expect("commit");
    contact
}

/// A `new`, unassigned conversation of `contact` in `inbox`, not yet stored.
pub fn conversation_value(
    inbox: &domain::Inbox,
    contact: &domain::Contact,
) -> domain::Conversation {
    let now = millis_now();
    domain::Conversation {
        id: domain::ConversationId::generate(),
        workspace_id: inbox.workspace_id.clone(),
        inbox_id: inbox.id.clone(),
        channel_id: None,
        contact_id: contact.id.clone(),
        status: domain::Status::New,
        priority: domain::Priority::None,
        assignee_id: None,
        subject: None,
        snoozed_until: None,
        previous_id: None,
        tags: Vec::new(),
        version: 1,
        inbound_version: 0,
        created_at: now,
        last_activity_at: now,
        last_inbound_at: None,
        resolved_at: None,
        sla: None,
    }
}

/// A committed `new` conversation of `contact` in `inbox` (with its `Created` event).
pub async fn new_conversation(
    store: &Store,
    inbox: &domain::Inbox,
    contact: &domain::Contact,
) -> domain::Conversation {
    let conversation = conversation_value(inbox, contact);
    let mut tx = store.begin().await.expect("begin");
    store::conversations::insert(&mut tx, &conversation, None, conversation.created_at)
        .await
        .expect("insert conversation");
    tx.commit().await.expect("commit");
    conversation
}

/// A message of `kind` in `conversation`, not yet stored. Outbound messages
/// start `queued`; the author is left empty.
pub fn message_value(
    conversation: &domain::Conversation,
    kind: domain::MessageKind,
    body: &str,
) -> domain::Message {
    domain::Message {
        id: domain::MessageId::generate(),
        conversation_id: conversation.id.clone(),
        kind,
        author_id: None,
        body: domain::MessageBody::parse(body, false).expect("a fixture body parses"),
        attachments: Vec::new(),
        delivery: (kind == domain::MessageKind::Outbound).then_some(domain::DeliveryStatus::Queued),
        provider_id: None,
        error_code: None,
        error_message: None,
        automatic: false,
        send_at: None,
        created_at: millis_now(),
    }
}

/// Commits a message of `kind` in `conversation` (no channel) and moves
/// `conversation.version` on as the store did, so it can be used again.
pub async fn new_message(
    store: &Store,
    conversation: &mut domain::Conversation,
    kind: domain::MessageKind,
    body: &str,
) -> domain::Message {
    let message = message_value(conversation, kind, body);
    let mut tx = store.begin().await.expect("begin");
    store::messages::insert(&mut tx, &message, None, conversation)
        .await
        .expect("insert message");
    tx.commit().await.expect("commit");
    conversation.version += 1;
    message
}

/// How many rows of `table` have `column` = `value`.
pub async fn count_where(store: &Store, table: &str, column: &str, value: &str) -> i64 {
    scalar(
        store,
        &format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"),
        value,
    )
    .await
}

/// Commits `conversation` as given (any status, assignee, priority, tags and
/// times), with its `Created` event.
pub async fn store_conversation(store: &Store, conversation: &domain::Conversation) {
    let mut tx = store.begin().await.expect("begin");
    store::conversations::insert(&mut tx, conversation, None, conversation.created_at)
        .await
        .expect("insert conversation");
    tx.commit().await.expect("commit");
}

/// Commits a message of `kind` written `at` in `conversation` and updates
/// `conversation` as the store did (version, last activity, last inbound).
pub async fn new_message_at(
    store: &Store,
    conversation: &mut domain::Conversation,
    kind: domain::MessageKind,
    body: &str,
    at: domain::Timestamp,
) -> domain::Message {
    let mut message = message_value(conversation, kind, body);
    message.created_at = at;
    let mut tx = store.begin().await.expect("begin");
    store::messages::insert(&mut tx, &message, None, conversation)
        .await
        .expect("insert message");
    tx.commit().await.expect("commit");
    conversation.version += 1;
    conversation.last_activity_at = conversation.last_activity_at.max(at);
    if kind == domain::MessageKind::Inbound {
        conversation.last_inbound_at = conversation.last_inbound_at.max(Some(at));
    }
    // Every customer-visible message moves the version a reply must have seen.
    if kind.is_customer_visible() {
        conversation.inbound_version = conversation.version;
    }
    message
}

/// Commits `contact` as given (for example with an owner or an email).
pub async fn store_contact(store: &Store, contact: &domain::Contact) {
    let mut tx = store.begin().await.expect("begin");
    store::contacts::create(&mut tx, contact)
        .await
        .expect("create contact");
    tx.commit().await.expect("commit");
}

/// Runs `statements` on PostgreSQL, each in its own transaction.
#[allow(clippy::expect_used)] // test fixture: a failure is the test's failure
pub async fn postgres_sql(store: &Store, statements: &[String]) {
    for sql in statements {
        let mut tx = store.begin().await.expect("begin");
        if let store::Conn::Postgres(c) = tx.conn() {
            sqlx::query(sql).execute(&mut *c).await.expect("statement");
        }
        tx.commit().await.expect("commit");
    }
}

/// A committed simulator SMS channel with `number`, into the team's inbox.
pub async fn sms_channel(store: &Store, team: &Team, number: &str) -> domain::Channel {
    let channel = domain::Channel {
        id: domain::ChannelId::generate(),
        inbox_id: team.inbox.id.clone(),
        kind: domain::ChannelKind::Sms,
        provider: domain::Provider::Simulator,
        address: number.into(),
        settings: "{}".into(),
        created_at: millis_now(),
    };
    let mut tx = store.begin().await.expect("begin");
    store::channels::create(&mut tx, &channel)
        .await
        .expect("create channel");
    tx.commit().await.expect("commit");
    channel
}

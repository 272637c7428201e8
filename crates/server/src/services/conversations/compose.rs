//! Writing first: a new message to a customer, from an inbox, by phone
//! number (`POST /conversations`, and `/compose` links from CRMs).

use domain::{
    Action, ApiCode, Channel, ChannelId, ChannelKind, Contact, ContactId, Conversation,
    ConversationId, EventKind, Inbox, InboxId, Message, MessageBody, MessageKind, PhoneNumber,
    Registration, Status, User, WorkspaceId,
};
use store::StoreError;

use crate::services::access::{self, Principal};
use crate::services::messages::{locked_by, refuse_sending, Draft, Post};
use crate::services::providers;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How often a compose is retried when a concurrent one (or an inbound
/// message) created the contact or the conversation first.
const ATTEMPTS: usize = 3;

/// Which inbox to write from.
#[derive(Debug, Clone)]
pub enum InboxRef {
    /// By id.
    Id(InboxId),
    /// By its short code (`/compose?inbox=support`).
    ApiCode(ApiCode),
}

/// A new outbound message.
#[derive(Debug, Clone)]
pub struct Compose {
    /// The inbox it is sent from.
    pub inbox: InboxRef,
    /// The number it is sent from; the inbox's first SMS channel when absent.
    pub channel_id: Option<ChannelId>,
    /// The customer's number.
    pub to: PhoneNumber,
    /// The text.
    pub body: MessageBody,
}

/// What a compose did.
#[derive(Debug, Clone)]
pub struct Composed {
    /// The conversation the message went into.
    pub conversation: Conversation,
    /// The reply, queued for delivery.
    pub message: Message,
    /// Whether the conversation was created by this compose.
    pub created: bool,
}

/// Sends a first message to `to` from an inbox. The contact is found by
/// number or created; the contact's conversation in the inbox that is not
/// closed is reused, otherwise a new one is created, assigned to the writer
/// and `resolved`: an outbound-first conversation waits in Done until the
/// customer answers, which reopens it in the writer's queue. Everything is
/// written in one transaction, with the same refusals as a reply.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn compose(
    state: &AppState,
    who: &Principal,
    compose: Compose,
) -> Result<Composed, ServiceError> {
    let (inbox, channel) = {
        let mut reader = state.store.read().await?;
        let mut conn = reader.conn();
        let inbox = resolve_inbox(&mut conn, who, &compose.inbox).await?;
        let channel = resolve_channel(&mut conn, &inbox, compose.channel_id.as_ref()).await?;
        (inbox, channel)
    };
    if inbox.registration != Registration::Approved {
        return Err(ServiceError::conflict(
            "inbox_unregistered",
            "this inbox cannot send until its carrier registration is approved",
        ));
    }
    for _ in 0..ATTEMPTS {
        match attempt(state, who, &inbox, &channel, &compose).await {
            Err(Attempt::Retry) => continue,
            Err(Attempt::Failed(error)) => return Err(error),
            Ok(composed) => return Ok(composed),
        }
    }
    Err(ServiceError::conflict(
        "conflict",
        "the conversation kept changing; try again",
    ))
}

/// Why one attempt did not finish.
enum Attempt {
    /// Someone else wrote the contact or conversation first: read again.
    Retry,
    /// A refusal or a failure, for the client.
    Failed(ServiceError),
}

impl From<ServiceError> for Attempt {
    fn from(error: ServiceError) -> Self {
        Attempt::Failed(error)
    }
}

impl From<StoreError> for Attempt {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate(_) | StoreError::VersionConflict => Attempt::Retry,
            other => Attempt::Failed(other.into()),
        }
    }
}

async fn attempt(
    state: &AppState,
    who: &Principal,
    inbox: &Inbox,
    channel: &Channel,
    compose: &Compose,
) -> Result<Composed, Attempt> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    // Through a simulator number, the number is a simulated phone's.
    let simulated = providers::simulated(channel);
    let found =
        store::contacts::by_phone(&mut tx.conn(), &inbox.workspace_id, &compose.to, simulated)
            .await?;
    let contact = match found {
        Some(contact) => contact,
        None => {
            let contact = Contact {
                id: ContactId::generate(),
                workspace_id: inbox.workspace_id.clone(),
                name: String::new(),
                phone: Some(compose.to.clone()),
                email: None,
                owner_id: None,
                opted_out_at: None,
                simulated,
                created_at: now,
                updated_at: now,
            };
            store::contacts::create(&mut tx, &contact).await?;
            contact
        }
    };
    refuse_sending(inbox, &contact)?;
    let mut events = Vec::new();
    let active = store::conversations::find_active(&mut tx.conn(), &inbox.id, &contact.id).await?;
    let (current, created) = match active {
        Some(current) => {
            if let Some(lock) =
                store::locks::held_by_other(&mut tx.conn(), &current.id, &who.user.id, now).await?
            {
                return Err(locked_by(&mut tx.conn(), &lock.holder_id).await?.into());
            }
            if current.channel_id.is_none() {
                return Err(ServiceError::invalid(
                    "validation",
                    "the contact's conversation in this inbox has no channel to reply on",
                )
                .into());
            }
            (current, false)
        }
        None => {
            let mut conversation = waiting_conversation(inbox, channel, &contact, now);
            events.push(
                store::conversations::insert(&mut tx, &conversation, Some(&who.user.id), now)
                    .await?,
            );
            // Assigned in its own event, so the timeline says who took it.
            let before = conversation.version;
            conversation.assignee_id = Some(who.user.id.clone());
            events.extend(
                store::conversations::update(
                    &mut tx,
                    &conversation,
                    before,
                    Some(&who.user.id),
                    now,
                    vec![EventKind::Assigned {
                        assignee_id: who.user.id.clone(),
                        auto: None,
                    }],
                )
                .await?,
            );
            conversation.version = before + 1;
            (conversation, true)
        }
    };
    let post = Post {
        kind: MessageKind::Outbound,
        body: compose.body.clone(),
        attachments: Vec::new(),
        expected_version: None,
        send_at: None,
    };
    let written = Draft::new(&current, &who.user.id, &post, now)?
        .write(&mut tx, &current, now)
        .await?;
    tx.commit().await?;
    events.extend(written.events);
    state.hub.publish(events);
    Ok(Composed {
        conversation: written.conversation,
        message: written.message,
        created,
    })
}

/// A new conversation that starts in Done, waiting for the customer.
fn waiting_conversation(
    inbox: &Inbox,
    channel: &Channel,
    contact: &Contact,
    now: domain::Timestamp,
) -> Conversation {
    Conversation {
        status: Status::Resolved,
        resolved_at: Some(now),
        ..Conversation::new(
            inbox.workspace_id.clone(),
            inbox.id.clone(),
            Some(channel.id.clone()),
            contact.id.clone(),
            now,
        )
    }
}

/// The inbox to write from, if the caller may write there.
async fn resolve_inbox(
    conn: &mut store::Conn<'_>,
    who: &Principal,
    inbox: &InboxRef,
) -> Result<Inbox, ServiceError> {
    let id = match inbox {
        InboxRef::Id(id) => id.clone(),
        InboxRef::ApiCode(code) => {
            store::inboxes::by_api_code(conn, &who.workspace_id, code)
                .await?
                .ok_or_else(|| ServiceError::not_found("no such inbox"))?
                .id
        }
    };
    access::inbox(conn, who, &id, Action::Reply).await
}

/// The SMS channel to send from: the one asked for, which must belong to
/// the inbox, or the inbox's first.
async fn resolve_channel(
    conn: &mut store::Conn<'_>,
    inbox: &Inbox,
    asked: Option<&ChannelId>,
) -> Result<Channel, ServiceError> {
    let channel = match asked {
        Some(id) => store::channels::get(conn, id)
            .await?
            .filter(|c| c.inbox_id == inbox.id && c.kind == ChannelKind::Sms)
            .ok_or_else(|| {
                ServiceError::invalid("validation", "channel_id: not an SMS channel of this inbox")
            })?,
        None => store::channels::for_inbox(conn, &inbox.id)
            .await?
            .into_iter()
            .find(|c| c.kind == ChannelKind::Sms)
            .ok_or_else(|| {
                ServiceError::invalid("validation", "this inbox has no SMS number to send from")
            })?,
    };
    Ok(channel)
}

/// Where a `/compose?inbox=CODE` link leads: the first of `user`'s
/// workspaces with an inbox of that code they may write from.
#[tracing::instrument(skip_all, fields(user_id = %user.id), err(level = "debug"))]
pub async fn workspace_for_code(
    state: &AppState,
    user: &User,
    code: &ApiCode,
) -> Result<Option<WorkspaceId>, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    for (workspace, role) in store::workspaces::for_user(&mut conn, &user.id).await? {
        let who = Principal {
            user: user.clone(),
            workspace_id: workspace.id.clone(),
            role,
        };
        if resolve_inbox(&mut conn, &who, &InboxRef::ApiCode(code.clone()))
            .await
            .is_ok()
        {
            return Ok(Some(workspace.id));
        }
    }
    Ok(None)
}

/// The contact's conversation in the inbox that a compose to `to` would
/// continue (the one that is not closed), if any.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn continued(
    state: &AppState,
    who: &Principal,
    inbox: &InboxRef,
    to: &PhoneNumber,
) -> Result<Option<ConversationId>, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let inbox = resolve_inbox(&mut conn, who, inbox).await?;
    // A compose without a channel sends from the inbox's first.
    let channel = resolve_channel(&mut conn, &inbox, None).await?;
    let simulated = providers::simulated(&channel);
    let Some(contact) =
        store::contacts::by_phone(&mut conn, &inbox.workspace_id, to, simulated).await?
    else {
        return Ok(None);
    };
    let active = store::conversations::find_active(&mut conn, &inbox.id, &contact.id).await?;
    Ok(active.map(|c| c.id))
}

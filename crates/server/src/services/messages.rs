//! Replies and internal notes.

use domain::{
    Action, Contact, Conversation, ConversationId, Event, EventKind, Inbox, MediaId, Message,
    MessageBody, MessageId, MessageKind, Registration, Status, Timestamp, Trigger, UserId,
};
use store::{Conn, StoreError, Tx};

use super::access::{self, Principal};
use super::conversations::apply_trigger;
use super::media::{self, Outgoing};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How often a post is retried when the conversation changed in between.
const ATTEMPTS: usize = 5;

/// A reply to the customer or a note for the team.
#[derive(Debug, Clone)]
pub struct Post {
    /// Reply (sent) or note (internal).
    pub kind: MessageKind,
    /// The text.
    pub body: MessageBody,
    /// Uploads to send with a reply (MMS); the text may then be empty.
    pub attachments: Vec<MediaId>,
    /// The conversation version the writer saw; a reply written against a
    /// version older than the latest customer-visible message (the
    /// customer's, or a teammate's reply) is refused as stale.
    pub expected_version: Option<i64>,
    /// Send the reply later, at this time (`services::scheduled`).
    pub send_at: Option<Timestamp>,
}

/// Adds a reply or a note. A reply is refused while someone else holds the
/// reply lock, when it is stale, when the contact opted out, and when the
/// inbox may not send yet; it is stored `queued` with a delivery job. A
/// closed conversation takes a note but not a reply (409). A reply with a
/// `send_at` is scheduled instead (`services::scheduled`).
#[tracing::instrument(skip_all, fields(conversation = %id), err(level = "debug"))]
pub async fn post(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    post: Post,
) -> Result<(Message, Conversation), ServiceError> {
    if post.kind == MessageKind::Inbound {
        return Err(ServiceError::invalid(
            "validation",
            "kind: must be reply or note",
        ));
    }
    if post.kind == MessageKind::Note && !post.attachments.is_empty() {
        return Err(ServiceError::invalid(
            "validation",
            "attachments: only a reply carries files (they are sent to the customer)",
        ));
    }
    if post.attachments.is_empty() && post.body.as_str().trim().is_empty() {
        return Err(ServiceError::invalid(
            "validation",
            "body: must not be empty",
        ));
    }
    if let Some(send_at) = post.send_at {
        return super::scheduled::schedule(state, who, id, post, send_at).await;
    }
    for _ in 0..ATTEMPTS {
        let now = state.clock.now();
        let mut reader = state.store.read().await?;
        let mut conn = reader.conn();
        let (current, inbox) = access::conversation(&mut conn, who, id, Action::Reply).await?;
        if post.kind == MessageKind::Outbound {
            refuse_reply(&mut conn, who, &current, &inbox, now).await?;
            if post
                .expected_version
                .is_some_and(|seen| seen < current.inbound_version)
            {
                return Err(ServiceError::conflict(
                    "stale_conversation",
                    "a new message arrived since you opened this conversation (the customer's, or a teammate's reply); read it first",
                ));
            }
        }
        let files = media::for_message(&mut conn, &who.workspace_id, &post.attachments).await?;
        drop(reader);
        let draft = Draft::new(&current, &who.user.id, &post, now)?
            .with_files(files, &state.settings.public_url);
        let mut tx = state.store.begin().await?;
        match draft.write(&mut tx, &current, now).await {
            Err(StoreError::VersionConflict) => continue,
            Err(error) => return Err(error.into()),
            Ok(written) => {
                tx.commit().await?;
                state.hub.publish(written.events);
                return Ok((written.message, written.conversation));
            }
        }
    }
    Err(ServiceError::conflict(
        "conflict",
        "the conversation kept changing; try again",
    ))
}

/// Why a reply to `conversation` cannot be sent now, if it cannot: someone
/// else holds the reply lock, the contact opted out, the inbox's carrier
/// registration is not approved, or there is no channel to send on.
pub(crate) async fn refuse_reply(
    conn: &mut Conn<'_>,
    who: &Principal,
    conversation: &Conversation,
    inbox: &Inbox,
    now: Timestamp,
) -> Result<(), ServiceError> {
    if let Some(lock) =
        store::locks::held_by_other(conn, &conversation.id, &who.user.id, now).await?
    {
        return Err(locked_by(conn, &lock.holder_id).await?);
    }
    let contact = store::contacts::get(conn, &conversation.contact_id)
        .await?
        .ok_or_else(|| ServiceError::not_found("the contact no longer exists"))?;
    refuse_sending(inbox, &contact)?;
    if conversation.channel_id.is_none() {
        return Err(ServiceError::invalid(
            "validation",
            "this conversation has no channel to reply on",
        ));
    }
    Ok(())
}

/// Refuses sending from `inbox` to `contact`: opted out, or not registered.
pub(crate) fn refuse_sending(inbox: &Inbox, contact: &Contact) -> Result<(), ServiceError> {
    if contact.is_opted_out() {
        return Err(ServiceError::invalid(
            "opted_out",
            "the contact opted out of messages (texted STOP); they must text START first",
        ));
    }
    if inbox.registration != Registration::Approved {
        return Err(ServiceError::conflict(
            "inbox_unregistered",
            "this inbox cannot send until its carrier registration is approved",
        ));
    }
    Ok(())
}

/// 409 `conflict_locked`, naming who holds the reply lock.
pub(crate) async fn locked_by(
    conn: &mut Conn<'_>,
    holder: &UserId,
) -> Result<ServiceError, ServiceError> {
    let name = store::users::get(conn, holder)
        .await?
        .map_or_else(|| "someone else".to_string(), |u| u.name);
    Ok(ServiceError::conflict(
        "conflict_locked",
        format!("{name} is replying to this conversation"),
    ))
}

/// A message decided but not written: the conversation after it, the status
/// event it causes (`new` becomes `open`), and the message itself.
#[derive(Debug)]
pub(crate) struct Draft {
    next: Conversation,
    status: Option<EventKind>,
    message: Message,
    files: Vec<Outgoing>,
}

/// What [`Draft::write`] stored, to commit and publish.
#[derive(Debug)]
pub(crate) struct Written {
    /// The stored message.
    pub message: Message,
    /// The conversation after it.
    pub conversation: Conversation,
    /// The events to publish after commit.
    pub events: Vec<Event>,
}

impl Draft {
    /// Decides a reply or note by `author` on `current`. A closed conversation
    /// refuses a reply (the lifecycle answers 409) and takes a note.
    pub(crate) fn new(
        current: &Conversation,
        author: &UserId,
        post: &Post,
        now: Timestamp,
    ) -> Result<Self, ServiceError> {
        let mut next = current.clone();
        // A note is for the team: a closed conversation still takes one
        // (DESIGN.md §3) and stays closed. Anything else is agent activity
        // (`new` opens), which a closed conversation refuses.
        let status = if post.kind == MessageKind::Note && current.status == Status::Closed {
            None
        } else {
            apply_trigger(&mut next, Trigger::AgentActivity, now, None)?
        };
        next.last_activity_at = now;
        let message = Message {
            id: MessageId::generate(),
            conversation_id: current.id.clone(),
            kind: post.kind,
            author_id: Some(author.clone()),
            body: post.body.clone(),
            attachments: Vec::new(),
            delivery: (post.kind == MessageKind::Outbound)
                .then_some(domain::DeliveryStatus::Queued),
            provider_id: None,
            error_code: None,
            error_message: None,
            automatic: false,
            send_at: None,
            created_at: now,
        };
        Ok(Self {
            next,
            status,
            message,
            files: Vec::new(),
        })
    }

    /// Attaches `files` to the message, each under a new public link on
    /// `public_url` (what Twilio fetches).
    pub(crate) fn with_files(mut self, files: Vec<domain::Media>, public_url: &str) -> Self {
        self.files = files.into_iter().map(Outgoing::new).collect();
        self.message.attachments = self
            .files
            .iter()
            .map(|f| f.attachment(public_url))
            .collect();
        self
    }

    /// Writes the status change, the message and (for a reply) its delivery
    /// job in `tx`. [`StoreError::VersionConflict`] when `current` is stale.
    pub(crate) async fn write(
        self,
        tx: &mut Tx<'_>,
        current: &Conversation,
        now: Timestamp,
    ) -> Result<Written, StoreError> {
        let Self {
            mut next,
            status,
            message,
            files,
        } = self;
        let author = message.author_id.clone();
        let mut events = Vec::new();
        if let Some(status) = status {
            events.extend(
                store::conversations::update(
                    tx,
                    &next,
                    current.version,
                    author.as_ref(),
                    now,
                    vec![status],
                )
                .await?,
            );
            next.version += 1;
        }
        events
            .push(store::messages::insert(tx, &message, current.channel_id.as_ref(), &next).await?);
        let expires_at = now + media::LINK_LIFETIME;
        for (position, file) in files.iter().enumerate() {
            store::media::link(
                tx,
                &file.token,
                &file.media.id,
                &message.id,
                position,
                expires_at,
            )
            .await?;
        }
        // The insert moved the conversation's version on.
        next.version += 1;
        Ok(Written {
            message,
            conversation: next,
            events,
        })
    }
}

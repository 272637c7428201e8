//! Threading: who a customer is (their contact, created on first contact)
//! and which conversation of the inbox their message or call belongs to
//! (DESIGN.md §2). Shared by inbound texts and inbound calls.

use domain::{
    transition, Contact, ContactId, Conversation, ConversationId, Event, EventKind, Inbox, Outcome,
    PhoneNumber, Status, Timestamp, Trigger,
};
use store::StoreError;

use crate::services::conversations::apply_trigger;

/// The workspace's contact with this number, created when the number is
/// new; `simulated` for a phone the simulator plays (never a real contact).
pub(crate) async fn contact_for(
    tx: &mut store::Tx<'_>,
    inbox: &Inbox,
    phone: &PhoneNumber,
    simulated: bool,
    now: Timestamp,
) -> Result<Contact, StoreError> {
    match store::contacts::by_phone(&mut tx.conn(), &inbox.workspace_id, phone, simulated).await? {
        Some(contact) => Ok(contact),
        None => create_contact(tx, inbox, phone, simulated, now).await,
    }
}

/// Creates a new contact for a number the workspace has not seen (from a
/// real provider, or from the simulator when `simulated`).
pub(crate) async fn create_contact(
    tx: &mut store::Tx<'_>,
    inbox: &Inbox,
    phone: &PhoneNumber,
    simulated: bool,
    now: Timestamp,
) -> Result<Contact, StoreError> {
    let contact = new_contact(inbox, phone, simulated, now);
    // A concurrent writer (another node) creating the same contact gives
    // `Duplicate`, and the caller's retry finds it.
    store::contacts::create(tx, &contact).await?;
    Ok(contact)
}

/// The contact a number the workspace has not seen becomes, not yet stored.
pub(crate) fn new_contact(
    inbox: &Inbox,
    phone: &PhoneNumber,
    simulated: bool,
    now: Timestamp,
) -> Contact {
    Contact {
        id: ContactId::generate(),
        workspace_id: inbox.workspace_id.clone(),
        name: String::new(),
        phone: Some(phone.clone()),
        email: None,
        owner_id: None,
        opted_out_at: None,
        simulated,
        created_at: now,
        updated_at: now,
    }
}

/// Where a customer's new message goes (DESIGN.md §2), decided from their
/// latest conversation in the inbox before anything is written.
// Short-lived: one per message, moved straight into the write; boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum Plan {
    /// Into this conversation as it is.
    Continue(Conversation),
    /// Into this conversation once the lifecycle has moved it (`pending`,
    /// `snoozed`, `resolved` … become `open`).
    Reopen {
        /// As read.
        current: Conversation,
        /// As it becomes.
        next: Conversation,
        /// The status change.
        status: EventKind,
    },
    /// Into a new conversation, pointing back at the closed one, if any.
    Start {
        /// The closed conversation it continues.
        previous: Option<ConversationId>,
    },
}

impl Plan {
    /// Decides from the contact's latest conversation in the inbox.
    pub(crate) fn for_message(latest: Option<Conversation>, now: Timestamp) -> Self {
        let Some(current) = latest else {
            return Plan::Start { previous: None };
        };
        match transition(current.status, Trigger::Inbound) {
            Ok(Outcome::Becomes(_)) => {
                let mut next = current.clone();
                // The lifecycle answered `Becomes` just above, so this cannot fail.
                match apply_trigger(&mut next, Trigger::Inbound, now, None)
                    .ok()
                    .flatten()
                {
                    Some(status) => Plan::Reopen {
                        current,
                        next,
                        status,
                    },
                    None => Plan::Continue(current),
                }
            }
            // Closed: a new thread that points back at the old one.
            _ => Plan::Start {
                previous: Some(current.id),
            },
        }
    }

    /// Writes the status change or the new conversation; returns the
    /// conversation the message goes into and the events written.
    pub(crate) async fn carry_out(
        self,
        tx: &mut store::Tx<'_>,
        inbox: &Inbox,
        contact: &Contact,
        channel: Option<&domain::ChannelId>,
        now: Timestamp,
    ) -> Result<(Conversation, Vec<Event>), StoreError> {
        match self {
            Plan::Continue(conversation) => Ok((conversation, Vec::new())),
            Plan::Reopen {
                current,
                mut next,
                status,
            } => {
                let events = store::conversations::update(
                    tx,
                    &next,
                    current.version,
                    None,
                    now,
                    vec![status],
                )
                .await?;
                next.version += 1;
                Ok((next, events))
            }
            Plan::Start { previous } => {
                let (conversation, created) =
                    start(tx, inbox, contact, channel, previous, now).await?;
                Ok((conversation, vec![created]))
            }
        }
    }
}

/// The customer's conversation in the inbox that is not closed, or a new one
/// (pointing back at the closed one, if any) when there is none. Used for
/// what is not a message (a call), so no status moves.
pub(crate) async fn active_conversation(
    tx: &mut store::Tx<'_>,
    inbox: &Inbox,
    contact: &Contact,
    channel: Option<&domain::ChannelId>,
    now: Timestamp,
) -> Result<(Conversation, Vec<Event>), StoreError> {
    let latest = store::conversations::latest(&mut tx.conn(), &inbox.id, &contact.id).await?;
    match latest {
        Some(current) if current.status != Status::Closed => Ok((current, Vec::new())),
        other => {
            let previous = other.map(|c| c.id);
            let (conversation, created) = start(tx, inbox, contact, channel, previous, now).await?;
            Ok((conversation, vec![created]))
        }
    }
}

async fn start(
    tx: &mut store::Tx<'_>,
    inbox: &Inbox,
    contact: &Contact,
    channel: Option<&domain::ChannelId>,
    previous_id: Option<ConversationId>,
    now: Timestamp,
) -> Result<(Conversation, Event), StoreError> {
    let conversation = new_conversation(inbox, contact, channel, previous_id, now);
    let created = store::conversations::insert(tx, &conversation, None, now).await?;
    Ok((conversation, created))
}

/// The conversation a customer's text starts in the inbox, not yet stored;
/// `previous_id` is their closed conversation it continues, if any.
pub(crate) fn new_conversation(
    inbox: &Inbox,
    contact: &Contact,
    channel: Option<&domain::ChannelId>,
    previous_id: Option<ConversationId>,
    now: Timestamp,
) -> Conversation {
    Conversation {
        previous_id,
        ..Conversation::new(
            inbox.workspace_id.clone(),
            inbox.id.clone(),
            channel.cloned(),
            contact.id.clone(),
            now,
        )
    }
}

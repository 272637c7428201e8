//! What the ingest writer remembers between messages, so that a customer
//! who texts again is threaded without reading their contact and
//! conversation back from the database.
//!
//! On SQLite every query of the writer is a round trip to the database
//! thread, and those round trips, not SQLite's own work, bound ingest
//! throughput; a cached message costs three statements (message, conversation,
//! event) instead of seven.
//!
//! Why stale entries are safe:
//! - a conversation is written with its version (`WHERE version = $n`): if
//!   anyone else changed it since it was cached, the write fails, the writer
//!   forgets everything and stores the batch again from fresh reads;
//! - a contact is used for its id only (a keyword text always reads it fresh),
//!   and every entry is forgotten after [`MAX_AGE`], so a number moved to
//!   another contact is seen within that time;
//! - a failed transaction forgets everything, so nothing rolled back is remembered;
//! - that a number has no contact is known for one batch only (the
//!   transaction that read it): another node may create it any time, and
//!   creating it twice is refused by the contacts' unique index, which makes
//!   the batch be written again, carefully.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use domain::{Contact, ContactId, Conversation, Inbox, InboxId, PhoneNumber, WorkspaceId};
use store::StoreError;

use super::InboundSms;

/// How long anything is remembered.
const MAX_AGE: Duration = Duration::from_secs(2);
/// Past this many entries the cache starts again (bounds memory).
const MAX_ENTRIES: usize = 100_000;

/// The writer's memory; see the module documentation.
#[derive(Debug)]
pub(crate) struct Lookups {
    since: Instant,
    inboxes: HashMap<InboxId, Inbox>,
    contacts: HashMap<(WorkspaceId, PhoneNumber, bool), Contact>,
    /// Numbers that had no contact when this batch read them.
    new_senders: HashSet<(WorkspaceId, PhoneNumber, bool)>,
    conversations: HashMap<(InboxId, ContactId), Conversation>,
}

impl Default for Lookups {
    fn default() -> Self {
        Self {
            since: Instant::now(),
            inboxes: HashMap::new(),
            contacts: HashMap::new(),
            new_senders: HashSet::new(),
            conversations: HashMap::new(),
        }
    }
}

impl Lookups {
    /// Forgets everything that is too old (call before each transaction).
    pub(crate) fn expire(&mut self) {
        let entries = self.inboxes.len() + self.contacts.len() + self.conversations.len();
        if self.since.elapsed() > MAX_AGE || entries > MAX_ENTRIES {
            self.forget();
        }
    }

    /// Forgets everything (after a failed transaction).
    pub(crate) fn forget(&mut self) {
        *self = Self::default();
    }

    /// The inbox a channel feeds. An inbox deleted meanwhile is [`StoreError::NotFound`].
    pub(crate) async fn inbox(
        &mut self,
        tx: &mut store::Tx<'_>,
        id: &InboxId,
    ) -> Result<Inbox, StoreError> {
        if let Some(inbox) = self.inboxes.get(id) {
            return Ok(inbox.clone());
        }
        let inbox = store::inboxes::get(&mut tx.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.inboxes.insert(id.clone(), inbox.clone());
        Ok(inbox)
    }

    /// The remembered contact with this number (simulated or real).
    pub(crate) fn contact(
        &self,
        workspace: &WorkspaceId,
        phone: &PhoneNumber,
        simulated: bool,
    ) -> Option<Contact> {
        self.contacts
            .get(&(workspace.clone(), phone.clone(), simulated))
            .cloned()
    }

    /// Whether this batch's [`prefetch`](Self::prefetch) found no contact
    /// with this number (and none was remembered since).
    pub(crate) fn is_new(
        &self,
        workspace: &WorkspaceId,
        phone: &PhoneNumber,
        simulated: bool,
    ) -> bool {
        self.new_senders
            .contains(&(workspace.clone(), phone.clone(), simulated))
    }

    /// The remembered latest conversation of a contact in an inbox.
    pub(crate) fn conversation(
        &self,
        inbox: &InboxId,
        contact: &ContactId,
    ) -> Option<Conversation> {
        self.conversations
            .get(&(inbox.clone(), contact.clone()))
            .cloned()
    }

    /// Reads, in one query each, the contacts of every sender of `texts` not
    /// remembered yet and their conversations that are not closed, so that
    /// [`Writer::add`](super::write::Writer::add) finds them here. When texts
    /// come from many different people (each writes rarely), the cache alone
    /// misses nearly every time, and one round trip per lookup per text
    /// bounded ingest. A sender with only closed conversations (or none) is
    /// still read on its own: the lifecycle needs the latest one.
    pub(crate) async fn prefetch<'a>(
        &mut self,
        tx: &mut store::Tx<'_>,
        texts: impl Iterator<Item = &'a InboundSms>,
    ) -> Result<(), StoreError> {
        self.new_senders.clear();
        // Senders to read, per inbox and kind of contact (simulated or real).
        let mut wanted: HashMap<(InboxId, bool), Vec<&PhoneNumber>> = HashMap::new();
        for sms in texts {
            let simulated = crate::services::providers::simulated(&sms.channel);
            let inbox = self.inbox(tx, &sms.channel.inbox_id).await?;
            let phones = wanted.entry((inbox.id.clone(), simulated)).or_default();
            if self
                .contact(&inbox.workspace_id, &sms.from, simulated)
                .is_none()
                && !phones.contains(&&sms.from)
            {
                phones.push(&sms.from);
            }
        }
        for ((inbox_id, simulated), phones) in wanted {
            if phones.is_empty() {
                continue;
            }
            let workspace = self.inbox(tx, &inbox_id).await?.workspace_id;
            let contacts =
                store::contacts::by_phones(&mut tx.conn(), &workspace, &phones, simulated).await?;
            let ids: Vec<&ContactId> = contacts.iter().map(|c| &c.id).collect();
            let conversations =
                store::conversations::active_for_contacts(&mut tx.conn(), &inbox_id, &ids).await?;
            for conversation in conversations {
                self.conversations.insert(
                    (
                        conversation.inbox_id.clone(),
                        conversation.contact_id.clone(),
                    ),
                    conversation,
                );
            }
            let found: HashSet<&PhoneNumber> =
                contacts.iter().filter_map(|c| c.phone.as_ref()).collect();
            for phone in phones.iter().filter(|p| !found.contains(*p)) {
                self.new_senders
                    .insert((workspace.clone(), (*phone).clone(), simulated));
            }
            for contact in contacts {
                if let Some(phone) = &contact.phone {
                    self.contacts.insert(
                        (contact.workspace_id.clone(), phone.clone(), simulated),
                        contact,
                    );
                }
            }
        }
        Ok(())
    }

    /// Remembers a contact and their conversation as this transaction left them.
    pub(crate) fn remember(&mut self, contact: &Contact, conversation: &Conversation) {
        if let Some(phone) = &contact.phone {
            self.contacts.insert(
                (
                    contact.workspace_id.clone(),
                    phone.clone(),
                    contact.simulated,
                ),
                contact.clone(),
            );
        }
        self.conversations.insert(
            (conversation.inbox_id.clone(), contact.id.clone()),
            conversation.clone(),
        );
    }
}

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
//! - a failed transaction forgets everything, so nothing rolled back is remembered.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use domain::{Contact, ContactId, Conversation, Inbox, InboxId, PhoneNumber, WorkspaceId};
use store::StoreError;

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
    conversations: HashMap<(InboxId, ContactId), Conversation>,
}

impl Default for Lookups {
    fn default() -> Self {
        Self {
            since: Instant::now(),
            inboxes: HashMap::new(),
            contacts: HashMap::new(),
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

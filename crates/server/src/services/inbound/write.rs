//! Inbound texts written inside one of the writer's transactions.
//!
//! Most texts are from a known customer into a conversation that stays as
//! it is: storing one is the message, the conversation's activity and its
//! event, and nothing else. Those wait in the [`Writer`] and are stored
//! together in three statements ([`store::inbound::insert_many`]), which is
//! what lets one SQLite writer keep up with a burst. A text that starts a
//! conversation (and creates its customer, when they are new) waits too:
//! the new contacts and conversations are written first, a statement for
//! all of them. Anything else (a reopened conversation, STOP or START, a
//! retry after a failed attempt) is written at once, after what was
//! waiting, in the order the texts came.

use channels::Keyword;
use domain::{ChannelId, Contact, Conversation, Event, Message, MessageId, MessageKind, Timestamp};
use store::StoreError;

use super::cache::Lookups;
use super::thread::{self, Plan};
use super::{optout, InboundSms, Ingested};

/// The texts of one transaction, as far as they are written.
#[derive(Debug)]
pub(crate) struct Writer {
    now: Timestamp,
    /// After a failed attempt: every provider id is looked up before
    /// anything is written, and nothing waits.
    careful: bool,
    results: Vec<Option<Ingested>>,
    /// Conversations to start before what waits is stored, each with its
    /// customer when they are new.
    starting: Vec<(Option<Contact>, Conversation)>,
    waiting: Vec<Waiting>,
    events: Vec<Event>,
}

/// A text whose only write is itself.
#[derive(Debug)]
struct Waiting {
    slot: usize,
    channel: ChannelId,
    message: Message,
    before: Conversation,
    after: Conversation,
}

impl Writer {
    /// A writer for texts received at `now`. `careful` after a failed attempt.
    pub(crate) fn new(now: Timestamp, careful: bool) -> Self {
        Self {
            now,
            careful,
            results: Vec::new(),
            starting: Vec::new(),
            waiting: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Threads `sms` (DESIGN.md §2): its contact (created on first contact,
    /// its opt-out changed by STOP or START), its conversation (moved by the
    /// lifecycle) and the message. A text the provider sent before (same
    /// channel and provider id) is stored once: when the message is all
    /// there is to write, its unique index refuses the copy (and the batch is
    /// tried again carefully); otherwise the provider id is looked up first,
    /// so that a retried webhook never reopens a conversation or changes a contact.
    pub(crate) async fn add(
        &mut self,
        tx: &mut store::Tx<'_>,
        sms: &InboundSms,
        lookups: &mut Lookups,
    ) -> Result<(), StoreError> {
        let now = self.now;
        let inbox = lookups.inbox(tx, &sms.channel.inbox_id).await?;
        let keyword = Keyword::parse(sms.body.as_str());
        // Read only, so far: who wrote, and where their text goes.
        let simulated = crate::services::providers::simulated(&sms.channel);
        let contact = match (
            keyword,
            lookups.contact(&inbox.workspace_id, &sms.from, simulated),
        ) {
            (None, Some(contact)) => Some(contact),
            // Read a moment ago, in this transaction: nobody has this number.
            (None, None)
                if !self.careful && lookups.is_new(&inbox.workspace_id, &sms.from, simulated) =>
            {
                None
            }
            // A keyword changes the contact: read it as it is now.
            _ => {
                store::contacts::by_phone(&mut tx.conn(), &inbox.workspace_id, &sms.from, simulated)
                    .await?
            }
        };
        let latest = match &contact {
            None => None,
            Some(contact) => match lookups.conversation(&inbox.id, &contact.id) {
                Some(conversation) => Some(conversation),
                None => {
                    store::conversations::latest(&mut tx.conn(), &inbox.id, &contact.id).await?
                }
            },
        };
        let plan = Plan::for_message(latest, now);
        let slot = self.results.len();
        self.results.push(None);
        match (contact, plan) {
            (Some(contact), Plan::Continue(conversation)) if keyword.is_none() && !self.careful => {
                self.wait(slot, sms, &contact, conversation, lookups);
                return Ok(());
            }
            (contact, Plan::Start { previous }) if keyword.is_none() && !self.careful => {
                // Nothing is read that a text before this one in the batch
                // could have written: the provider id of a text from a
                // customer who had no open conversation cannot be stored
                // yet (and if it were, the message's unique index refuses
                // the batch, which is then written carefully).
                let (contact, new_contact) = match contact {
                    Some(contact) => (contact, None),
                    None => {
                        let contact = thread::new_contact(&inbox, &sms.from, simulated, now);
                        (contact.clone(), Some(contact))
                    }
                };
                let conversation = thread::new_conversation(
                    &inbox,
                    &contact,
                    Some(&sms.channel.id),
                    previous,
                    now,
                );
                self.starting.push((new_contact, conversation.clone()));
                self.wait(slot, sms, &contact, conversation, lookups);
                return Ok(());
            }
            (contact, plan) => {
                // Written in the order received: what waits goes first.
                self.flush(tx).await?;
                if let Some(existing) = stored_before(tx, sms).await? {
                    self.results[slot] = Some(Ingested::Duplicate {
                        message_id: existing,
                    });
                    return Ok(());
                }
                let mut contact = match contact {
                    Some(contact) => contact,
                    None => thread::create_contact(tx, &inbox, &sms.from, simulated, now).await?,
                };
                if let Some(keyword) = keyword {
                    optout::apply(tx, &mut contact, keyword, now).await?;
                }
                let (conversation, events) = plan
                    .carry_out(tx, &inbox, &contact, Some(&sms.channel.id), now)
                    .await?;
                self.events.extend(events);
                let message = inbound_message(sms, &conversation, now);
                self.events.push(
                    store::messages::insert(tx, &message, Some(&sms.channel.id), &conversation)
                        .await?,
                );
                let after = moved_on(&conversation, now);
                lookups.remember(&contact, &after);
                self.results[slot] = Some(Ingested::Stored {
                    conversation: after,
                    message,
                });
            }
        }
        Ok(())
    }

    /// Keeps `sms` to be stored into `conversation` (as it is now) with the
    /// batch, and remembers the conversation as the text leaves it.
    fn wait(
        &mut self,
        slot: usize,
        sms: &InboundSms,
        contact: &Contact,
        conversation: Conversation,
        lookups: &mut Lookups,
    ) {
        let message = inbound_message(sms, &conversation, self.now);
        let after = moved_on(&conversation, self.now);
        lookups.remember(contact, &after);
        self.waiting.push(Waiting {
            slot,
            channel: sms.channel.id.clone(),
            message,
            before: conversation,
            after,
        });
    }

    /// Writes what waits; returns what happened to each text, in order, and
    /// the events to publish after commit.
    pub(crate) async fn finish(
        mut self,
        tx: &mut store::Tx<'_>,
    ) -> Result<(Vec<Ingested>, Vec<Event>), StoreError> {
        self.flush(tx).await?;
        let results = self
            .results
            .into_iter()
            .map(|r| r.ok_or(StoreError::NotFound))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((results, self.events))
    }

    async fn flush(&mut self, tx: &mut store::Tx<'_>) -> Result<(), StoreError> {
        if self.waiting.is_empty() && self.starting.is_empty() {
            return Ok(());
        }
        let starting = std::mem::take(&mut self.starting);
        let threads: Vec<store::inbound::NewThread<'_>> = starting
            .iter()
            .map(|(contact, conversation)| store::inbound::NewThread {
                contact: contact.as_ref(),
                conversation,
            })
            .collect();
        let waiting = std::mem::take(&mut self.waiting);
        let items: Vec<store::inbound::NewInbound<'_>> = waiting
            .iter()
            .map(|w| store::inbound::NewInbound {
                message: &w.message,
                channel_id: &w.channel,
                conversation: &w.before,
            })
            .collect();
        self.events
            .extend(store::inbound::insert_many(tx, &threads, &items).await?);
        for w in waiting {
            self.results[w.slot] = Some(Ingested::Stored {
                conversation: w.after,
                message: w.message,
            });
        }
        Ok(())
    }
}

/// The stored message of a customer's text in `conversation`.
fn inbound_message(sms: &InboundSms, conversation: &Conversation, now: Timestamp) -> Message {
    Message {
        id: MessageId::generate(),
        conversation_id: conversation.id.clone(),
        kind: MessageKind::Inbound,
        author_id: None,
        body: sms.body.clone(),
        attachments: sms.media.clone(),
        delivery: None,
        provider_id: sms.provider_id.clone(),
        error_code: None,
        error_message: None,
        automatic: false,
        send_at: None,
        created_at: now,
    }
}

/// The conversation after a customer's message: what storing it changes.
fn moved_on(conversation: &Conversation, now: Timestamp) -> Conversation {
    let mut after = conversation.clone();
    after.version += 1;
    after.inbound_version = after.version;
    after.last_inbound_at = Some(now);
    after.last_activity_at = after.last_activity_at.max(now);
    after
}

/// The message this provider id was stored as, if it was.
async fn stored_before(
    tx: &mut store::Tx<'_>,
    sms: &InboundSms,
) -> Result<Option<MessageId>, StoreError> {
    let Some(provider_id) = &sms.provider_id else {
        return Ok(None);
    };
    Ok(
        store::messages::by_provider_id(&mut tx.conn(), &sms.channel.id, provider_id)
            .await?
            .map(|m| m.id),
    )
}

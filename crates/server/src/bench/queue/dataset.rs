//! The dataset: conversations spread over a year, most of the old ones
//! closed, the recent ones open, snoozed or done; assignees among each
//! inbox's members; priorities, tags, read cursors; messages of Zipf text
//! with an event for each. Generated in batches (one transaction each) from
//! a fixed seed, so the same options give the same data.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use domain::text::Word;
use domain::{DeliveryStatus, EventKind, MessageId, MessageKind, Priority, Status, UserId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::bulk::{Batch, ContactRow, ConversationRow, CursorRow, EventRow, Loader, MessageRow};

use super::team::{Team, INBOXES};
use super::words::{contact_name, contact_phone, Words};
use crate::bench::BenchError;
use crate::services::state::AppState;

/// Most conversations per transaction (a small load still makes several,
/// so that tests go through more than one).
const BATCH: usize = 5_000;
/// Tags, commonest first.
pub const TAGS: [&str; 10] = [
    "billing",
    "vip",
    "complaint",
    "follow-up",
    "warranty",
    "spanish",
    "new-customer",
    "refund",
    "escalated",
    "spam",
];
const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// What the load wrote and how long it took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Loaded {
    /// Conversations written.
    pub conversations: usize,
    /// Messages written.
    pub messages: usize,
    /// Events written.
    pub events: usize,
    /// Contacts written.
    pub contacts: usize,
    /// Wall time of the load.
    pub elapsed: Duration,
}

/// Writes `conversations` conversations with about `messages` messages in all.
pub async fn load(
    state: &AppState,
    team: &Team,
    conversations: usize,
    messages: usize,
) -> Result<Loaded, BenchError> {
    let started = Instant::now();
    let mut gen = Generator::new(state, team, conversations, messages);
    let mut loader = Loader::start(&state.store).await?;
    let mut loaded = Loaded::default();
    let batch_size = (conversations / 4).clamp(1, BATCH);
    let mut next = 0;
    while next < conversations {
        let end = (next + batch_size).min(conversations);
        let batch = gen.batch(next..end);
        loaded.conversations += batch.conversations.len();
        loaded.messages += batch.messages.len();
        loaded.events += batch.events.len();
        loaded.contacts += batch.contacts.len();
        loader.write(&batch).await?;
        next = end;
        if next % 100_000 == 0 {
            tracing::info!(conversations = next, "loaded");
        }
    }
    loader.finish().await?;
    loaded.elapsed = started.elapsed();
    Ok(loaded)
}

struct Generator<'a> {
    team: &'a Team,
    words: Words,
    rng: StdRng,
    now: i64,
    total: usize,
    contacts: usize,
    /// The ids and owners of the contacts written so far, by number.
    contacts_written: Vec<(String, Option<String>)>,
    /// Twice the average messages per conversation, less one (counts are drawn from 1 to it).
    max_messages: usize,
    /// (contact, inbox) pairs holding a conversation that is not closed:
    /// at most one each (`conversations_one_active`).
    active: HashSet<(u32, u8)>,
    weights: u32,
}

impl<'a> Generator<'a> {
    fn new(state: &AppState, team: &'a Team, total: usize, messages: usize) -> Self {
        let average = (messages / total.max(1)).max(1);
        Self {
            team,
            words: Words::new(),
            rng: StdRng::seed_from_u64(12),
            now: state.clock.now().timestamp_millis(),
            total,
            contacts: (total / 5).max(1),
            contacts_written: Vec::new(),
            max_messages: 2 * average - 1,
            active: HashSet::new(),
            weights: INBOXES.iter().map(|(_, w)| w).sum(),
        }
    }

    fn batch(&mut self, range: std::ops::Range<usize>) -> Batch {
        let mut batch = Batch::default();
        // Contacts first appear as their conversations do: those a batch
        // may name are written with it.
        let upto = (self.contacts * range.end)
            .div_ceil(self.total)
            .min(self.contacts);
        for i in self.contacts_written.len()..upto {
            let contact = self.contact(i);
            self.contacts_written
                .push((contact.id.clone(), contact.owner_id.clone()));
            batch.contacts.push(contact);
        }
        for i in range {
            self.conversation(i, upto, &mut batch);
        }
        batch
    }

    fn contact(&mut self, i: usize) -> ContactRow {
        let name = contact_name(i);
        let email = self
            .rng
            .gen_bool(0.3)
            .then(|| format!("{}.{i}@example.com", name.to_lowercase().replace(' ', ".")));
        let owner_id = self
            .rng
            .gen_bool(0.1)
            .then(|| self.team.agents[self.rng.gen_range(0..self.team.agents.len())].clone());
        ContactRow {
            id: uuid::Uuid::now_v7().to_string(),
            workspace_id: self.team.workspace_id.clone(),
            name,
            phone: Some(contact_phone(i)),
            email,
            owner_id,
            created_at: self.now - 400 * DAY,
        }
    }

    fn inbox(&mut self) -> usize {
        let mut roll = self.rng.gen_range(0..self.weights);
        for (i, (_, w)) in INBOXES.iter().enumerate() {
            if roll < *w {
                return i;
            }
            roll -= w;
        }
        0
    }

    /// The status: old conversations mostly closed, the last fifth of the
    /// year's a mix of every status.
    fn status(&mut self, age: f64) -> Status {
        let roll = self.rng.gen_range(0..100);
        if age < 0.8 {
            return match roll {
                0..=89 => Status::Closed,
                90..=91 => Status::Resolved,
                92 => Status::Snoozed,
                93..=96 => Status::Open,
                97..=98 => Status::Pending,
                _ => Status::OnHold,
            };
        }
        match roll {
            0..=29 => Status::Closed,
            30..=44 => Status::Resolved,
            45..=52 => Status::Snoozed,
            53..=62 => Status::New,
            63..=82 => Status::Open,
            83..=92 => Status::Pending,
            _ => Status::OnHold,
        }
    }

    fn priority(&mut self) -> Priority {
        match self.rng.gen_range(0..100) {
            0..=69 => Priority::None,
            70..=74 => Priority::Low,
            75..=89 => Priority::Normal,
            90..=96 => Priority::High,
            _ => Priority::Urgent,
        }
    }

    fn conversation(&mut self, i: usize, contacts: usize, batch: &mut Batch) {
        let age = i as f64 / self.total as f64;
        let inbox = self.inbox();
        let (inbox_id, channel_id) = self.team.inboxes[inbox].clone();
        let contact = self.rng.gen_range(0..contacts) as u32;
        let mut status = self.status(age);
        let open = !matches!(status, Status::Closed);
        if open && !self.active.insert((contact, inbox as u8)) {
            status = Status::Closed;
        }
        let members = &self.team.members[inbox];
        let assigned = match status {
            Status::New | Status::Open | Status::Pending | Status::OnHold => {
                self.rng.gen_bool(0.55)
            }
            _ => self.rng.gen_bool(0.85),
        };
        let assignee = assigned.then(|| members[self.rng.gen_range(0..members.len())].clone());
        let priority = self.priority();
        let id = uuid::Uuid::now_v7().to_string();
        let created_at = self.now - 365 * DAY + (age * 365.0 * DAY as f64) as i64;
        let count = self.rng.gen_range(1..=self.max_messages);
        let waiting = assignee.is_none() && status != Status::Closed;
        let mut at = created_at;
        let (mut last_inbound, mut inbound, mut last_message) = (None, 0, None);
        let event = |kind: EventKind, actor: Option<&String>, at: i64| EventRow {
            workspace_id: self.team.workspace_id.clone(),
            inbox_id: inbox_id.clone(),
            conversation_id: id.clone(),
            actor_id: actor.cloned(),
            kind: kind.name(),
            data: serde_json::to_string(&kind).unwrap_or_default(),
            created_at: at,
        };
        let mut events = vec![event(EventKind::Created { previous_id: None }, None, at)];
        for j in 0..count {
            let kind = match (j, self.rng.gen_range(0..100)) {
                (0, _) => MessageKind::Inbound,
                _ if waiting && j == count - 1 => MessageKind::Inbound,
                (_, 0..=54) => MessageKind::Inbound,
                (_, 55..=89) => MessageKind::Outbound,
                _ => MessageKind::Note,
            };
            let author = (kind != MessageKind::Inbound).then(|| {
                assignee
                    .clone()
                    .unwrap_or_else(|| members[self.rng.gen_range(0..members.len())].clone())
            });
            let n = self.rng.gen_range(4..=30);
            let message_id = uuid::Uuid::now_v7().to_string();
            batch.messages.push(MessageRow {
                id: message_id.clone(),
                conversation_id: id.clone(),
                channel_id: (kind != MessageKind::Note).then(|| channel_id.clone()),
                kind: kind.as_str(),
                author_id: author.clone(),
                body: self.words.sentence(&mut self.rng, n),
                delivery_status: (kind == MessageKind::Outbound)
                    .then(|| DeliveryStatus::Delivered.as_str()),
                created_at: at,
            });
            events.push(event(
                EventKind::Message {
                    message_id: MessageId::from_trusted(message_id.clone()),
                    message_kind: kind,
                },
                author.as_ref(),
                at,
            ));
            if kind == MessageKind::Inbound {
                last_inbound = Some(at);
                inbound += 1;
            }
            last_message = Some(message_id);
            if j == 0 {
                if let Some(assignee) = &assignee {
                    let kind = EventKind::Assigned {
                        assignee_id: UserId::from_trusted(assignee.clone()),
                        auto: None,
                    };
                    events.push(event(kind, Some(assignee), at + 1));
                }
            }
            // Capped so that the newest conversations' messages are still in the past.
            at = (at + self.rng.gen_range(1..=240) * MINUTE)
                .min(self.now - (count - j) as i64 * 1_000);
        }
        let last_activity = batch.messages.last().map_or(created_at, |m| m.created_at);
        if !matches!(status, Status::New | Status::Open) {
            let kind = EventKind::StatusChanged {
                from: Status::Open,
                to: status,
                snoozed_until: None,
            };
            events.push(event(kind, assignee.as_ref(), last_activity + 1));
        }
        batch.events.extend(events);
        let tags = match self.rng.gen_range(0..10) {
            0..=5 => 0,
            6..=8 => 1,
            _ => 2,
        };
        let mut chosen = HashSet::new();
        for _ in 0..tags {
            let k = (self.rng.gen_range(0.0f64..1.0).powi(2) * TAGS.len() as f64) as usize;
            if chosen.insert(k) {
                batch.tags.push((id.clone(), TAGS[k].to_string()));
            }
        }
        // Read cursors: the assignee (most have read their conversations),
        // else one or two members who looked at an unassigned one.
        if let Some(read_up_to) = last_inbound {
            let readers = match &assignee {
                Some(a) => vec![(a.clone(), if open { 0.6 } else { 0.95 })],
                None => (0..self.rng.gen_range(1..=2))
                    .map(|_| members[self.rng.gen_range(0..members.len())].clone())
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .map(|reader| (reader, 0.5))
                    .collect(),
            };
            for (reader, p_read) in readers {
                let read_at = if self.rng.gen_bool(p_read) {
                    read_up_to
                } else {
                    read_up_to - 1
                };
                batch.cursors.push(CursorRow {
                    conversation_id: id.clone(),
                    reader,
                    read_at,
                });
            }
        }
        let (contact_id, contact_owner_id) = self.contacts_written[contact as usize].clone();
        batch.conversations.push(ConversationRow {
            id,
            workspace_id: self.team.workspace_id.clone(),
            inbox_id,
            channel_id: Some(channel_id),
            contact_id,
            status: status.as_str(),
            priority: priority.as_str(),
            priority_rank: priority.rank(),
            assignee_id: assignee,
            snoozed_until: (status == Status::Snoozed)
                .then(|| self.now + self.rng.gen_range(1..=14) * DAY),
            created_at,
            last_activity_at: last_activity,
            last_inbound_at: last_inbound,
            resolved_at: matches!(status, Status::Resolved | Status::Closed)
                .then_some(last_activity + 1),
            last_message_id: last_message,
            inbound_version: inbound,
            contact_owner_id,
        });
    }
}

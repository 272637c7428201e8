//! Committed events become notices: the rules
//! (`services::notifications::rules`) say who hears of each event, and each
//! notice is one [`Job::Notify`]. Nothing is written on the inbound path;
//! the throttle is applied when the job runs. So that a burst of texts does
//! not become a burst of jobs, a notice the throttle would fold (its target
//! was told, or is about to be by a notice planned earlier, within the
//! window before the event) is not planned at all. What was planned is
//! remembered between batches ([`Told`]), so that a busy conversation costs
//! one read of the throttle, not one per text.

use std::collections::HashMap;

use domain::{
    ConversationId, EventKind, InboxId, InboxMember, MessageKind, Status, Timestamp, UserId,
    WorkspaceId,
};
use store::log::LoggedEvent;
use store::Conn;

use super::Planned;
use crate::jobs::Job;
use crate::services::notifications::rules::{self, Choices};
use crate::services::notifications::settings::{self, InboxNotify};
use crate::services::notifications::{preferences, throttle, Notice, Recipient, Trigger};
use crate::services::ServiceError;

/// When each (conversation, target) was or will be told, as far as this
/// node knows; `None`: never, says the database. A hint that only ever
/// folds what the throttle would fold: the claim when a job runs decides.
#[derive(Debug, Default)]
pub struct Told {
    at: HashMap<(ConversationId, String), Option<Timestamp>>,
}

/// How many pairs [`Told`] keeps before forgetting the stale ones.
const TOLD_KEPT: usize = 100_000;

impl Told {
    /// Forgets what no window can still fold once it holds too much.
    fn trim(&mut self, now: Timestamp) {
        if self.at.len() <= TOLD_KEPT {
            return;
        }
        let longest = chrono::TimeDelta::seconds(throttle::MAX_SECS);
        self.at
            .retain(|_, at| at.is_some_and(|at| now - at < longest));
        if self.at.len() > TOLD_KEPT {
            self.at.clear();
        }
    }
}

/// What one batch has read already: most events of a batch share an inbox.
struct Known<'m> {
    inboxes: HashMap<InboxId, (Vec<InboxMember>, InboxNotify)>,
    choices: HashMap<(WorkspaceId, Trigger), Choices>,
    told: &'m mut Told,
}

impl Known<'_> {
    async fn inbox(
        &mut self,
        conn: &mut Conn<'_>,
        id: &InboxId,
    ) -> Result<&(Vec<InboxMember>, InboxNotify), ServiceError> {
        if !self.inboxes.contains_key(id) {
            let members = store::inboxes::members(conn, id).await?;
            let stored = store::notifications::settings(conn, id).await?;
            let notify = settings::resolve(stored, &members);
            self.inboxes.insert(id.clone(), (members, notify));
        }
        self.inboxes
            .get(id)
            .ok_or_else(|| ServiceError::internal("inbox cache"))
    }

    /// Whether the throttle would fold a notice to `recipient` about an
    /// event at `at`; if not, it is counted as told at `at`.
    async fn folded(
        &mut self,
        conn: &mut Conn<'_>,
        conversation: &ConversationId,
        recipient: &Recipient,
        at: Timestamp,
        window_secs: i64,
    ) -> Result<bool, ServiceError> {
        let key = (conversation.clone(), recipient.throttle_key());
        let last = match self.told.at.get(&key) {
            Some(last) => *last,
            None => store::notifications::last_notified(conn, &key.0, &key.1).await?,
        };
        let window = chrono::TimeDelta::seconds(window_secs);
        if window_secs > 0 && last.is_some_and(|last| at - last < window) {
            self.told.at.insert(key, last);
            return Ok(true);
        }
        self.told.at.insert(key, Some(at));
        Ok(false)
    }

    async fn choices(
        &mut self,
        conn: &mut Conn<'_>,
        workspace: &WorkspaceId,
        trigger: Trigger,
    ) -> Result<Choices, ServiceError> {
        let key = (workspace.clone(), trigger);
        if !self.choices.contains_key(&key) {
            let choices = preferences::choices(conn, workspace, trigger).await?;
            self.choices.insert(key.clone(), choices);
        }
        self.choices
            .get(&key)
            .cloned()
            .ok_or_else(|| ServiceError::internal("choices cache"))
    }
}

/// One notify job per recipient of each event.
pub async fn plan(
    conn: &mut Conn<'_>,
    events: &[LoggedEvent],
    told: &mut Told,
) -> Result<Vec<Planned>, ServiceError> {
    if let Some(last) = events.last() {
        told.trim(last.event.created_at);
    }
    let mut known = Known {
        inboxes: HashMap::new(),
        choices: HashMap::new(),
        told,
    };
    let mut planned = Vec::new();
    for LoggedEvent { event, .. } in events {
        let actor = event.actor_id.as_ref();
        let ws = &event.workspace_id;
        let (trigger, recipients) = match &event.kind {
            EventKind::Message {
                message_kind: MessageKind::Inbound,
                ..
            } => {
                let choices = known.choices(conn, ws, Trigger::Inbound).await?;
                let (members, notify) = known.inbox(conn, &event.inbox_id).await?;
                let window = notify.throttle_secs;
                let told = rules::inbound(&notify.targets, members, actor, &choices);
                let mut kept = Vec::with_capacity(told.len());
                for recipient in told {
                    let at = event.created_at;
                    if !known
                        .folded(conn, &event.conversation_id, &recipient, at, window)
                        .await?
                    {
                        kept.push(recipient);
                    }
                }
                (Trigger::Inbound, kept)
            }
            EventKind::Message {
                message_id,
                message_kind: MessageKind::Note,
            } => {
                let Some(note) = store::messages::get(conn, message_id).await? else {
                    continue;
                };
                let mentioned = domain::mention::mentioned(note.body.as_str());
                if mentioned.is_empty() {
                    continue;
                }
                let choices = known.choices(conn, ws, Trigger::Mentioned).await?;
                let (members, _) = known.inbox(conn, &event.inbox_id).await?;
                let author = note.author_id.as_ref().or(actor);
                let told = rules::mentioned(&mentioned, author, members, &choices);
                (Trigger::Mentioned, told)
            }
            EventKind::Assigned {
                assignee_id: to, ..
            }
            | EventKind::Transferred { to_id: to, .. } => {
                let choices = known.choices(conn, ws, Trigger::Assigned).await?;
                let told = rules::assigned(to, actor, &choices);
                (Trigger::Assigned, told.into_iter().collect())
            }
            EventKind::StatusChanged {
                from: Status::Snoozed,
                to,
                ..
            } if *to != Status::Snoozed => {
                let assignee: Option<UserId> =
                    store::conversations::get(conn, &event.conversation_id)
                        .await?
                        .and_then(|c| c.assignee_id);
                let choices = known.choices(conn, ws, Trigger::SnoozeWoke).await?;
                let told = rules::snooze_woke(assignee.as_ref(), actor, &choices);
                (Trigger::SnoozeWoke, told.into_iter().collect())
            }
            EventKind::SlaBreached { .. } => {
                let assignee: Option<UserId> =
                    store::conversations::get(conn, &event.conversation_id)
                        .await?
                        .and_then(|c| c.assignee_id);
                let choices = known.choices(conn, ws, Trigger::SlaBreached).await?;
                let (members, notify) = known.inbox(conn, &event.inbox_id).await?;
                let told =
                    rules::sla_breached(assignee.as_ref(), &notify.targets, members, &choices);
                (Trigger::SlaBreached, told)
            }
            _ => continue,
        };
        planned.extend(recipients.into_iter().map(|recipient: Recipient| Planned {
            seq: event.seq,
            workspace_id: ws.clone(),
            job: Job::Notify {
                notice: Notice {
                    workspace_id: ws.clone(),
                    inbox_id: Some(event.inbox_id.clone()),
                    conversation_id: Some(event.conversation_id.clone()),
                    trigger,
                    recipient,
                    event_seq: event.seq,
                },
            },
            run_at: event.created_at,
        }));
    }
    Ok(planned)
}

//! How each demo conversation unfolds: what the customer wrote and what the
//! team did, ending in every status the queue shows.

use chrono::{DateTime, Duration, Utc};
use domain::{
    Channel, Contact, Inbox, Link, LinkId, LinkKind, MessageBody, MessageKind, Priority, Status,
    Tag,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::{cast, Team};
use crate::services::access::Principal;
use crate::services::conversations as act;
use crate::services::inbound::{ingest_sms, InboundSms};
use crate::services::messages::{post, Post};
use crate::services::state::AppState;
use crate::services::ServiceError;

/// Where a demo conversation ends up.
#[derive(Debug, Clone, Copy)]
enum Ending {
    New,
    Mine,
    UnassignedWithNote,
    Transferred,
    Pending,
    OnHold,
    Snoozed,
    Resolved,
    Closed,
}

const ENDINGS: &[(Ending, u32)] = &[
    (Ending::New, 12),
    (Ending::Mine, 20),
    (Ending::UnassignedWithNote, 8),
    (Ending::Transferred, 6),
    (Ending::Pending, 9),
    (Ending::OnHold, 5),
    (Ending::Snoozed, 6),
    (Ending::Resolved, 24),
    (Ending::Closed, 10),
];

fn pick_ending(rng: &mut StdRng) -> Ending {
    let total: u32 = ENDINGS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for (ending, weight) in ENDINGS {
        if roll < *weight {
            return *ending;
        }
        roll -= weight;
    }
    Ending::New
}

/// Plays one conversation from the customer's first text to its ending.
pub async fn play(
    state: &AppState,
    team: &Team,
    (inbox, channel, members): &(Inbox, Channel, Vec<usize>),
    contact: &Contact,
    index: usize,
    real_now: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<(), ServiceError> {
    let purpose = domain::text::Word::as_str(inbox.purpose);
    let openers = cast::OPENERS
        .iter()
        .find(|(p, _)| *p == purpose)
        .map_or(cast::OPENERS[0].1, |(_, o)| o);
    let opener = openers[index % openers.len()];
    let ingested = text(state, channel, contact, opener).await?;
    let Some(id) = ingested else {
        return Ok(());
    };
    let ending = pick_ending(rng);
    if matches!(ending, Ending::New) {
        if rng.gen_bool(0.3) {
            tick(state, rng, real_now);
            text(
                state,
                channel,
                contact,
                "Still waiting on this, any update?",
            )
            .await?;
        }
        return Ok(());
    }
    let agent = &team.people[*members.choose(rng).unwrap_or(&1)];
    tick(state, rng, real_now);
    if matches!(ending, Ending::UnassignedWithNote) {
        note(state, agent, &id, rng).await?;
        return Ok(());
    }
    act::assign_to_me(state, agent, &id).await?;
    tick(state, rng, real_now);
    reply(state, agent, &id, rng).await?;
    if rng.gen_bool(0.35) {
        tick(state, rng, real_now);
        note(state, agent, &id, rng).await?;
    }
    if rng.gen_bool(0.6) {
        let how_many = rng.gen_range(1..=2);
        let tags = cast::TAGS
            .choose_multiple(rng, how_many)
            .map(|t| Tag::parse(t))
            .collect::<Result<Vec<_>, _>>()?;
        act::set_tags(state, agent, &id, tags).await?;
    }
    if rng.gen_bool(0.2) {
        let priority = *[Priority::High, Priority::Urgent, Priority::Low]
            .choose(rng)
            .unwrap_or(&Priority::Normal);
        act::set_priority(state, agent, &id, priority).await?;
    }
    if rng.gen_bool(0.1) {
        link(state, agent, &id, index).await?;
    }
    if rng.gen_bool(0.5) {
        tick(state, rng, real_now);
        let follow_up = cast::FOLLOW_UPS[index % cast::FOLLOW_UPS.len()];
        text(state, channel, contact, follow_up).await?;
    }
    tick(state, rng, real_now);
    match ending {
        Ending::New | Ending::UnassignedWithNote | Ending::Mine => {}
        Ending::Transferred => {
            let other = members
                .iter()
                .map(|m| &team.people[*m])
                .find(|p| p.user.id != agent.user.id);
            if let Some(other) = other {
                act::transfer(state, agent, &id, &other.user.id).await?;
            }
        }
        Ending::Pending => {
            act::set_status(state, agent, &id, Status::Pending).await?;
        }
        Ending::OnHold => {
            act::set_status(state, agent, &id, Status::OnHold).await?;
        }
        Ending::Snoozed => {
            let until = real_now + Duration::hours(rng.gen_range(6..72));
            act::snooze(state, agent, &id, until).await?;
        }
        Ending::Resolved => {
            act::mark_done(state, agent, &id).await?;
        }
        Ending::Closed => {
            act::mark_done(state, agent, &id).await?;
            act::set_status(state, &team.owner, &id, Status::Closed).await?;
        }
    }
    Ok(())
}

/// Moves the clock on by a few minutes, as between two real actions, but
/// at most half way to `real_now`: a conversation that started shortly
/// before now crowds its steps together rather than running into the future.
fn tick(state: &AppState, rng: &mut StdRng, real_now: DateTime<Utc>) {
    let step = Duration::minutes(rng.gen_range(2..90));
    let left = (real_now - state.clock.now()) / 2;
    state.clock.advance(step.min(left).max(Duration::zero()));
}

/// The customer texts the inbox; returns the conversation it went into.
async fn text(
    state: &AppState,
    channel: &Channel,
    contact: &Contact,
    body: &str,
) -> Result<Option<domain::ConversationId>, ServiceError> {
    let Some(from) = contact.phone.clone() else {
        return Ok(None);
    };
    let ingested = ingest_sms(
        state,
        InboundSms {
            channel: channel.clone(),
            from,
            body: MessageBody::parse(body, false)?,
            media: Vec::new(),
            provider_id: None,
        },
    )
    .await?;
    Ok(ingested.conversation_id().cloned())
}

async fn reply(
    state: &AppState,
    agent: &Principal,
    id: &domain::ConversationId,
    rng: &mut StdRng,
) -> Result<(), ServiceError> {
    let body = cast::REPLIES.choose(rng).copied().unwrap_or("Thanks!");
    write(state, agent, id, MessageKind::Outbound, body).await
}

async fn note(
    state: &AppState,
    agent: &Principal,
    id: &domain::ConversationId,
    rng: &mut StdRng,
) -> Result<(), ServiceError> {
    let body = cast::NOTES.choose(rng).copied().unwrap_or("Note");
    write(state, agent, id, MessageKind::Note, body).await
}

async fn write(
    state: &AppState,
    agent: &Principal,
    id: &domain::ConversationId,
    kind: MessageKind,
    body: &str,
) -> Result<(), ServiceError> {
    post(
        state,
        agent,
        id,
        Post {
            kind,
            body: MessageBody::parse(body, false)?,
            attachments: Vec::new(),
            expected_version: None,
            send_at: None,
        },
    )
    .await?;
    Ok(())
}

/// Links the conversation to a ticket in the (imaginary) field-service tool.
async fn link(
    state: &AppState,
    agent: &Principal,
    id: &domain::ConversationId,
    index: usize,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let mut reader = state.store.read().await?;
    let Some(conversation) = store::conversations::get(&mut reader.conn(), id).await? else {
        return Ok(());
    };
    drop(reader);
    let external_id = format!("JOB-{}", 4000 + index);
    let link = Link {
        id: LinkId::generate(),
        conversation_id: id.clone(),
        kind: LinkKind::Ticket,
        url: format!("https://fieldservice.example/jobs/{external_id}"),
        title: format!("Work order {external_id}"),
        external_id,
        created_at: now,
    };
    let mut tx = state.store.begin().await?;
    let event = store::links::add(&mut tx, &link, &conversation, Some(&agent.user.id), now).await?;
    tx.commit().await?;
    state.hub.publish([event]);
    Ok(())
}

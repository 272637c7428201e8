//! The conversation's timeline: messages, notes and events in words,
//! oldest first, with a separator where a day begins in the viewer's zone.

use std::collections::HashMap;

use askama::Template;
use domain::text::Word;
use domain::{ConversationId, MessageKind, Zone};

use crate::http::error::ApiError;
use crate::http::ui::format::{capitalised, clock_time, day_label, describe, full_time, local_day};
use crate::services::access::Principal;
use crate::services::conversations;
use crate::services::state::AppState;

/// How much of a timeline the page shows.
const TIMELINE_LENGTH: u32 = 500;

/// One line of the timeline.
#[derive(Debug, Clone)]
pub struct Line {
    /// `inbound`, `outbound`, `note`, `event`, or `day` (a separator whose
    /// text is the day).
    pub kind: &'static str,
    /// The message id (for permalinks), empty for events.
    pub id: String,
    /// The text (a message's body, or an event in words).
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// Short time.
    pub time: String,
    /// Full time.
    pub time_full: String,
    /// For replies: the delivery status in words.
    pub delivery: String,
    /// `failed` when delivery failed, else empty.
    pub delivery_class: &'static str,
    /// Why delivery failed.
    pub failure: String,
    /// Attachments.
    pub media: Vec<MediaLine>,
    /// A note's text in pieces: `(true, name)` for an @mention (shown
    /// highlighted), `(false, text)` for the rest. Empty for other lines.
    pub parts: Vec<(bool, String)>,
    /// For a `scheduled` line: the reply waiting to go (or cancelled, or
    /// refused when it was due).
    pub scheduled: Option<ScheduledLine>,
}

/// A scheduled reply in the timeline.
#[derive(Debug, Clone)]
pub struct ScheduledLine {
    /// `scheduled`, `cancelled` or `failed`.
    pub state: &'static str,
    /// When it is due, in words ("Mar 10, 09:00 CET").
    pub when: String,
    /// Its time as a `datetime-local` value in the viewer's zone (the Edit form).
    pub local_value: String,
    /// Whether the viewer may edit or cancel it (its author or an admin).
    pub can_change: bool,
}

/// An attachment in the timeline.
#[derive(Debug, Clone)]
pub struct MediaLine {
    /// Where it opens: a sent file through the API (the member's session),
    /// a received one at the provider's address.
    pub href: String,
    /// Whether it is shown inline: JPEG, PNG and GIF only, never SVG.
    pub is_image: bool,
}

/// The attachments of `m` as the timeline shows them. Replies' files are
/// ours, read through the message (their public link may have expired).
fn media_lines(ws: &str, m: &domain::Message) -> Vec<MediaLine> {
    m.attachments
        .iter()
        .enumerate()
        .map(|(i, a)| MediaLine {
            href: if m.kind == MessageKind::Outbound {
                format!("/api/v1/workspaces/{ws}/messages/{}/media/{i}", m.id)
            } else {
                a.url.clone()
            },
            is_image: domain::MediaType::parse(&a.content_type).is_ok_and(|t| t.is_image()),
        })
        .collect()
}

/// A note's text split at its @mentions (DESIGN: `@[Name](user id)`).
fn note_parts(text: &str) -> Vec<(bool, String)> {
    domain::mention::segments(text)
        .into_iter()
        .map(|segment| match segment {
            domain::mention::Segment::Text(t) => (false, t.to_string()),
            domain::mention::Segment::Mention { name, .. } => (true, name.to_string()),
        })
        .collect()
}

/// `GET /w/{ws}/c/{id}/timeline`.
#[derive(Debug, Template)]
#[template(path = "app/timeline_partial.html")]
pub struct TimelinePartial {
    /// The lines.
    pub timeline: Vec<Line>,
    /// The workspace id.
    pub ws: String,
    /// The form token (a scheduled reply's Edit and Cancel forms).
    pub csrf: String,
    /// The conversation id (those forms' paths).
    pub conversation_id: String,
}

/// Loads the timeline, oldest first, times in the viewer's `zone`, with a
/// `day` line ("Today", "Yesterday", "Mon 30 Nov") where a day begins.
pub async fn timeline(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    zone: Zone,
) -> Result<Vec<Line>, ApiError> {
    let now = state.clock.now();
    let page = conversations::timeline(state, who, id, None, TIMELINE_LENGTH).await?;
    let names: HashMap<String, String> = crate::services::accounts::members::list(state, who)
        .await?
        .into_iter()
        .map(|(user, _)| (user.id.to_string(), user.name))
        .collect();
    // Scheduled replies that went have a `message` line of their own.
    let went: std::collections::HashSet<domain::MessageId> = page
        .items
        .iter()
        .filter_map(|item| match &item.event.kind {
            domain::EventKind::Message { message_id, .. } => Some(message_id.clone()),
            _ => None,
        })
        .collect();
    let mut lines = Vec::with_capacity(page.items.len());
    let mut day = None;
    for item in page.items {
        let at = item.event.created_at;
        let base = Line {
            kind: "event",
            id: String::new(),
            text: String::new(),
            author: String::new(),
            time: clock_time(at, zone),
            time_full: full_time(at, zone),
            delivery: String::new(),
            delivery_class: "",
            failure: String::new(),
            media: Vec::new(),
            parts: Vec::new(),
            scheduled: None,
        };
        if let (domain::EventKind::MessageScheduled { .. }, Some(m)) =
            (&item.event.kind, &item.message)
        {
            if went.contains(&m.id) {
                // It went: the `message` line shows it; this one says it was planned.
                let author = author_name(m, &names);
                let when = m.send_at.map(|at| full_time(at, zone)).unwrap_or_default();
                let text = format!("{author} scheduled a reply for {when}");
                push_day(&mut lines, &mut day, &base, at, now, zone);
                lines.push(Line { text, ..base });
                continue;
            }
        }
        let shown = item.message.is_some() || describe(&item.event, &names, zone).is_some();
        if shown {
            push_day(&mut lines, &mut day, &base, at, now, zone);
        }
        if let Some(m) = item.message {
            let author = author_name(&m, &names);
            let scheduled = matches!(item.event.kind, domain::EventKind::MessageScheduled { .. })
                .then(|| scheduled_line(&m, who, zone));
            let failed = matches!(
                m.delivery.map(|d| d.as_str()),
                Some("failed" | "undelivered")
            );
            lines.push(Line {
                kind: match m.kind {
                    _ if scheduled.is_some() => "scheduled",
                    MessageKind::Inbound => "inbound",
                    MessageKind::Outbound => "outbound",
                    MessageKind::Note => "note",
                },
                scheduled,
                id: m.id.to_string(),
                text: m.body.as_str().to_string(),
                parts: if m.kind == MessageKind::Note {
                    note_parts(m.body.as_str())
                } else {
                    Vec::new()
                },
                author,
                delivery: m
                    .delivery
                    .map(|d| capitalised(d.as_str()))
                    .unwrap_or_default(),
                delivery_class: if failed { "failed" } else { "" },
                failure: [m.error_message.clone(), m.error_code.clone()]
                    .into_iter()
                    .flatten()
                    .next()
                    .unwrap_or_default(),
                media: media_lines(who.workspace_id.as_str(), &m),
                ..base
            });
        } else if let Some(text) = describe(&item.event, &names, zone) {
            lines.push(Line { text, ..base });
        }
    }
    Ok(lines)
}

/// A `day` line before `base` when its day is not the last one shown.
fn push_day(
    lines: &mut Vec<Line>,
    day: &mut Option<chrono::NaiveDate>,
    base: &Line,
    at: domain::Timestamp,
    now: domain::Timestamp,
    zone: Zone,
) {
    if *day != Some(local_day(at, zone)) {
        *day = Some(local_day(at, zone));
        lines.push(Line {
            kind: "day",
            text: day_label(at, now, zone),
            ..base.clone()
        });
    }
}

/// Who wrote `m`, as the timeline names them: Switchboard's own messages
/// (an automatic reply, a note about a cancelled scheduled reply) say so.
fn author_name(m: &domain::Message, names: &HashMap<String, String>) -> String {
    match (m.automatic, m.kind) {
        (true, MessageKind::Note) => "Switchboard".to_string(),
        (true, _) => "Automatic reply".to_string(),
        (false, _) => m
            .author_id
            .as_ref()
            .and_then(|a| names.get(&a.to_string()).cloned())
            .unwrap_or_default(),
    }
}

/// How a scheduled reply that has not gone shows.
fn scheduled_line(m: &domain::Message, who: &Principal, zone: Zone) -> ScheduledLine {
    let state = match m.delivery {
        Some(domain::DeliveryStatus::Scheduled) => "scheduled",
        Some(domain::DeliveryStatus::Cancelled) => "cancelled",
        _ => "failed",
    };
    let at = m.send_at.unwrap_or(m.created_at);
    ScheduledLine {
        state,
        when: full_time(at, zone),
        local_value: at
            .with_timezone(&zone.tz())
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        can_change: state == "scheduled"
            && (m.author_id.as_ref() == Some(&who.user.id) || who.role.is_admin()),
    }
}

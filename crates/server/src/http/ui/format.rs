//! How the web app says things: times, numbers, people's initials, and the
//! timeline's events in words.

use std::collections::HashMap;

use chrono::{Datelike, TimeDelta};
use domain::text::Word;
use domain::{Event, EventKind, Status, Timestamp, Zone};

/// A short age for lists, in the viewer's zone: `now`, `5m`, `3h`, `Tue`,
/// `Mar 4`, `Mar 4, 2025`.
pub fn ago(at: Timestamp, now: Timestamp, zone: Zone) -> String {
    let elapsed = now - at;
    let (local, today) = (at.with_timezone(&zone.tz()), now.with_timezone(&zone.tz()));
    if elapsed < TimeDelta::minutes(1) {
        "now".into()
    } else if elapsed < TimeDelta::hours(1) {
        format!("{}m", elapsed.num_minutes())
    } else if elapsed < TimeDelta::hours(24) {
        format!("{}h", elapsed.num_hours())
    } else if elapsed < TimeDelta::days(6) {
        local.format("%a").to_string()
    } else if local.year() == today.year() {
        local.format("%b %-d").to_string()
    } else {
        local.format("%b %-d, %Y").to_string()
    }
}

/// A full time for tooltips and the timeline, in the viewer's zone with
/// its abbreviation: `Mar 4, 14:05 WET`.
pub fn full_time(at: Timestamp, zone: Zone) -> String {
    at.with_timezone(&zone.tz())
        .format("%b %-d, %H:%M %Z")
        .to_string()
}

/// A time of day for the timeline, in the viewer's zone: `14:05`.
pub fn clock_time(at: Timestamp, zone: Zone) -> String {
    at.with_timezone(&zone.tz()).format("%H:%M").to_string()
}

/// A day in the viewer's zone, as the timeline's separators say it:
/// `Today`, `Yesterday`, `Mon 30 Nov`, or `Mon 30 Nov 2025` in another year.
pub fn day_label(at: Timestamp, now: Timestamp, zone: Zone) -> String {
    let day = at.with_timezone(&zone.tz()).date_naive();
    let today = now.with_timezone(&zone.tz()).date_naive();
    if day == today {
        "Today".into()
    } else if today.pred_opt() == Some(day) {
        "Yesterday".into()
    } else if day.year() == today.year() {
        day.format("%a %-d %b").to_string()
    } else {
        day.format("%a %-d %b %Y").to_string()
    }
}

/// The calendar day of `at` in the viewer's zone (where separators go).
pub fn local_day(at: Timestamp, zone: Zone) -> chrono::NaiveDate {
    at.with_timezone(&zone.tz()).date_naive()
}

/// Up to two initials for an avatar: `Ana Lima` → `AL`; a number → `#`.
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().next())
        .filter(|c| c.is_alphabetic())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "#".into()
    } else {
        letters
    }
}

/// The labels the forms show for the fields the API names by code.
const FIELD_LABELS: &[(&str, &str)] = &[
    ("api_code", "Code for links"),
    ("unread_mode", "Unread"),
    ("forward_to_email", "Forward to email"),
    ("voice_forward_to", "Forward calls to"),
    ("auto_close", "Close done after"),
    ("registration", "Carrier registration"),
    ("area_code", "Area code"),
    ("user_id", "Person"),
    ("color", "Colour"),
    ("body", "Message"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("name", "Name"),
    ("emoji", "Emoji"),
    ("password", "Password"),
    ("subject", "Subject"),
    ("tags", "Tags"),
    ("tag", "Tag"),
    ("to", "To"),
];

/// `detail` with a field code it starts with (`api_code: …`) or refuses a
/// value of (`unknown unread_mode "x"; …`) replaced by the form's label.
pub fn labelled(detail: &str) -> String {
    for (code, label) in FIELD_LABELS {
        if let Some(rest) = detail.strip_prefix(&format!("{code}:")) {
            return format!("{label}:{rest}");
        }
        if let Some(rest) = detail.strip_prefix(&format!("unknown {code} ")) {
            return format!("{label}: unknown value {rest}");
        }
    }
    detail.to_string()
}

/// A status for people.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::New => "New",
        Status::Open => "Open",
        Status::Pending => "Pending",
        Status::OnHold => "On hold",
        Status::Snoozed => "Snoozed",
        Status::Resolved => "Done",
        Status::Closed => "Closed",
    }
}

/// Capitalised word (`high` → `High`, `on_hold` → `On hold`).
pub fn capitalised(word: &str) -> String {
    let word = word.replace('_', " ");
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An event in words (`Ana Lima transferred to Ben Okafor`), or `None` for
/// the ones the timeline shows another way (messages, delivery) or not at
/// all (locks). `names` maps user ids to names; times are in `zone`.
pub fn describe(event: &Event, names: &HashMap<String, String>, zone: Zone) -> Option<String> {
    let name = |id: &domain::UserId| {
        names
            .get(&id.to_string())
            .cloned()
            .unwrap_or_else(|| "a former member".into())
    };
    let actor = event
        .actor_id
        .as_ref()
        .map(name)
        .unwrap_or_else(|| "Switchboard".into());
    Some(match &event.kind {
        EventKind::Created {
            previous_id: Some(_),
        } => "New conversation, continuing a closed one".into(),
        EventKind::Created { previous_id: None } => "Conversation started".into(),
        EventKind::Assigned {
            assignee_id,
            auto: Some(mode),
        } => format!("Auto-assigned to {} ({})", name(assignee_id), mode.label()),
        EventKind::Assigned { assignee_id, .. } => {
            if event.actor_id.as_ref() == Some(assignee_id) {
                format!("{actor} assigned it to themselves")
            } else {
                format!("{actor} assigned to {}", name(assignee_id))
            }
        }
        // Taking someone's conversation (an admin's assign-to-me) is a
        // takeover, not a transfer to oneself.
        EventKind::Transferred { from_id, to_id } if event.actor_id.as_ref() == Some(to_id) => {
            format!("{actor} took over from {}", name(from_id))
        }
        EventKind::Transferred { to_id, .. } => format!("{actor} transferred to {}", name(to_id)),
        EventKind::Returned { .. } => format!("{actor} returned it to the inbox"),
        EventKind::StatusChanged {
            to, snoozed_until, ..
        } => match (to, snoozed_until) {
            (Status::Resolved, _) => by("Marked as done", &event.actor_id, &actor),
            (Status::Closed, _) => by("Closed", &event.actor_id, &actor),
            (Status::Snoozed, Some(until)) => {
                format!("{actor} snoozed it until {}", full_time(*until, zone))
            }
            (Status::Open, _) if event.actor_id.is_none() => "Reopened".into(),
            (to, _) => format!("{actor} set the status to {}", status_label(*to)),
        },
        EventKind::PriorityChanged { to, .. } => {
            format!("{actor} set the priority to {}", capitalised(to.as_str()))
        }
        EventKind::SubjectChanged { subject: Some(s) } => {
            format!("{actor} set the subject to “{s}”")
        }
        EventKind::SubjectChanged { subject: None } => format!("{actor} cleared the subject"),
        EventKind::TagsChanged { tags } if tags.is_empty() => format!("{actor} removed the tags"),
        EventKind::TagsChanged { tags } => format!(
            "{actor} tagged it {}",
            tags.iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        EventKind::Linked { .. } => format!("{actor} linked a record"),
        EventKind::Unlinked { .. } => format!("{actor} removed a link"),
        EventKind::Call {
            forwarded_to: Some(to),
        } => format!("Call forwarded to {to}"),
        EventKind::Call { forwarded_to: None } => "Missed call".into(),
        EventKind::SlaBreached { due_at } => {
            format!("SLA target missed (due {})", full_time(*due_at, zone))
        }
        EventKind::ScheduledMessageEdited { send_at, .. } => format!(
            "{actor} changed a scheduled reply (now for {})",
            full_time(*send_at, zone)
        ),
        EventKind::ScheduledMessageCancelled {
            reason: domain::CancelReason::Cancelled,
            ..
        } => format!("{actor} cancelled a scheduled reply"),
        // The scheduled reply shows it, and the note says why.
        EventKind::ScheduledMessageCancelled {
            reason: domain::CancelReason::CustomerWrote,
            ..
        }
        | EventKind::MessageScheduled { .. }
        | EventKind::Message { .. }
        | EventKind::Delivery { .. }
        | EventKind::Locked { .. }
        | EventKind::Unlocked => return None,
    })
}

/// `Marked as done by Ana Lima`, or just `Marked as done` for the system.
fn by(what: &str, actor_id: &Option<domain::UserId>, actor: &str) -> String {
    match actor_id {
        Some(_) => format!("{what} by {actor}"),
        None => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ages_are_short() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
        let utc = Zone::UTC;
        assert_eq!(ago(now, now, utc), "now");
        assert_eq!(ago(now - TimeDelta::minutes(5), now, utc), "5m");
        assert_eq!(ago(now - TimeDelta::hours(3), now, utc), "3h");
        assert_eq!(ago(now - TimeDelta::days(30), now, utc), "Feb 8");
        assert_eq!(ago(now - TimeDelta::days(400), now, utc), "Feb 3, 2025");
    }

    #[test]
    fn times_and_days_are_the_viewers() {
        let zone = Zone::parse("America/Los_Angeles").unwrap();
        // 06:30 UTC on Mar 10 is still the evening of Mar 9 in Los Angeles.
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 10, 6, 30, 0).unwrap();
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 10, 20, 0, 0).unwrap();
        assert_eq!(full_time(at, zone), "Mar 9, 23:30 PDT");
        assert_eq!(clock_time(at, zone), "23:30");
        assert_eq!(day_label(at, now, zone), "Yesterday");
        assert_eq!(day_label(at, now, Zone::UTC), "Today");
        assert_eq!(day_label(now - TimeDelta::days(3), now, zone), "Sat 7 Mar");
        assert_eq!(
            day_label(now - TimeDelta::days(400), now, zone),
            "Mon 3 Feb 2025"
        );
        assert_eq!(ago(now - TimeDelta::days(30), now, zone), "Feb 8");
    }

    #[test]
    fn errors_name_fields_by_their_labels() {
        assert_eq!(
            labelled("api_code: must be 1-40 characters"),
            "Code for links: must be 1-40 characters"
        );
        assert_eq!(
            labelled("unknown unread_mode \"x\"; expected one of: per_user, shared"),
            "Unread: unknown value \"x\"; expected one of: per_user, shared"
        );
        assert_eq!(labelled("the contact opted out"), "the contact opted out");
    }

    #[test]
    fn initials_come_from_words() {
        assert_eq!(initials("Ana Lima"), "AL");
        assert_eq!(initials("+1 415 555"), "#");
        assert_eq!(initials("bob"), "B");
    }
}

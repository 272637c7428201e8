//! The Assign modal (seed 001's "Notifications modal"): assignee (a Slack
//! user), status, priority, tags, subject and a note, seeded with the
//! conversation's state; and what a submitted one asks for.

use std::collections::BTreeMap;

use channels::slack::interactions::InputValue;
use domain::{Conversation, Priority, Status};
use serde_json::{json, Value};

/// The modal's `callback_id`.
pub const CALLBACK_ID: &str = "switchboard_assign";

/// The blocks' ids, which are also where `response_action: errors` points.
pub const ASSIGNEE: &str = "assignee";
/// See [`ASSIGNEE`].
pub const STATUS: &str = "status";
/// See [`ASSIGNEE`].
pub const PRIORITY: &str = "priority";
/// See [`ASSIGNEE`].
pub const TAGS: &str = "tags";
/// See [`ASSIGNEE`].
pub const SUBJECT: &str = "subject";
/// See [`ASSIGNEE`].
pub const NOTE: &str = "note";

/// Every input's `action_id` (one input per block).
const INPUT: &str = "value";

/// The statuses an agent can set from Slack (snoozing needs a time).
const STATUSES: [(Status, &str); 5] = [
    (Status::Open, "Open"),
    (Status::Pending, "Pending"),
    (Status::OnHold, "On hold"),
    (Status::Resolved, "Done"),
    (Status::Closed, "Closed"),
];

const PRIORITIES: [(Priority, &str); 5] = [
    (Priority::None, "None"),
    (Priority::Low, "Low"),
    (Priority::Normal, "Normal"),
    (Priority::High, "High"),
    (Priority::Urgent, "Urgent"),
];

/// What a submitted modal asks for; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Submitted {
    /// The Slack user to assign it to.
    pub assignee: Option<String>,
    /// The new status.
    pub status: Option<Status>,
    /// The new priority.
    pub priority: Option<Priority>,
    /// The whole new set of tags (comma-separated in the modal).
    pub tags: Option<Vec<String>>,
    /// The new subject (empty clears it).
    pub subject: Option<String>,
    /// A note to add.
    pub note: Option<String>,
}

/// The modal for `conversation`.
pub fn view(conversation: &Conversation) -> Value {
    let status = STATUSES.iter().find(|(s, _)| *s == conversation.status);
    let priority = PRIORITIES.iter().find(|(p, _)| *p == conversation.priority);
    let tags: Vec<&str> = conversation.tags.iter().map(|t| t.as_str()).collect();
    let mut status_select = select(&STATUSES);
    if let Some(current) = status {
        status_select["initial_option"] = option(current);
    }
    let mut priority_select = select(&PRIORITIES);
    if let Some(current) = priority {
        priority_select["initial_option"] = option(current);
    }
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": conversation.id.as_str(),
        "title": {"type": "plain_text", "text": "Assign"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            input(ASSIGNEE, "Assignee", json!({"type": "users_select", "action_id": INPUT,
                "placeholder": {"type": "plain_text", "text": "Choose a teammate"}})),
            input(STATUS, "Status", status_select),
            input(PRIORITY, "Priority", priority_select),
            input(TAGS, "Tags (comma-separated)", json!({"type": "plain_text_input",
                "action_id": INPUT, "initial_value": tags.join(", ")})),
            input(SUBJECT, "Subject", json!({"type": "plain_text_input", "action_id": INPUT,
                "initial_value": conversation.subject.clone().unwrap_or_default()})),
            input(NOTE, "Note for the team", json!({"type": "plain_text_input",
                "action_id": INPUT, "multiline": true})),
        ]
    })
}

fn input(block_id: &str, label: &str, element: Value) -> Value {
    json!({"type": "input", "block_id": block_id, "optional": true,
           "label": {"type": "plain_text", "text": label}, "element": element})
}

fn select<T: serde::Serialize>(choices: &[(T, &str)]) -> Value {
    json!({"type": "static_select", "action_id": INPUT,
           "options": choices.iter().map(option).collect::<Vec<_>>()})
}

fn option<T: serde::Serialize>((value, label): &(T, &str)) -> Value {
    json!({"text": {"type": "plain_text", "text": label}, "value": word(value)})
}

fn word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Reads a submitted modal. An option that is not one of ours is refused
/// with the block it came from.
pub fn read(
    values: &BTreeMap<String, BTreeMap<String, InputValue>>,
) -> Result<Submitted, (&'static str, String)> {
    let input = |block: &str| values.get(block).and_then(|inputs| inputs.get(INPUT));
    let text = |block: &str| input(block).and_then(|v| v.value.clone());
    let chosen = |block: &str| {
        input(block)
            .and_then(|v| v.selected_option.as_ref())
            .map(|o| o.value.clone())
    };
    let status = match chosen(STATUS) {
        None => None,
        Some(value) => Some(
            STATUSES
                .iter()
                .map(|(s, _)| *s)
                .find(|s| word(s) == value)
                .ok_or((STATUS, format!("{value:?} is not a status")))?,
        ),
    };
    let priority = match chosen(PRIORITY) {
        None => None,
        Some(value) => Some(
            PRIORITIES
                .iter()
                .map(|(p, _)| *p)
                .find(|p| word(p) == value)
                .ok_or((PRIORITY, format!("{value:?} is not a priority")))?,
        ),
    };
    Ok(Submitted {
        assignee: input(ASSIGNEE).and_then(|v| v.selected_user.clone()),
        status,
        priority,
        // A tags input left as it was resubmits the same set: no change.
        tags: input(TAGS).map(|v| {
            v.value
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        }),
        subject: input(SUBJECT).map(|v| v.value.clone().unwrap_or_default()),
        note: text(NOTE).filter(|n| !n.trim().is_empty()),
    })
}

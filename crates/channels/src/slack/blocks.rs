//! The Block Kit of a notification: who wrote, to which inbox, the first
//! lines of the text, the conversation's state, and the buttons **Open** (a
//! link to the conversation), **Assign** (opens a modal) and **Hide**
//! (removes the message). Everything a customer wrote is plain text here:
//! Slack's `mrkdwn` control characters are escaped so a text cannot mention
//! `@channel`, link elsewhere or format itself.

use serde_json::{json, Value};

/// The `action_id` of the Assign button.
pub const ASSIGN_ACTION: &str = "assign";
/// The `action_id` of the Hide button.
pub const HIDE_ACTION: &str = "hide";
/// The `action_id` of the Open button (a link; Slack still reports the press).
pub const OPEN_ACTION: &str = "open";

/// The longest preview of the customer's text, in characters.
const PREVIEW_CHARS: usize = 300;

/// What a notification shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The conversation's id: the buttons' value.
    pub conversation_id: String,
    /// Its permalink in the web app.
    pub url: String,
    /// The inbox's emoji (may be empty).
    pub inbox_emoji: String,
    /// The inbox's name.
    pub inbox_name: String,
    /// The contact's name (may be empty).
    pub contact_name: String,
    /// The contact's number, as people read it.
    pub contact_number: String,
    /// The text (the latest inbound message).
    pub text: String,
    /// `Open`, `Pending`, …
    pub status: String,
    /// `Normal`, `High`, `Urgent`.
    pub priority: String,
    /// The assignee's name, or empty when unassigned.
    pub assignee: String,
    /// The tags.
    pub tags: Vec<String>,
}

impl Notification {
    /// The plain text Slack shows where blocks cannot be (push notifications).
    pub fn fallback_text(&self) -> String {
        format!(
            "{} {}: {}",
            self.who(),
            self.inbox_name,
            preview(&self.text, 120)
        )
    }

    fn who(&self) -> String {
        if self.contact_name.is_empty() {
            self.contact_number.clone()
        } else {
            format!("{} ({})", self.contact_name, self.contact_number)
        }
    }

    /// The message's blocks.
    pub fn blocks(&self) -> Value {
        let mut facts = vec![
            format!("*Status:* {}", escape(&self.status)),
            format!("*Priority:* {}", escape(&self.priority)),
            format!(
                "*Assignee:* {}",
                if self.assignee.is_empty() {
                    "Unassigned".to_string()
                } else {
                    escape(&self.assignee)
                }
            ),
        ];
        if !self.tags.is_empty() {
            facts.push(format!("*Tags:* {}", escape(&self.tags.join(", "))));
        }
        json!([
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": format!(
                    "{} *{}*",
                    escape(&self.inbox_emoji),
                    escape(&self.inbox_name)
                ).trim().to_string()}]
            },
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": format!(
                    "*{}*\n{}",
                    escape(&self.who()),
                    quote(&escape(&preview(&self.text, PREVIEW_CHARS)))
                )}
            },
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": facts.join("   ")}]
            },
            {
                "type": "actions",
                "block_id": "conversation",
                "elements": [
                    {"type": "button", "action_id": OPEN_ACTION, "text": {"type": "plain_text", "text": "Open"},
                     "url": self.url, "value": self.conversation_id, "style": "primary"},
                    {"type": "button", "action_id": ASSIGN_ACTION, "text": {"type": "plain_text", "text": "Assign"},
                     "value": self.conversation_id},
                    {"type": "button", "action_id": HIDE_ACTION, "text": {"type": "plain_text", "text": "Hide"},
                     "value": self.conversation_id}
                ]
            }
        ])
    }
}

/// Slack's escaping for `mrkdwn` text: `&`, `<` and `>` (which start
/// mentions and links); formatting characters are kept from forming marks by
/// a zero-width space is not needed since the text is quoted as a block.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn quote(text: &str) -> String {
    text.lines()
        .map(|line| format!(">{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn preview(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().count() > chars {
        out.push('…');
    }
    out
}

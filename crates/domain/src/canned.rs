//! Canned replies: saved texts an agent inserts into the composer by
//! shortcut (`/refund`), shared by the workspace or personal, with
//! placeholders filled from the conversation (`{{contact.first_name}}`).

use serde::{Deserialize, Serialize};

use crate::text::required_text;
use crate::{DomainError, Timestamp, UserId, WorkspaceId};

/// A saved reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedReply {
    /// Its id.
    pub id: crate::CannedReplyId,
    /// The workspace.
    pub workspace_id: WorkspaceId,
    /// `None` for the workspace's shared replies; the user for a personal one.
    pub owner_id: Option<UserId>,
    /// What the agent types after `/` (`refund`): unique among what one user sees.
    pub shortcut: String,
    /// The text, with placeholders.
    pub body: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// The placeholders a body may use, each with what fills it.
pub const PLACEHOLDERS: [&str; 6] = [
    "contact.name",
    "contact.first_name",
    "agent.name",
    "agent.first_name",
    "inbox.name",
    "contact.phone",
];

/// What fills the placeholders for one conversation and agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fill {
    /// The contact's name (may be empty).
    pub contact_name: String,
    /// The contact's phone number, if any.
    pub contact_phone: String,
    /// The agent's name.
    pub agent_name: String,
    /// The inbox's name.
    pub inbox_name: String,
}

impl CannedReply {
    /// The longest shortcut.
    pub const MAX_SHORTCUT: usize = 32;
    /// The longest body: a long SMS thread's worth.
    pub const MAX_BODY: usize = 2_000;

    /// Checks a shortcut: 1 to 32 of `a-z 0-9 - _`, stored lower-case
    /// (a leading `/` is dropped: people type it).
    pub fn parse_shortcut(raw: &str) -> Result<String, DomainError> {
        let shortcut = raw.trim().trim_start_matches('/').to_lowercase();
        if shortcut.is_empty() || shortcut.chars().count() > Self::MAX_SHORTCUT {
            return Err(DomainError::invalid(
                "shortcut",
                format!("must be 1 to {} characters", Self::MAX_SHORTCUT),
            ));
        }
        if !shortcut
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(DomainError::invalid(
                "shortcut",
                "may hold only letters a-z, digits, - and _",
            ));
        }
        Ok(shortcut)
    }

    /// Checks a body: not empty, at most [`Self::MAX_BODY`] characters,
    /// and every `{{…}}` one of [`PLACEHOLDERS`].
    pub fn parse_body(raw: &str) -> Result<String, DomainError> {
        let body = required_text_multiline(raw, Self::MAX_BODY)?;
        for name in placeholders_in(&body)? {
            if !PLACEHOLDERS.contains(&name.as_str()) {
                return Err(DomainError::invalid(
                    "body",
                    format!(
                        "unknown placeholder {{{{{name}}}}}; known: {}",
                        PLACEHOLDERS
                            .iter()
                            .map(|p| format!("{{{{{p}}}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        Ok(body)
    }

    /// The body with its placeholders filled; an empty value leaves a
    /// readable fallback ("there" for a nameless contact's first name).
    pub fn render(&self, fill: &Fill) -> String {
        let first = |name: &str| name.split_whitespace().next().unwrap_or("").to_string();
        let or = |value: String, fallback: &str| {
            if value.trim().is_empty() {
                fallback.to_string()
            } else {
                value
            }
        };
        let mut out = self.body.clone();
        for (name, value) in [
            ("contact.first_name", or(first(&fill.contact_name), "there")),
            ("contact.name", or(fill.contact_name.clone(), "there")),
            ("contact.phone", fill.contact_phone.clone()),
            ("agent.first_name", first(&fill.agent_name)),
            ("agent.name", fill.agent_name.clone()),
            ("inbox.name", fill.inbox_name.clone()),
        ] {
            out = replace_placeholder(&out, name, &value);
        }
        out
    }
}

/// `{{ name }}` and `{{name}}` alike.
fn replace_placeholder(text: &str, name: &str, value: &str) -> String {
    text.replace(&format!("{{{{{name}}}}}"), value)
        .replace(&format!("{{{{ {name} }}}}"), value)
}

/// The names inside `{{…}}`, trimmed; an opened `{{` never closed is refused.
fn placeholders_in(body: &str) -> Result<Vec<String>, DomainError> {
    let mut names = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(DomainError::invalid("body", "a {{ is never closed with }}"));
        };
        names.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    Ok(names)
}

/// Like [`required_text`], but line breaks are kept (a reply has lines).
fn required_text_multiline(raw: &str, max: usize) -> Result<String, DomainError> {
    let body = raw.trim().replace("\r\n", "\n");
    let single_line: String = body.replace('\n', " ");
    required_text("body", &single_line, max)?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(body: &str) -> CannedReply {
        CannedReply {
            id: crate::CannedReplyId::generate(),
            workspace_id: WorkspaceId::generate(),
            owner_id: None,
            shortcut: "x".into(),
            body: body.into(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn shortcuts_are_short_plain_words() {
        assert_eq!(CannedReply::parse_shortcut(" /Refund ").unwrap(), "refund");
        assert!(CannedReply::parse_shortcut("").is_err());
        assert!(CannedReply::parse_shortcut("two words").is_err());
        assert!(CannedReply::parse_shortcut(&"a".repeat(33)).is_err());
    }

    #[test]
    fn an_unknown_placeholder_is_refused_by_name() {
        let error = CannedReply::parse_body("Hi {{contact.nickname}}").unwrap_err();
        assert!(error.to_string().contains("contact.nickname"), "{error}");
        assert!(CannedReply::parse_body("Hi {{contact.first_name").is_err());
        assert!(CannedReply::parse_body("   ").is_err());
        assert_eq!(
            CannedReply::parse_body("Hi {{ contact.first_name }},\r\nthanks").unwrap(),
            "Hi {{ contact.first_name }},\nthanks"
        );
    }

    #[test]
    fn placeholders_are_filled_with_fallbacks() {
        let fill = Fill {
            contact_name: "Rita Moreno".into(),
            contact_phone: "+14155550100".into(),
            agent_name: "Ana Lima".into(),
            inbox_name: "Support".into(),
        };
        let body = "Hi {{contact.first_name}}, {{ agent.first_name }} from {{inbox.name}} here.";
        assert_eq!(reply(body).render(&fill), "Hi Rita, Ana from Support here.");
        let nameless = Fill {
            contact_name: String::new(),
            ..fill
        };
        assert_eq!(
            reply("Hi {{contact.first_name}}").render(&nameless),
            "Hi there"
        );
    }
}

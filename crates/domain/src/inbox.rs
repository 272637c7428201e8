//! Inboxes: queues with a policy, and each member's view of them.

use serde::{Deserialize, Serialize};

use crate::text::{required_text, Word};
use crate::{DomainError, EmailAddress, InboxId, PhoneNumber, Timestamp, UserId, WorkspaceId};

/// A queue and policy container that channels feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    /// Its id.
    pub id: InboxId,
    /// The workspace it belongs to.
    pub workspace_id: WorkspaceId,
    /// `shared` (a team) or `personal` (one user's own number).
    pub kind: InboxKind,
    /// For a personal inbox, the user it belongs to.
    pub owner_id: Option<UserId>,
    /// Display name ("Support").
    pub name: String,
    /// One emoji shown beside the name.
    pub emoji: String,
    /// A `#rrggbb` colour.
    pub color: String,
    /// What the inbox is for.
    pub purpose: Purpose,
    /// Short code for links from other tools (`/compose?inbox=support`); unique per workspace.
    pub api_code: ApiCode,
    /// Whether read cursors are per member or shared by the team.
    pub unread_mode: UnreadMode,
    /// Carrier registration (A2P 10DLC) of its SMS sending.
    pub registration: Registration,
    /// Where to forward a copy of inbound messages by email, if anywhere.
    pub forward_to_email: Option<EmailAddress>,
    /// Where inbound calls are forwarded.
    pub voice_forward_to: Option<PhoneNumber>,
    /// How long a resolved conversation waits before it is closed, in seconds.
    pub auto_close_secs: i64,
    /// When it was created.
    pub created_at: Timestamp,
}

impl Inbox {
    /// Four days, the default wait before `resolved` becomes `closed`.
    pub const DEFAULT_AUTO_CLOSE_SECS: i64 = 4 * 24 * 3600;
    /// The shortest auto-close wait: a minute.
    pub const MIN_AUTO_CLOSE_SECS: i64 = 60;
    /// The longest auto-close wait: a year.
    pub const MAX_AUTO_CLOSE_SECS: i64 = 365 * 24 * 3600;
    /// The emoji of an inbox created without one.
    pub const DEFAULT_EMOJI: &'static str = "📥";
    /// The colour of an inbox created without one (slate).
    pub const DEFAULT_COLOR: &'static str = "#64748b";

    /// A new team inbox called `name` in `workspace`, with every other
    /// setting at its default: the default emoji and colour, a general
    /// purpose, a code made from the name, per-member unread, approved for
    /// sending, no forwarding, the default auto-close wait. Callers set what
    /// differs with struct update syntax (`Inbox { purpose, ..Inbox::shared(…) }`).
    pub fn shared(workspace: &WorkspaceId, name: &str, now: Timestamp) -> Self {
        Self {
            id: InboxId::generate(),
            workspace_id: workspace.clone(),
            kind: InboxKind::Shared,
            owner_id: None,
            name: name.to_string(),
            emoji: Self::DEFAULT_EMOJI.to_string(),
            color: Self::DEFAULT_COLOR.to_string(),
            purpose: Purpose::General,
            api_code: ApiCode::from_name(name),
            unread_mode: UnreadMode::PerUser,
            registration: Registration::Approved,
            forward_to_email: None,
            voice_forward_to: None,
            auto_close_secs: Self::DEFAULT_AUTO_CLOSE_SECS,
            created_at: now,
        }
    }

    /// Checks how long a resolved conversation waits before it closes: a
    /// minute to a year, so that a slip cannot close work at once or never.
    pub fn parse_auto_close_secs(secs: i64) -> Result<i64, DomainError> {
        if (Self::MIN_AUTO_CLOSE_SECS..=Self::MAX_AUTO_CLOSE_SECS).contains(&secs) {
            Ok(secs)
        } else {
            Err(DomainError::invalid(
                "auto_close_secs",
                format!(
                    "must be between {} (a minute) and {} (a year)",
                    Self::MIN_AUTO_CLOSE_SECS,
                    Self::MAX_AUTO_CLOSE_SECS
                ),
            ))
        }
    }

    /// Checks a display name.
    pub fn parse_name(raw: &str) -> Result<String, DomainError> {
        required_text("name", raw, 80)
    }

    /// Checks a colour: `#rrggbb`.
    pub fn parse_color(raw: &str) -> Result<String, DomainError> {
        let ok = raw.len() == 7
            && raw.starts_with('#')
            && raw[1..].chars().all(|c| c.is_ascii_hexdigit());
        if ok {
            Ok(raw.to_ascii_lowercase())
        } else {
            Err(DomainError::invalid("color", "must be #rrggbb"))
        }
    }

    /// Checks an emoji: a short, non-empty string without letters, digits,
    /// spaces or control characters.
    pub fn parse_emoji(raw: &str) -> Result<String, DomainError> {
        let emoji = raw.trim();
        // Emoji sequences (flags, ZWJ families, skin tones) are up to 8 code
        // points of symbols and joiners; letters of any script are a name, not an emoji.
        let not_emoji =
            |c: char| c.is_ascii() || c.is_alphanumeric() || c.is_whitespace() || c.is_control();
        if emoji.is_empty() || emoji.chars().count() > 8 || emoji.chars().any(not_emoji) {
            return Err(DomainError::invalid("emoji", "must be a single emoji"));
        }
        Ok(emoji.to_string())
    }
}

/// Shared by a team or personal to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// A team queue.
    Shared,
    /// One user's own number.
    Personal,
}

impl Word for InboxKind {
    const FIELD: &'static str = "kind";
    const ALL: &'static [(Self, &'static str)] =
        &[(Self::Shared, "shared"), (Self::Personal, "personal")];
    const EXPECTED: &'static str = "shared, personal";
}

/// What an inbox is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Customer support.
    Support,
    /// Sales.
    Sales,
    /// Customer success.
    Success,
    /// Anything else.
    General,
}

impl Word for Purpose {
    const FIELD: &'static str = "purpose";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Support, "support"),
        (Self::Sales, "sales"),
        (Self::Success, "success"),
        (Self::General, "general"),
    ];
    const EXPECTED: &'static str = "support, sales, success, general";
}

/// Whose read cursor the badges follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreadMode {
    /// Each member has their own read cursor.
    PerUser,
    /// One cursor for the whole team: read by one is read by all.
    Shared,
}

impl Word for UnreadMode {
    const FIELD: &'static str = "unread_mode";
    const ALL: &'static [(Self, &'static str)] =
        &[(Self::PerUser, "per_user"), (Self::Shared, "shared")];
    const EXPECTED: &'static str = "per_user, shared";
}

/// Carrier registration (A2P 10DLC) state of an inbox's SMS sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// Nothing filed yet.
    Unregistered,
    /// Filed, waiting on the carriers.
    Pending,
    /// Sending allowed.
    Approved,
    /// Refused by the carriers.
    Rejected,
}

impl Word for Registration {
    const FIELD: &'static str = "registration";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Unregistered, "unregistered"),
        (Self::Pending, "pending"),
        (Self::Approved, "approved"),
        (Self::Rejected, "rejected"),
    ];
    const EXPECTED: &'static str = "unregistered, pending, approved, rejected";
}

/// A short code naming an inbox in links: lower-case letters, digits, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApiCode(String);

impl ApiCode {
    /// Parses a code such as `support` or `sales-east`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code = raw.trim();
        let ok = (1..=40).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if ok {
            Ok(Self(code.to_string()))
        } else {
            Err(DomainError::invalid(
                "api_code",
                "must be 1-40 characters of a-z, 0-9, '-' or '_'",
            ))
        }
    }

    /// Derives a code from an inbox name ("Sales East" → `sales-east`).
    pub fn from_name(name: &str) -> Self {
        let mut code = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                code.push(c.to_ascii_lowercase());
            } else if !code.ends_with('-') && !code.is_empty() {
                code.push('-');
            }
        }
        // Cut first, then trim: a cut can end on a dash.
        let code: String = code.chars().take(40).collect();
        let code = code.trim_end_matches('-');
        Self(if code.is_empty() {
            "inbox".into()
        } else {
            code.to_string()
        })
    }

    /// Wraps a value read back from the database.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ApiCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<ApiCode> for String {
    fn from(value: ApiCode) -> Self {
        value.0
    }
}

/// A user's membership of an inbox, with their own order and mute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxMember {
    /// The inbox.
    pub inbox_id: InboxId,
    /// The member.
    pub user_id: UserId,
    /// This member's sort position of the inbox in their list.
    pub position: i64,
    /// Muted for this member: no notifications, still visible.
    pub muted: bool,
}

#[cfg(test)]
mod tests;

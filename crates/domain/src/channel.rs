//! Channels: the connected endpoints that feed an inbox.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::Word;
use crate::{ChannelId, InboxId, Timestamp};

/// An SMS number at a provider or an email address, feeding one inbox.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// Its id.
    pub id: ChannelId,
    /// The inbox it feeds.
    pub inbox_id: InboxId,
    /// SMS or email.
    pub kind: ChannelKind,
    /// Who carries the messages.
    pub provider: Provider,
    /// The E.164 number or the email address customers write to; unique per kind.
    pub address: String,
    /// Provider settings as JSON (account sid, auth token, IMAP host…). Secret:
    /// never logged, never returned by the API.
    #[serde(skip_serializing)]
    pub settings: String,
    /// When it was connected.
    pub created_at: Timestamp,
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("id", &self.id)
            .field("inbox_id", &self.inbox_id)
            .field("kind", &self.kind)
            .field("provider", &self.provider)
            .field("address", &self.address)
            .field("settings", &"<redacted>")
            .finish()
    }
}

/// The medium of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// SMS and MMS.
    Sms,
    /// Email.
    Email,
}

impl Word for ChannelKind {
    const FIELD: &'static str = "kind";
    const ALL: &'static [(Self, &'static str)] = &[(Self::Sms, "sms"), (Self::Email, "email")];
    const EXPECTED: &'static str = "sms, email";
}

/// Who carries a channel's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// The built-in phone simulator (the default on a fresh install).
    Simulator,
    /// Twilio Programmable Messaging.
    Twilio,
    /// IMAP in, SMTP out.
    Smtp,
}

impl Provider {
    /// Its name for people: `Simulator`, `Twilio`, `Email`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Simulator => "Simulator",
            Self::Twilio => "Twilio",
            Self::Smtp => "Email",
        }
    }
}

impl Word for Provider {
    const FIELD: &'static str = "provider";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Simulator, "simulator"),
        (Self::Twilio, "twilio"),
        (Self::Smtp, "smtp"),
    ];
    const EXPECTED: &'static str = "simulator, twilio, smtp";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tests::assert_word_table;

    #[test]
    fn every_channel_word_round_trips_through_word_and_serde() {
        assert_word_table::<ChannelKind>();
        assert_word_table::<Provider>();
    }

    fn channel() -> Channel {
        Channel {
            id: ChannelId::generate(),
            inbox_id: InboxId::generate(),
            kind: ChannelKind::Sms,
            provider: Provider::Twilio,
            address: "+14155550100".into(),
            settings: r#"{"auth_token":"s3cret-token"}"#.into(),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn channel_settings_never_reach_a_log_line() {
        let debug = format!("{:?}", channel());
        assert!(!debug.contains("s3cret-token"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn channel_settings_never_reach_an_api_response() {
        let json = serde_json::to_string(&channel()).unwrap();
        assert!(!json.contains("s3cret-token"), "{json}");
        assert!(!json.contains("settings"), "{json}");
    }
}

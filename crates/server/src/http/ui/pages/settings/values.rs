//! The values of an inbox's settings forms.

use serde::Deserialize;

use super::super::settings_actions::{AwayValues, SlaValues};

/// The values of the forms: the inbox's, or what was typed before a refusal.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Values {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Emoji.
    #[serde(default)]
    pub emoji: String,
    /// `#rrggbb`.
    #[serde(default)]
    pub color: String,
    /// `per_user` or `shared`.
    #[serde(default)]
    pub unread_mode: String,
    /// Forward inbound messages to this address.
    #[serde(default)]
    pub forward_to_email: String,
    /// Forward calls to this number.
    #[serde(default)]
    pub voice_forward_to: String,
    /// A registration state.
    #[serde(default)]
    pub registration: String,
    /// The code for links (`/compose?inbox=CODE`).
    #[serde(default)]
    pub api_code: String,
    /// How many `auto_close_unit`s a resolved conversation waits before it closes.
    #[serde(default)]
    pub auto_close: String,
    /// One of [`AUTO_CLOSE_UNITS`].
    #[serde(default)]
    pub auto_close_unit: String,
    /// The typed name confirming a deletion.
    #[serde(default)]
    pub confirm: String,
    /// The out-of-office card.
    #[serde(skip)]
    pub away: AwayValues,
    /// The auto-assignment mode.
    #[serde(default)]
    pub assignment_mode: String,
    /// The per-member cap; blank for none.
    #[serde(default)]
    pub assignment_cap: String,
    /// Contact owner's fallback mode.
    #[serde(default)]
    pub assignment_fallback: String,
    /// The SLA targets card.
    #[serde(skip)]
    pub sla: SlaValues,
    /// The Scheduled replies card: cancel them when the customer writes first.
    #[serde(skip)]
    pub cancel_on_reply: bool,
}

impl Values {
    /// The stored values, with the fields of the one form that was refused
    /// (`form`, the action it posts to) as they were typed: every other form
    /// on the page shows what is stored, so pressing its button changes
    /// nothing it does not show.
    pub(super) fn with_typed(mut self, form: &str, typed: Values) -> Self {
        match form {
            "appearance" => {
                self.name = typed.name;
                self.emoji = typed.emoji;
                self.color = typed.color;
            }
            "policy" => {
                self.api_code = typed.api_code;
                self.unread_mode = typed.unread_mode;
                self.forward_to_email = typed.forward_to_email;
                self.voice_forward_to = typed.voice_forward_to;
                self.auto_close = typed.auto_close;
                self.auto_close_unit = typed.auto_close_unit;
            }
            "registration" => self.registration = typed.registration,
            "assignment" => {
                self.assignment_mode = typed.assignment_mode;
                self.assignment_cap = typed.assignment_cap;
                self.assignment_fallback = typed.assignment_fallback;
            }
            "delete" => self.confirm = typed.confirm,
            "away" => self.away = typed.away,
            "sla" => self.sla = typed.sla,
            _ => {}
        }
        self
    }
}

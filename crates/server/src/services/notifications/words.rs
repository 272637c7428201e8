//! The stored and spoken words of [`Trigger`] and [`Medium`].

use domain::text::Word;

use super::{Medium, Trigger};

impl Word for Trigger {
    const FIELD: &'static str = "trigger";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::Inbound, "inbound"),
        (Self::Assigned, "assigned"),
        (Self::Mentioned, "mentioned"),
        (Self::SnoozeWoke, "snooze_woke"),
        (Self::RegistrationCompleted, "registration_completed"),
        (Self::SlaBreached, "sla_breached"),
    ];
    const EXPECTED: &'static str =
        "inbound, assigned, mentioned, snooze_woke, registration_completed, sla_breached";
}

impl Word for Medium {
    const FIELD: &'static str = "medium";
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::InApp, "in_app"),
        (Self::Email, "email"),
        (Self::SlackDm, "slack_dm"),
        (Self::Off, "off"),
    ];
    const EXPECTED: &'static str = "in_app, email, slack_dm, off";
}

impl Trigger {
    /// Every trigger, in the order settings list them.
    pub const ALL: [Self; 6] = [
        Self::Inbound,
        Self::Assigned,
        Self::Mentioned,
        Self::SnoozeWoke,
        Self::SlaBreached,
        Self::RegistrationCompleted,
    ];

    /// The medium a member has until they choose: in-app (an SLA breach
    /// too: it is about work in hand), except the registration news, which
    /// goes to admins by email.
    pub fn default_medium(self) -> Medium {
        match self {
            Self::RegistrationCompleted => Medium::Email,
            _ => Medium::InApp,
        }
    }
}

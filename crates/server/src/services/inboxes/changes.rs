//! What `PATCH /inboxes/{id}` changes: the inbox's own fields, set on the
//! row, and the policies stored beside it (out-of-office, SLA targets,
//! assignment), handed back to be saved.

use domain::{
    ApiCode, AssignmentPolicy, EmailAddress, Inbox, OutOfOffice, PhoneNumber, ScheduledSend,
    SlaPolicy, UnreadMode,
};

/// What `PATCH /inboxes/{id}` changes, already parsed. `None` leaves a field
/// as it is; for the clearable fields `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct InboxChanges {
    /// New display name.
    pub name: Option<String>,
    /// New emoji.
    pub emoji: Option<String>,
    /// New colour.
    pub color: Option<String>,
    /// New code for links (admins).
    pub api_code: Option<ApiCode>,
    /// New unread mode (admins).
    pub unread_mode: Option<UnreadMode>,
    /// Where to forward inbound messages by email (admins).
    pub forward_to_email: Option<Option<EmailAddress>>,
    /// Where to forward calls (admins).
    pub voice_forward_to: Option<Option<PhoneNumber>>,
    /// How long a resolved conversation waits before it closes (admins).
    pub auto_close_secs: Option<i64>,
    /// Business hours and the automatic reply (admins); stored beside the inbox.
    pub out_of_office: Option<OutOfOffice>,
    /// Its auto-assignment policy (admins).
    pub assignment: Option<AssignmentPolicy>,
    /// SLA targets per priority (admins); stored beside the inbox.
    pub sla: Option<SlaPolicy>,
    /// What happens to scheduled replies when the customer writes first
    /// (admins); stored beside the inbox.
    pub scheduled_send: Option<ScheduledSend>,
}

impl InboxChanges {
    /// The fields present that only an admin may change, by their API names.
    pub fn policy_fields(&self) -> Vec<&'static str> {
        [
            ("api_code", self.api_code.is_some()),
            ("unread_mode", self.unread_mode.is_some()),
            ("forward_to_email", self.forward_to_email.is_some()),
            ("voice_forward_to", self.voice_forward_to.is_some()),
            ("auto_close_secs", self.auto_close_secs.is_some()),
            ("out_of_office", self.out_of_office.is_some()),
            ("assignment", self.assignment.is_some()),
            ("sla", self.sla.is_some()),
            ("scheduled_send", self.scheduled_send.is_some()),
        ]
        .into_iter()
        .filter_map(|(field, present)| present.then_some(field))
        .collect()
    }

    /// Applies the inbox's own fields; the out-of-office setting and the SLA
    /// targets are returned, to be stored beside it.
    pub(super) fn apply(self, inbox: &mut Inbox) -> (Option<OutOfOffice>, Option<SlaPolicy>) {
        let Self {
            name,
            emoji,
            color,
            api_code,
            unread_mode,
            forward_to_email,
            voice_forward_to,
            auto_close_secs,
            out_of_office,
            assignment: _,
            sla,
            scheduled_send: _,
        } = self;
        set(&mut inbox.name, name);
        set(&mut inbox.emoji, emoji);
        set(&mut inbox.color, color);
        set(&mut inbox.api_code, api_code);
        set(&mut inbox.unread_mode, unread_mode);
        set(&mut inbox.forward_to_email, forward_to_email);
        set(&mut inbox.voice_forward_to, voice_forward_to);
        set(&mut inbox.auto_close_secs, auto_close_secs);
        (out_of_office, sla)
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

//! What the inbox endpoints answer, and the short form other resources embed.

use chrono::{DateTime, Utc};
use domain::text::Word;
use domain::Inbox;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{OutOfOfficeSetting, SlaSetting};
use crate::http::api::words::{
    AssignmentFallbackWord, AssignmentModeWord, InboxKindWord, PurposeWord, RegistrationWord,
    UnreadModeWord,
};
use crate::services::inboxes::InboxSummary;

/// The short form of an inbox that other resources embed (a conversation's
/// inbox, a notification).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxRef {
    /// Its id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One emoji.
    pub emoji: String,
    /// `#rrggbb`.
    pub color: String,
    /// The code for links (`/compose?inbox=support`).
    pub api_code: String,
}

impl From<&Inbox> for InboxRef {
    fn from(inbox: &Inbox) -> Self {
        Self {
            id: inbox.id.to_string(),
            name: inbox.name.clone(),
            emoji: inbox.emoji.clone(),
            color: inbox.color.clone(),
            api_code: inbox.api_code.as_str().to_string(),
        }
    }
}

/// The sidebar badges of an inbox, within its Open view.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct InboxCountsView {
    /// Nobody assigned.
    pub unassigned: i64,
    /// Assigned to the caller.
    pub mine: i64,
    /// Every open conversation.
    pub open: i64,
    /// Unread for the caller among the unassigned ones and theirs.
    pub unread: i64,
}

/// An inbox as the caller sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxView {
    /// Its id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One emoji.
    pub emoji: String,
    /// `#rrggbb`.
    pub color: String,
    /// The code for links (`/compose?inbox=support`).
    pub api_code: String,
    /// `shared` or `personal`.
    #[schema(value_type = InboxKindWord, example = "shared")]
    pub kind: String,
    /// For a personal inbox, the user it belongs to.
    pub owner_id: Option<String>,
    /// `support`, `sales`, `success` or `general`.
    #[schema(value_type = PurposeWord, example = "support")]
    pub purpose: String,
    /// Whether the caller muted it.
    pub muted: bool,
    /// `per_user` or `shared`.
    #[schema(value_type = UnreadModeWord, example = "per_user")]
    pub unread_mode: String,
    /// Carrier registration: `unregistered`, `pending`, `approved` or `rejected`.
    #[schema(value_type = RegistrationWord, example = "approved")]
    pub registration: String,
    /// Whether the caller is a member (admins also see the others).
    pub member: bool,
    /// Where inbound messages are forwarded by email.
    pub forward_to_email: Option<String>,
    /// Where calls are forwarded (E.164).
    pub voice_forward_to: Option<String>,
    /// How long a resolved conversation waits before it closes, in seconds.
    pub auto_close_secs: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its badges for the caller.
    pub counts: InboxCountsView,
    /// Business hours and the automatic reply; `null` until an admin sets them.
    pub out_of_office: Option<OutOfOfficeSetting>,
    /// SLA targets per priority; `null` until an admin sets them.
    pub sla: Option<SlaSetting>,
    /// How conversations entering its Unassigned queue are handed out.
    pub assignment: AssignmentView,
    /// What happens to scheduled replies when the customer writes first.
    pub scheduled_send: ScheduledSendSetting,
}

/// An inbox's scheduled-send policy (`PATCH /inboxes/{id}` takes the same).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduledSendSetting {
    /// Cancel a reply scheduled in a conversation when the customer writes
    /// before it goes (an internal note says so). On by default.
    pub cancel_on_reply: bool,
}

impl From<domain::ScheduledSend> for ScheduledSendSetting {
    fn from(policy: domain::ScheduledSend) -> Self {
        Self {
            cancel_on_reply: policy.cancel_on_reply,
        }
    }
}

impl From<ScheduledSendSetting> for domain::ScheduledSend {
    fn from(setting: ScheduledSendSetting) -> Self {
        Self {
            cancel_on_reply: setting.cancel_on_reply,
        }
    }
}

/// An inbox's auto-assignment policy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentView {
    /// `manual`, `round_robin`, `balanced` or `contact_owner`.
    #[schema(value_type = AssignmentModeWord, example = "manual")]
    pub mode: String,
    /// The most open conversations of the inbox one member is given; `null`: no limit.
    pub cap: Option<u32>,
    /// With `contact_owner`: the mode used when the owner cannot take it.
    #[schema(value_type = Option<AssignmentFallbackWord>)]
    pub fallback: Option<String>,
}

impl From<domain::AssignmentPolicy> for AssignmentView {
    fn from(policy: domain::AssignmentPolicy) -> Self {
        Self {
            mode: policy.mode.as_str().to_string(),
            cap: policy.cap,
            fallback: policy.fallback.map(|f| f.as_str().to_string()),
        }
    }
}

impl From<&InboxSummary> for InboxView {
    fn from(summary: &InboxSummary) -> Self {
        let (view, counts) = (&summary.view, &summary.counts);
        let inbox = &view.inbox;
        Self {
            id: inbox.id.to_string(),
            name: inbox.name.clone(),
            emoji: inbox.emoji.clone(),
            color: inbox.color.clone(),
            api_code: inbox.api_code.as_str().to_string(),
            kind: inbox.kind.as_str().to_string(),
            owner_id: inbox.owner_id.as_ref().map(ToString::to_string),
            purpose: inbox.purpose.as_str().to_string(),
            muted: view.muted,
            unread_mode: inbox.unread_mode.as_str().to_string(),
            registration: inbox.registration.as_str().to_string(),
            member: view.member,
            forward_to_email: inbox.forward_to_email.as_ref().map(ToString::to_string),
            voice_forward_to: inbox.voice_forward_to.as_ref().map(ToString::to_string),
            auto_close_secs: inbox.auto_close_secs,
            created_at: inbox.created_at,
            counts: InboxCountsView {
                unassigned: counts.unassigned,
                mine: counts.mine,
                open: counts.open,
                unread: counts.unread,
            },
            out_of_office: summary.out_of_office.as_ref().map(OutOfOfficeSetting::from),
            assignment: summary.assignment.into(),
            sla: summary.sla.as_ref().map(SlaSetting::from),
            scheduled_send: summary.scheduled_send.into(),
        }
    }
}

/// The caller's inboxes.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxList {
    /// In the caller's order; for admins, inboxes they are not in come last.
    pub items: Vec<InboxView>,
}

//! The `sla` object of `PATCH /inboxes/{id}` and of what the inbox
//! endpoints answer: response and resolution targets per priority.

use domain::{DomainError, SlaPolicy, SlaPolicyText, SlaTargets, SlaTargetsText};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One priority's targets in minutes (1 to 525,600, a year); each optional.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaTargetsSetting {
    /// The team's first reply within this many minutes of the customer's first message.
    #[schema(minimum = 1, maximum = 525_600, example = 60)]
    pub first_response_mins: Option<i64>,
    /// Each later reply within this many minutes of the customer writing again.
    #[schema(minimum = 1, maximum = 525_600, example = 240)]
    pub next_response_mins: Option<i64>,
    /// Done within this many minutes of the conversation's start.
    #[schema(minimum = 1, maximum = 525_600, example = 2880)]
    pub resolution_mins: Option<i64>,
}

/// An inbox's SLA targets per priority, counted in business hours when the
/// inbox has out-of-office hours set. Sent whole: it replaces the one
/// before. Conversations without a priority follow `normal`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaSetting {
    /// Low priority.
    #[serde(default)]
    pub low: SlaTargetsSetting,
    /// Normal priority, and conversations without one.
    #[serde(default)]
    pub normal: SlaTargetsSetting,
    /// High priority.
    #[serde(default)]
    pub high: SlaTargetsSetting,
    /// Urgent.
    #[serde(default)]
    pub urgent: SlaTargetsSetting,
}

impl From<SlaTargetsSetting> for SlaTargetsText {
    fn from(t: SlaTargetsSetting) -> Self {
        Self {
            first_response_mins: t.first_response_mins,
            next_response_mins: t.next_response_mins,
            resolution_mins: t.resolution_mins,
        }
    }
}

impl From<SlaTargets> for SlaTargetsSetting {
    fn from(t: SlaTargets) -> Self {
        Self {
            first_response_mins: t.first_response_mins.map(i64::from),
            next_response_mins: t.next_response_mins.map(i64::from),
            resolution_mins: t.resolution_mins.map(i64::from),
        }
    }
}

impl SlaSetting {
    /// Checks it; errors name the field (`sla.normal.first_response_mins`).
    pub fn parse(self) -> Result<SlaPolicy, DomainError> {
        SlaPolicy::parse(&SlaPolicyText {
            low: self.low.into(),
            normal: self.normal.into(),
            high: self.high.into(),
            urgent: self.urgent.into(),
        })
    }
}

impl From<&SlaPolicy> for SlaSetting {
    fn from(p: &SlaPolicy) -> Self {
        Self {
            low: p.low.into(),
            normal: p.normal.into(),
            high: p.high.into(),
            urgent: p.urgent.into(),
        }
    }
}

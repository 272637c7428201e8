//! The settings page's "SLA targets" card (admins): per priority, minutes
//! to the first response, to each next response and to the resolution.
//! What it shows is [`SlaValues`]; saving is [`save_sla`].

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use domain::{DomainError, SlaPolicy, SlaPolicyText, SlaTargets, SlaTargetsText};
use serde::Deserialize;

use super::{inbox_id, save_policy, InboxPath, Posted};
use crate::http::error::ApiError;
use crate::http::ui::pages::settings::Values;
use crate::http::ui::session::{Agent, CsrfForm};
use crate::services::inboxes::InboxChanges;
use crate::services::state::AppState;

/// One priority's three targets as typed (minutes; empty for none).
#[derive(Debug, Clone, Default)]
pub struct TargetValues {
    /// The priority's word (`normal`).
    pub priority: &'static str,
    /// Its label (`Normal`).
    pub label: &'static str,
    /// First response, minutes.
    pub first: String,
    /// Next response, minutes.
    pub next: String,
    /// Resolution, minutes.
    pub resolution: String,
}

/// The card's fields as text, named `sla_{priority}_{first|next|resolution}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SlaValues {
    #[serde(default)]
    sla_urgent_first: String,
    #[serde(default)]
    sla_urgent_next: String,
    #[serde(default)]
    sla_urgent_resolution: String,
    #[serde(default)]
    sla_high_first: String,
    #[serde(default)]
    sla_high_next: String,
    #[serde(default)]
    sla_high_resolution: String,
    #[serde(default)]
    sla_normal_first: String,
    #[serde(default)]
    sla_normal_next: String,
    #[serde(default)]
    sla_normal_resolution: String,
    #[serde(default)]
    sla_low_first: String,
    #[serde(default)]
    sla_low_next: String,
    #[serde(default)]
    sla_low_resolution: String,
}

fn shown(minutes: Option<u32>) -> String {
    minutes.map(|m| m.to_string()).unwrap_or_default()
}

/// A typed number of minutes; empty is none. A refusal names the field.
fn minutes(field: &'static str, raw: &str) -> Result<Option<i64>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>().map(Some).map_err(|_| {
        readable(DomainError::invalid(
            field,
            "must be a whole number of minutes",
        ))
    })
}

impl SlaValues {
    /// The stored targets as the card shows them (all empty when none).
    pub fn stored(policy: Option<&SlaPolicy>) -> Self {
        let p = policy.copied().unwrap_or_default();
        let t = |t: SlaTargets| {
            (
                shown(t.first_response_mins),
                shown(t.next_response_mins),
                shown(t.resolution_mins),
            )
        };
        let (uf, un, ur) = t(p.urgent);
        let (hf, hn, hr) = t(p.high);
        let (nf, nn, nr) = t(p.normal);
        let (lf, ln, lr) = t(p.low);
        Self {
            sla_urgent_first: uf,
            sla_urgent_next: un,
            sla_urgent_resolution: ur,
            sla_high_first: hf,
            sla_high_next: hn,
            sla_high_resolution: hr,
            sla_normal_first: nf,
            sla_normal_next: nn,
            sla_normal_resolution: nr,
            sla_low_first: lf,
            sla_low_next: ln,
            sla_low_resolution: lr,
        }
    }

    /// The rows of the card, most urgent first.
    pub fn rows(&self) -> [TargetValues; 4] {
        let row =
            |priority, label, first: &String, next: &String, resolution: &String| TargetValues {
                priority,
                label,
                first: first.clone(),
                next: next.clone(),
                resolution: resolution.clone(),
            };
        [
            row(
                "urgent",
                "Urgent",
                &self.sla_urgent_first,
                &self.sla_urgent_next,
                &self.sla_urgent_resolution,
            ),
            row(
                "high",
                "High",
                &self.sla_high_first,
                &self.sla_high_next,
                &self.sla_high_resolution,
            ),
            row(
                "normal",
                "Normal",
                &self.sla_normal_first,
                &self.sla_normal_next,
                &self.sla_normal_resolution,
            ),
            row(
                "low",
                "Low",
                &self.sla_low_first,
                &self.sla_low_next,
                &self.sla_low_resolution,
            ),
        ]
    }

    fn parse(&self) -> Result<SlaPolicy, ApiError> {
        let targets = |p: &str, f: &String, n: &String, r: &String| -> Result<_, ApiError> {
            let fields = field_names(p);
            Ok(SlaTargetsText {
                first_response_mins: minutes(fields[0], f)?,
                next_response_mins: minutes(fields[1], n)?,
                resolution_mins: minutes(fields[2], r)?,
            })
        };
        let text = SlaPolicyText {
            urgent: targets(
                "urgent",
                &self.sla_urgent_first,
                &self.sla_urgent_next,
                &self.sla_urgent_resolution,
            )?,
            high: targets(
                "high",
                &self.sla_high_first,
                &self.sla_high_next,
                &self.sla_high_resolution,
            )?,
            normal: targets(
                "normal",
                &self.sla_normal_first,
                &self.sla_normal_next,
                &self.sla_normal_resolution,
            )?,
            low: targets(
                "low",
                &self.sla_low_first,
                &self.sla_low_next,
                &self.sla_low_resolution,
            )?,
        };
        SlaPolicy::parse(&text).map_err(readable)
    }
}

/// The API's field names of one priority (for the same refusals as the API).
fn field_names(priority: &str) -> [&'static str; 3] {
    match priority {
        "urgent" => [
            "sla.urgent.first_response_mins",
            "sla.urgent.next_response_mins",
            "sla.urgent.resolution_mins",
        ],
        "high" => [
            "sla.high.first_response_mins",
            "sla.high.next_response_mins",
            "sla.high.resolution_mins",
        ],
        "low" => [
            "sla.low.first_response_mins",
            "sla.low.next_response_mins",
            "sla.low.resolution_mins",
        ],
        _ => [
            "sla.normal.first_response_mins",
            "sla.normal.next_response_mins",
            "sla.normal.resolution_mins",
        ],
    }
}

/// A refusal in words: `Urgent, first response: must be between …`.
fn readable(error: DomainError) -> ApiError {
    let text = match &error {
        DomainError::Invalid { field, message } => {
            let mut parts = field.split('.').skip(1);
            let priority = parts.next().unwrap_or_default();
            let which = match parts.next().unwrap_or_default() {
                "first_response_mins" => "first response",
                "next_response_mins" => "next response",
                _ => "resolution",
            };
            let mut label = priority.to_string();
            if let Some(first) = label.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!("{label}, {which}: {message}")
        }
        other => other.to_string(),
    };
    ApiError::unprocessable("validation", text)
}

/// `POST …/settings/sla` (admins).
pub async fn save_sla(
    State(state): State<AppState>,
    agent: Agent,
    jar: CookieJar,
    Path((_, id)): InboxPath,
    CsrfForm(form): CsrfForm<SlaValues>,
) -> Result<Response, ApiError> {
    let id = inbox_id(&id)?;
    let changes = form.parse().map(|policy| InboxChanges {
        sla: Some(policy),
        ..InboxChanges::default()
    });
    let typed = Values {
        sla: form,
        ..Values::default()
    };
    let posted = Posted::form("sla").typed(typed);
    save_policy(&state, &agent, jar, &id, changes, posted, "Saved.").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_targets_read_back_through_the_card_and_bad_ones_are_named() {
        let mut typed = SlaValues::stored(None);
        typed.sla_normal_first = "60".into();
        typed.sla_urgent_resolution = " 240 ".into();
        let policy = typed.parse().unwrap();
        assert_eq!(policy.normal.first_response_mins, Some(60));
        assert_eq!(SlaValues::stored(Some(&policy)).parse().unwrap(), policy);
        typed.sla_high_next = "0".into();
        let refused = format!("{:?}", typed.parse().unwrap_err());
        assert!(refused.contains("High, next response"), "{refused}");
    }
}

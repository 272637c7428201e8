//! What Slack POSTs to the interactivity URL: a form with one field,
//! `payload`, holding JSON. Only the two kinds Switchboard uses are read —
//! a button pressed on a message (`block_actions`) and a modal submitted
//! (`view_submission`); anything else is refused with a reason.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Why an interaction cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Slack interaction Switchboard understands: {0}")]
pub struct BadInteraction(pub String);

/// An interaction, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interaction {
    /// A button of a message was pressed.
    BlockAction {
        /// The Slack user who pressed it.
        user_id: String,
        /// The button's `action_id` (`assign`, `hide`, …).
        action_id: String,
        /// The button's `value` (the conversation, for Switchboard's buttons).
        value: String,
        /// Lets the app open a modal in the next three seconds.
        trigger_id: String,
        /// The channel of the message, when it was one.
        channel_id: Option<String>,
        /// The message's `ts`, when it was one.
        message_ts: Option<String>,
    },
    /// A modal was submitted.
    ViewSubmission {
        /// The Slack user who submitted it.
        user_id: String,
        /// The view's `callback_id` (which form it is).
        callback_id: String,
        /// What the app put in the view (Switchboard: the conversation).
        private_metadata: String,
        /// Each input's value by `block_id` then `action_id`.
        values: BTreeMap<String, BTreeMap<String, InputValue>>,
    },
}

/// One input of a submitted modal, as Slack sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InputValue {
    /// `plain_text_input`, `static_select`, `users_select`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// A text input's value.
    #[serde(default)]
    pub value: Option<String>,
    /// A `users_select`'s user.
    #[serde(default)]
    pub selected_user: Option<String>,
    /// A `static_select`'s option.
    #[serde(default)]
    pub selected_option: Option<SelectedOption>,
    /// A `multi_static_select`'s options.
    #[serde(default)]
    pub selected_options: Option<Vec<SelectedOption>>,
}

/// An option chosen in a select.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SelectedOption {
    /// The option's value.
    pub value: String,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "type")]
    kind: String,
    user: User,
    #[serde(default)]
    trigger_id: String,
    #[serde(default)]
    actions: Vec<Action>,
    #[serde(default)]
    container: Option<Container>,
    #[serde(default)]
    channel: Option<Channel>,
    #[serde(default)]
    view: Option<View>,
}

#[derive(Deserialize)]
struct User {
    id: String,
}

#[derive(Deserialize)]
struct Action {
    action_id: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct Container {
    #[serde(default)]
    message_ts: Option<String>,
    #[serde(default)]
    channel_id: Option<String>,
}

#[derive(Deserialize)]
struct Channel {
    id: String,
}

#[derive(Deserialize)]
struct View {
    #[serde(default)]
    callback_id: String,
    #[serde(default)]
    private_metadata: String,
    #[serde(default)]
    state: Option<ViewState>,
}

#[derive(Deserialize)]
struct ViewState {
    values: BTreeMap<String, BTreeMap<String, InputValue>>,
}

#[derive(Deserialize)]
struct TeamOnly {
    #[serde(default)]
    team: Option<Team>,
    #[serde(default)]
    user: Option<UserTeam>,
}

#[derive(Deserialize)]
struct Team {
    id: String,
}

#[derive(Deserialize)]
struct UserTeam {
    #[serde(default)]
    team_id: Option<String>,
}

/// The Slack team (workspace) an interaction comes from: `team.id`, else
/// the user's `team_id`. Read before the signature is checked, to find
/// whose signing secret checks it; nothing else of the payload is trusted
/// until then.
pub fn team_of(form_body: &[u8]) -> Result<String, BadInteraction> {
    let payload = payload_field(form_body)?;
    let read: TeamOnly = serde_json::from_str(&payload)
        .map_err(|e| BadInteraction(format!("the payload is not an interaction: {e}")))?;
    read.team
        .map(|t| t.id)
        .or_else(|| read.user.and_then(|u| u.team_id))
        .filter(|id| !id.is_empty())
        .ok_or_else(|| BadInteraction("the payload names no team".into()))
}

fn payload_field(form_body: &[u8]) -> Result<String, BadInteraction> {
    url::form_urlencoded::parse(form_body)
        .find(|(name, _)| name == "payload")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| BadInteraction("the form has no payload field".into()))
}

/// Reads the form body Slack POSTed (`payload=<url-encoded JSON>`).
pub fn parse(form_body: &[u8]) -> Result<Interaction, BadInteraction> {
    let payload = payload_field(form_body)?;
    let payload: Payload = serde_json::from_str(&payload)
        .map_err(|e| BadInteraction(format!("the payload is not an interaction: {e}")))?;
    match payload.kind.as_str() {
        "block_actions" => {
            let action = payload
                .actions
                .into_iter()
                .next()
                .ok_or_else(|| BadInteraction("block_actions without an action".into()))?;
            let container = payload.container.unwrap_or(Container {
                message_ts: None,
                channel_id: None,
            });
            Ok(Interaction::BlockAction {
                user_id: payload.user.id,
                action_id: action.action_id,
                value: action.value,
                trigger_id: payload.trigger_id,
                channel_id: container
                    .channel_id
                    .or_else(|| payload.channel.map(|c| c.id)),
                message_ts: container.message_ts,
            })
        }
        "view_submission" => {
            let view = payload
                .view
                .ok_or_else(|| BadInteraction("view_submission without a view".into()))?;
            Ok(Interaction::ViewSubmission {
                user_id: payload.user.id,
                callback_id: view.callback_id,
                private_metadata: view.private_metadata,
                values: view.state.map(|s| s.values).unwrap_or_default(),
            })
        }
        other => Err(BadInteraction(format!(
            "interactions of type {other:?} are not used"
        ))),
    }
}

//! What Slack POSTs when someone presses a notification's button or submits
//! the Assign modal. The request is checked against the signing secret of
//! the workspace that connected the payload's Slack team (stale or forged:
//! refused, nothing changed), then:
//!
//! - **Hide** enqueues the deletion of the message (a job: Slack wants an
//!   answer within three seconds), once however often Slack retries;
//! - **Assign** opens the modal (`views.open`, at once: its trigger expires);
//! - **Open** is a link; Slack still reports the press, which needs nothing;
//! - a submitted modal applies each change through the same services as the
//!   API, as the member whose email the Slack user has, under the same
//!   permissions (`submission`); a refusal is shown in the modal
//!   (`response_action: errors`).
//!   The message itself is then updated by the `slack` reaction.

use std::future::Future;
use std::time::Duration;

use channels::slack::blocks::{ASSIGN_ACTION, HIDE_ACTION, OPEN_ACTION};
use channels::slack::Interaction;
use domain::ConversationId;
use serde_json::{json, Value};
use store::slack::Connection;

use super::client;
use super::modal;
use crate::jobs::Job;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How long one Slack call made while Slack waits may take: Slack gives up
/// on an interaction after three seconds.
const SLACK_CALL_WAIT: Duration = Duration::from_millis(1_200);

/// An interaction as received: the raw body and the two headers.
#[derive(Debug, Clone)]
pub struct SignedInteraction {
    /// `X-Slack-Request-Timestamp`.
    pub timestamp: Option<String>,
    /// `X-Slack-Signature`.
    pub signature: Option<String>,
    /// The form body, untouched (the signature covers it).
    pub body: Vec<u8>,
}

/// What Slack is answered: nothing (HTTP 200, empty), or a JSON body (the
/// modal's errors).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// 200 with no body: done (a submitted modal closes).
    Done,
    /// 200 with this JSON.
    Json(Value),
}

/// Checks and handles one interaction.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn handle(state: &AppState, request: SignedInteraction) -> Result<Reply, ServiceError> {
    let connection = verify(state, &request).await?;
    let interaction = channels::slack::parse_interaction(&request.body)
        .map_err(|e| ServiceError::malformed("bad_interaction", e.to_string()))?;
    match interaction {
        Interaction::BlockAction {
            action_id,
            value,
            trigger_id,
            channel_id,
            message_ts,
            ..
        } => match action_id.as_str() {
            HIDE_ACTION => hide(state, &connection, channel_id, message_ts).await,
            ASSIGN_ACTION => open_modal(state, &connection, &value, &trigger_id).await,
            OPEN_ACTION => Ok(Reply::Done),
            other => Err(ServiceError::malformed(
                "bad_interaction",
                format!("unknown action_id {other:?}"),
            )),
        },
        Interaction::ViewSubmission {
            user_id,
            callback_id,
            private_metadata,
            values,
        } => {
            if callback_id != modal::CALLBACK_ID {
                return Err(ServiceError::malformed(
                    "bad_interaction",
                    format!("unknown callback_id {callback_id:?}"),
                ));
            }
            let id = ConversationId::parse(&private_metadata).map_err(|_| {
                ServiceError::malformed("bad_interaction", "private_metadata: not a conversation")
            })?;
            let submitted = match modal::read(&values) {
                Ok(submitted) => submitted,
                Err((block, why)) => return Ok(errors(block, &why)),
            };
            super::submission::submit(state, &connection, &user_id, &id, submitted).await
        }
    }
}

/// The connection whose signing secret signed the request. Anything that
/// is not signed by a connected workspace is "unauthenticated".
async fn verify(state: &AppState, request: &SignedInteraction) -> Result<Connection, ServiceError> {
    let unsigned = |why: &str| ServiceError::unauthenticated(format!("not a Slack request: {why}"));
    let (Some(timestamp), Some(signature)) = (&request.timestamp, &request.signature) else {
        return Err(unsigned(
            "X-Slack-Signature and X-Slack-Request-Timestamp are required",
        ));
    };
    let team = channels::slack::team_of(&request.body)
        .map_err(|e| ServiceError::malformed("bad_interaction", e.to_string()))?;
    let mut reader = state.store.read().await?;
    let candidates = store::slack::connections_of_team(&mut reader.conn(), &team).await?;
    drop(reader);
    let now = state.clock.now().timestamp();
    let mut refusal = channels::slack::SignatureError::Mismatch;
    for connection in candidates {
        match channels::slack::verify(
            &connection.signing_secret,
            timestamp,
            signature,
            &request.body,
            now,
        ) {
            Ok(()) => return Ok(connection),
            Err(why) => refusal = why,
        }
    }
    Err(unsigned(&refusal.to_string()))
}

/// Hide: delete the message, in a job, once.
async fn hide(
    state: &AppState,
    connection: &Connection,
    channel: Option<String>,
    ts: Option<String>,
) -> Result<Reply, ServiceError> {
    let (Some(channel), Some(ts)) = (channel, ts) else {
        return Err(ServiceError::malformed(
            "bad_interaction",
            "hide: the action names no message (container channel_id and message_ts)",
        ));
    };
    let job = Job::HideSlackMessage {
        workspace_id: connection.workspace_id.clone(),
        channel: channel.clone(),
        ts: ts.clone(),
    };
    let new = job
        .to_new(state.clock.now())
        .with_workspace(connection.workspace_id.clone())
        .with_dedupe_key(format!("slack-hide:{channel}:{ts}"));
    let mut tx = state.store.begin().await?;
    store::jobs::enqueue_once(&mut tx, new).await?;
    tx.commit().await?;
    state.jobs_enqueued.notify_one();
    Ok(Reply::Done)
}

/// Assign: open the modal seeded with the conversation's state.
async fn open_modal(
    state: &AppState,
    connection: &Connection,
    value: &str,
    trigger_id: &str,
) -> Result<Reply, ServiceError> {
    let id = ConversationId::parse(value).map_err(|_| {
        ServiceError::malformed("bad_interaction", "assign: the value is not a conversation")
    })?;
    let mut reader = state.store.read().await?;
    let conversation = store::conversations::get(&mut reader.conn(), &id)
        .await?
        .filter(|c| c.workspace_id == connection.workspace_id)
        .ok_or_else(|| {
            ServiceError::malformed("bad_interaction", "assign: no such conversation")
        })?;
    drop(reader);
    let view = modal::view(&conversation);
    if let Err(error) = in_time(client(state, connection).open_view(trigger_id, &view)).await {
        // The person sees no modal and can press again; Slack is answered.
        tracing::info!(%error, "Slack did not open the Assign modal");
    }
    Ok(Reply::Done)
}

/// A Slack call, given up (as an outage) when Slack would stop waiting for us.
pub(super) async fn in_time<T>(
    call: impl Future<Output = Result<T, channels::Error>>,
) -> Result<T, channels::Error> {
    tokio::time::timeout(SLACK_CALL_WAIT, call)
        .await
        .unwrap_or_else(|_| {
            Err(channels::Error::Transient(
                "Slack did not answer in time".into(),
            ))
        })
}

/// Slack's answer that shows `message` under the modal's `block`.
pub(super) fn errors(block: &str, message: &str) -> Reply {
    Reply::Json(json!({"response_action": "errors", "errors": {block: message}}))
}

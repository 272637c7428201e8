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
//!   permissions; a refusal is shown in the modal (`response_action: errors`).
//!   The message itself is then updated by the `slack` reaction.

use std::future::Future;
use std::time::Duration;

use channels::slack::blocks::{ASSIGN_ACTION, HIDE_ACTION, OPEN_ACTION};
use channels::slack::{Interaction, SlackClient};
use domain::{Action, ConversationId, EmailAddress, MessageBody, MessageKind, UserId};
use serde_json::{json, Value};
use store::slack::Connection;

use super::client;
use super::modal::{self, Submitted};
use crate::jobs::Job;
use crate::services::access::Principal;
use crate::services::conversations;
use crate::services::messages::{self, Post};
use crate::services::state::AppState;
use crate::services::{ErrorKind, ServiceError};

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
            submit(state, &connection, &user_id, &id, submitted).await
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

/// A submitted modal: each change as the member the Slack user is.
async fn submit(
    state: &AppState,
    connection: &Connection,
    slack_user: &str,
    id: &ConversationId,
    submitted: Submitted,
) -> Result<Reply, ServiceError> {
    let client = client(state, connection);
    let who = match member(state, &client, connection, slack_user).await {
        Ok(Some(who)) => who,
        Ok(None) => {
            return Ok(errors(
                modal::ASSIGNEE,
                "Your Slack account's email is not a member of this Switchboard workspace.",
            ))
        }
        Err(error) if matches!(error.kind(), ErrorKind::Unavailable) => {
            return Ok(errors(modal::ASSIGNEE, error.detail()))
        }
        Err(error) => return Err(error),
    };
    let outcome = apply(state, &client, connection, &who, id, submitted).await;
    match outcome {
        Ok(()) => Ok(Reply::Done),
        Err((block, error)) if matches!(error.kind(), ErrorKind::Internal) => {
            tracing::error!(%error, block, "a Slack modal's change failed");
            Ok(errors(block, "Switchboard could not save this; try again."))
        }
        Err((block, error)) => Ok(errors(block, error.detail())),
    }
}

/// Applies each field in the modal's order; the first refusal stops it and
/// names its block. Each service leaves a field that is already as asked
/// unchanged, so a retried submission changes nothing more.
async fn apply(
    state: &AppState,
    client: &SlackClient,
    connection: &Connection,
    who: &Principal,
    id: &ConversationId,
    submitted: Submitted,
) -> Result<(), (&'static str, ServiceError)> {
    let at = |block: &'static str| move |error: ServiceError| (block, error);
    if let Some(slack_user) = &submitted.assignee {
        let target = member(state, client, connection, slack_user)
            .await
            .map_err(at(modal::ASSIGNEE))?
            .ok_or_else(|| {
                (
                    modal::ASSIGNEE,
                    ServiceError::invalid(
                        "validation",
                        "This Slack user's email is not a member of this Switchboard workspace.",
                    ),
                )
            })?;
        assign(state, who, id, &target.user.id)
            .await
            .map_err(at(modal::ASSIGNEE))?;
    }
    if let Some(status) = submitted.status {
        let current = current_status(state, who, id)
            .await
            .map_err(at(modal::STATUS))?;
        if current != status {
            conversations::set_status(state, who, id, status)
                .await
                .map_err(at(modal::STATUS))?;
        }
    }
    if let Some(priority) = submitted.priority {
        conversations::set_priority(state, who, id, priority)
            .await
            .map_err(at(modal::PRIORITY))?;
    }
    if let Some(tags) = submitted.tags {
        let tags =
            domain::Tag::parse_set(&tags).map_err(|e| (modal::TAGS, ServiceError::from(e)))?;
        conversations::set_tags(state, who, id, tags)
            .await
            .map_err(at(modal::TAGS))?;
    }
    if let Some(subject) = submitted.subject {
        let subject = domain::conversation::parse_subject(&subject)
            .map_err(|e| (modal::SUBJECT, ServiceError::from(e)))?;
        conversations::set_subject(state, who, id, subject)
            .await
            .map_err(at(modal::SUBJECT))?;
    }
    if let Some(note) = submitted.note {
        add_note(state, who, id, &note)
            .await
            .map_err(at(modal::NOTE))?;
    }
    Ok(())
}

/// Gives the conversation to `to` the way the web app would: "assign to
/// me" when it is the submitter, "transfer" from the submitter's own, else
/// an admin's "assign". An agent taking someone else's is refused by the
/// same permission table.
async fn assign(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    to: &UserId,
) -> Result<(), ServiceError> {
    let mut reader = state.store.read().await?;
    let (current, _) =
        crate::services::access::conversation(&mut reader.conn(), who, id, Action::SeeInbox)
            .await?;
    drop(reader);
    if current.assignee_id.as_ref() == Some(to) {
        return Ok(());
    }
    if *to == who.user.id {
        conversations::assign_to_me(state, who, id).await?;
    } else if current.assignee_id.as_ref() == Some(&who.user.id) {
        conversations::transfer(state, who, id, to).await?;
    } else {
        conversations::assign(state, who, id, Some(to)).await?;
    }
    Ok(())
}

async fn current_status(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
) -> Result<domain::Status, ServiceError> {
    let mut reader = state.store.read().await?;
    let (current, _) =
        crate::services::access::conversation(&mut reader.conn(), who, id, Action::SeeInbox)
            .await?;
    Ok(current.status)
}

/// Adds the note unless the conversation's latest message is this very
/// note by this member (Slack retried the submission).
async fn add_note(
    state: &AppState,
    who: &Principal,
    id: &ConversationId,
    note: &str,
) -> Result<(), ServiceError> {
    let body = MessageBody::parse(note, false)?;
    let mut reader = state.store.read().await?;
    let latest = store::slack::latest_message(&mut reader.conn(), id).await?;
    drop(reader);
    if latest.is_some_and(|(kind, author, text)| {
        kind == "note" && author.as_deref() == Some(who.user.id.as_str()) && text == body.as_str()
    }) {
        return Ok(());
    }
    let post = Post {
        kind: MessageKind::Note,
        body,
        expected_version: None,
    };
    messages::post(state, who, id, post).await?;
    Ok(())
}

/// The member of the connection's workspace whose email the Slack user's
/// profile has (`users.info`); `None` when there is none.
async fn member(
    state: &AppState,
    client: &SlackClient,
    connection: &Connection,
    slack_user: &str,
) -> Result<Option<Principal>, ServiceError> {
    let user = match in_time(client.user(slack_user)).await {
        Ok(user) => user,
        Err(error) if error.provider_code() == Some("user_not_found") => return Ok(None),
        Err(error) => {
            return Err(ServiceError::unavailable(
                "slack_unavailable",
                "Slack did not tell who this user is; try again.",
                error,
            ))
        }
    };
    let Some(email) = user.email.and_then(|e| EmailAddress::parse(&e).ok()) else {
        return Ok(None);
    };
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let Some((user, _)) = store::users::by_email(&mut conn, &email).await? else {
        return Ok(None);
    };
    let role = store::workspaces::role_of(&mut conn, &connection.workspace_id, &user.id).await?;
    Ok(role.map(|role| Principal {
        user,
        workspace_id: connection.workspace_id.clone(),
        role,
    }))
}

/// A Slack call, given up (as an outage) when Slack would stop waiting for us.
async fn in_time<T>(
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
fn errors(block: &str, message: &str) -> Reply {
    Reply::Json(json!({"response_action": "errors", "errors": {block: message}}))
}

//! Slack as a notification medium. [`deliver`] posts a notification (Block
//! Kit, with Open / Assign / Hide) to a channel or a member's direct
//! messages and remembers where it is; [`refresh`] rewrites every message
//! showing a conversation after its state changed (the `slack` reaction's
//! job); [`hide`] deletes one (the Hide button's job). The connection is
//! [`connection`]'s, the buttons and the modal [`interactions`]'.
//!
//! Slack's refusals become job outcomes: 429 waits for `Retry-After`, an
//! outage is retried, a revoked or invalid token fails the job and is
//! recorded on the connection for the admins ("Slack: token revoked on …").

pub mod connection;
pub mod inbox_channel;
pub mod interactions;
mod modal;
mod submission;

use channels::slack::{Notification, PostedMessage, SlackClient};
use domain::{Conversation, ConversationId, WorkspaceId};
use store::slack::{Connection, PostedNotice};
use store::Conn;

use super::{Medium, Notice, Recipient};
use crate::jobs::JobError;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// Posts `notice` to its Slack channel, or as a direct message to its
/// member, and remembers the message so that later changes update it.
#[tracing::instrument(skip_all, fields(workspace_id = %notice.workspace_id, seq = notice.event_seq))]
pub async fn deliver(state: &AppState, notice: &Notice) -> Result<(), JobError> {
    let Some(conversation_id) = &notice.conversation_id else {
        return Err(JobError::Fail(
            "a Slack notification needs a conversation".into(),
        ));
    };
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let connection = connected(&mut conn, &notice.workspace_id).await?;
    let Some((conversation, notification)) =
        notification(state, &mut conn, conversation_id).await?
    else {
        // Deleted since (its inbox was): nothing to tell.
        return Ok(());
    };
    let member_email = match &notice.recipient {
        Recipient::Member {
            user_id,
            medium: Medium::SlackDm,
        } => Some(
            store::users::get(&mut conn, user_id)
                .await?
                .ok_or_else(|| JobError::Fail("the member no longer exists".into()))?
                .email,
        ),
        _ => None,
    };
    drop(reader);
    let client = client(state, &connection);
    let channel = match (&notice.recipient, member_email) {
        (Recipient::SlackChannel { channel }, _) => channel.clone(),
        (Recipient::Member { .. }, Some(email)) => {
            let found = client.user_by_email(email.as_str()).await;
            match slack_outcome(state, &connection, found).await? {
                Some(user) => user,
                None => {
                    return Err(JobError::Fail(format!(
                        "no Slack user has the email {email}"
                    )))
                }
            }
        }
        _ => {
            return Err(JobError::Fail(
                "not a Slack recipient (a channel or a member by Slack DM)".into(),
            ))
        }
    };
    let posted = client
        .post_message(
            &channel,
            &notification.fallback_text(),
            &notification.blocks(),
        )
        .await;
    let posted = slack_outcome(state, &connection, posted).await?;
    let mut tx = state.store.begin().await?;
    let notice = PostedNotice {
        channel: posted.channel,
        ts: posted.ts,
        workspace_id: conversation.workspace_id,
        conversation_id: conversation.id,
    };
    store::slack::remember(&mut tx, &notice, state.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Rewrites every Slack message showing the conversation with its state
/// now. Safe to run again: it writes what is, not what changed.
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn refresh(state: &AppState, id: &ConversationId) -> Result<(), JobError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let posted = store::slack::posted_for(&mut conn, id).await?;
    let Some(first) = posted.first() else {
        return Ok(());
    };
    let Some(connection) = store::slack::connection(&mut conn, &first.workspace_id).await? else {
        return Ok(());
    };
    let Some((_, notification)) = notification(state, &mut conn, id).await? else {
        return Ok(());
    };
    drop(reader);
    let client = client(state, &connection);
    let (text, blocks) = (notification.fallback_text(), notification.blocks());
    for notice in posted {
        let message = PostedMessage {
            channel: notice.channel.clone(),
            ts: notice.ts.clone(),
        };
        match client.update(&message, &text, &blocks).await {
            // Deleted in Slack by someone: nothing to update any more.
            Err(channels::Error::Permanent { code, .. })
                if code.as_deref() == Some("message_not_found") =>
            {
                forget(state, &notice.channel, &notice.ts).await?;
            }
            other => slack_outcome(state, &connection, other).await?,
        }
    }
    Ok(())
}

/// Deletes a notification from its channel (the Hide button) and forgets it.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace))]
pub async fn hide(
    state: &AppState,
    workspace: &WorkspaceId,
    channel: &str,
    ts: &str,
) -> Result<(), JobError> {
    let mut reader = state.store.read().await?;
    let Some(connection) = store::slack::connection(&mut reader.conn(), workspace).await? else {
        return Ok(());
    };
    drop(reader);
    let message = PostedMessage {
        channel: channel.to_string(),
        ts: ts.to_string(),
    };
    let deleted = client(state, &connection).delete(&message).await;
    slack_outcome(state, &connection, deleted).await?;
    Ok(forget(state, channel, ts).await?)
}

async fn forget(state: &AppState, channel: &str, ts: &str) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    store::slack::forget(&mut tx, channel, ts).await?;
    tx.commit().await?;
    Ok(())
}

/// A client of the connection's Slack workspace.
fn client(state: &AppState, connection: &Connection) -> SlackClient {
    SlackClient::new(
        &state.settings.slack_api_base,
        &connection.bot_token,
        state.http.clone(),
    )
}

async fn connected(conn: &mut Conn<'_>, workspace: &WorkspaceId) -> Result<Connection, JobError> {
    store::slack::connection(conn, workspace)
        .await?
        .ok_or_else(|| JobError::Fail("Slack is not connected to this workspace".into()))
}

/// A Slack call's result as a job's: 429 waits as told, outages retry, a
/// refused token is recorded for the admins and fails, other refusals fail.
async fn slack_outcome<T>(
    state: &AppState,
    connection: &Connection,
    result: Result<T, channels::Error>,
) -> Result<T, JobError> {
    let error = match result {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    if channels::slack::is_token_problem(&error) {
        let problem = error.provider_code().unwrap_or("invalid_auth").to_string();
        let mut tx = state.store.begin().await?;
        store::slack::record_token_problem(
            &mut tx,
            &connection.workspace_id,
            &problem,
            state.clock.now(),
        )
        .await?;
        tx.commit().await?;
        return Err(JobError::Fail(format!(
            "Slack refused the bot token ({problem}): reconnect Slack in the workspace settings"
        )));
    }
    Err(match error {
        channels::Error::RateLimited(after) => JobError::Retry {
            after: Some(after),
            reason: format!(
                "Slack is rate limiting us; retry after {} s",
                after.as_secs()
            ),
        },
        other if other.is_transient() => JobError::retry(slack_words(&other)),
        other => JobError::Fail(slack_words(&other)),
    })
}

/// A Slack error in words for the admins' job list (the crate's own words
/// are about SMS providers).
fn slack_words(error: &channels::Error) -> String {
    match error {
        channels::Error::Transient(what) => format!("Slack is unavailable for now: {what}"),
        channels::Error::Permanent { message, .. } => format!("Slack refused: {message}"),
        channels::Error::UnexpectedResponse(what) => {
            format!("Slack's answer could not be read: {what}")
        }
        other => format!("Slack: {other}"),
    }
}

/// What a notification of the conversation shows now; `None` when the
/// conversation no longer exists.
async fn notification(
    state: &AppState,
    conn: &mut Conn<'_>,
    id: &ConversationId,
) -> Result<Option<(Conversation, Notification)>, ServiceError> {
    let Some(conversation) = store::conversations::get(conn, id).await? else {
        return Ok(None);
    };
    let Some(inbox) = store::inboxes::get(conn, &conversation.inbox_id).await? else {
        return Ok(None);
    };
    let contact = store::contacts::get(conn, &conversation.contact_id).await?;
    let assignee = match &conversation.assignee_id {
        Some(user) => store::users::get(conn, user)
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let text = store::slack::latest_inbound_text(conn, id)
        .await?
        .unwrap_or_default();
    let notification = Notification {
        conversation_id: conversation.id.to_string(),
        url: permalink(state, &conversation),
        inbox_emoji: inbox.emoji,
        inbox_name: inbox.name,
        contact_name: contact.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        contact_number: contact
            .and_then(|c| c.phone)
            .map(|p| p.to_string())
            .unwrap_or_default(),
        text,
        status: status_word(conversation.status).to_string(),
        priority: priority_word(conversation.priority).to_string(),
        assignee,
        tags: conversation
            .tags
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
    };
    Ok(Some((conversation, notification)))
}

/// The conversation in the web app.
fn permalink(state: &AppState, conversation: &Conversation) -> String {
    format!(
        "{}/w/{}/c/{}",
        state.settings.public_url.trim_end_matches('/'),
        conversation.workspace_id,
        conversation.id
    )
}

/// A status as people read it (the web app's words).
fn status_word(status: domain::Status) -> &'static str {
    use domain::Status;
    match status {
        Status::New => "New",
        Status::Open => "Open",
        Status::Pending => "Pending",
        Status::OnHold => "On hold",
        Status::Snoozed => "Snoozed",
        Status::Resolved => "Done",
        Status::Closed => "Closed",
    }
}

/// A priority as people read it.
fn priority_word(priority: domain::Priority) -> &'static str {
    use domain::Priority;
    match priority {
        Priority::None => "None",
        Priority::Low => "Low",
        Priority::Normal => "Normal",
        Priority::High => "High",
        Priority::Urgent => "Urgent",
    }
}

//! The Assign modal submitted: each field applied through the same
//! services as the API, as the member whose email the submitting Slack user
//! has, under the same permission table; the first refusal is shown in the
//! modal under its field. Each service leaves a field already as asked
//! unchanged and a note is not added twice, so Slack's retries change nothing.

use channels::slack::SlackClient;
use domain::{Action, ConversationId, EmailAddress, MessageBody, MessageKind, UserId};
use store::slack::Connection;

use super::client;
use super::interactions::{errors, in_time, Reply};
use super::modal::{self, Submitted};
use crate::services::access::Principal;
use crate::services::conversations;
use crate::services::messages::{self, Post};
use crate::services::state::AppState;
use crate::services::{ErrorKind, ServiceError};

/// A submitted modal: each change as the member the Slack user is.
pub(super) async fn submit(
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
        attachments: Vec::new(),
        expected_version: None,
        send_at: None,
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

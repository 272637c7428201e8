//! Emails out: an inbound message forwarded to its inbox's address, and
//! notifications for members who chose email (or addresses among an inbox's
//! notification targets). The job re-reads what it tells at send time.

use channels::email::{Mailer, OutgoingEmail};
use domain::{Contact, Inbox, Message, MessageId};

use super::JobError;
use crate::services::notifications::email::{self as compose, About};
use crate::services::notifications::{Notice, Recipient, Trigger};
use crate::services::state::AppState;

/// Forwards one inbound message to `to`.
pub async fn forward(state: &AppState, id: &MessageId, to: &str) -> Result<(), JobError> {
    let mailer = mailer(state)?;
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let Some(message) = store::messages::get(&mut conn, id).await? else {
        return Ok(()); // deleted with its inbox: nothing to forward
    };
    let Some(conversation) = store::conversations::get(&mut conn, &message.conversation_id).await?
    else {
        return Ok(());
    };
    let Some(inbox) = store::inboxes::get(&mut conn, &conversation.inbox_id).await? else {
        return Ok(());
    };
    let contact = store::contacts::get(&mut conn, &conversation.contact_id).await?;
    drop(reader);
    let about = About {
        public_url: &state.settings.public_url,
        workspace_id: &inbox.workspace_id,
        inbox: &inbox,
        contact: contact.as_ref(),
        message: Some(&message),
    };
    send(mailer, compose::forwarded(about).to(to)?).await
}

/// Sends a notification email.
pub async fn notify(state: &AppState, notice: &Notice) -> Result<(), JobError> {
    let mailer = mailer(state)?;
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let to = match &notice.recipient {
        Recipient::Email { address } => address.clone(),
        Recipient::Member { user_id, .. } => match store::users::get(&mut conn, user_id).await? {
            Some(user) => user.email.to_string(),
            None => return Ok(()), // the member left: no one to tell
        },
        Recipient::SlackChannel { .. } => {
            return Err(JobError::Fail("not an email recipient".to_string()))
        }
    };
    let conversation = match &notice.conversation_id {
        Some(id) => store::conversations::get(&mut conn, id).await?,
        None => None,
    };
    let inbox_id = conversation
        .as_ref()
        .map(|c| c.inbox_id.clone())
        .or_else(|| notice.inbox_id.clone());
    let Some(inbox_id) = inbox_id else {
        return Err(JobError::Fail("a notification about nothing".to_string()));
    };
    let Some(inbox) = store::inboxes::get(&mut conn, &inbox_id).await? else {
        return Ok(()); // the inbox was deleted since
    };
    let contact: Option<Contact> = match &conversation {
        Some(c) => store::contacts::get(&mut conn, &c.contact_id).await?,
        None => None,
    };
    let message = match &conversation {
        Some(_) => notice.message(&mut conn).await?,
        None => None,
    };
    drop(reader);
    let email = compose_notice(state, notice, &inbox, contact.as_ref(), message.as_ref());
    send(mailer, email.to(&to)?).await
}

fn compose_notice(
    state: &AppState,
    notice: &Notice,
    inbox: &Inbox,
    contact: Option<&Contact>,
    message: Option<&Message>,
) -> compose::ConversationEmail {
    let about = About {
        public_url: &state.settings.public_url,
        workspace_id: &inbox.workspace_id,
        inbox,
        contact,
        message,
    };
    let link = match (&notice.conversation_id, notice.trigger) {
        (_, Trigger::RegistrationCompleted) | (None, _) => compose::inbox_link(&about),
        (Some(id), _) => compose::conversation_link(&about, id),
    };
    compose::notice(notice.trigger, about, link)
}

fn mailer(state: &AppState) -> Result<&Mailer, JobError> {
    state.mailer.as_ref().ok_or_else(|| {
        JobError::Fail("email is not configured on this server (smtp_url)".to_string())
    })
}

/// A busy or unreachable mail server is tried again; a refusal (SMTP 5xx:
/// no such mailbox, message refused) is final.
async fn send(mailer: &Mailer, email: OutgoingEmail) -> Result<(), JobError> {
    match mailer.send(&email).await {
        Ok(()) => Ok(()),
        Err(error) if error.is_transient() => Err(JobError::retry(error.to_string())),
        Err(error) => Err(JobError::Fail(error.to_string())),
    }
}

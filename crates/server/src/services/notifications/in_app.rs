//! The in-app medium: a row in the recipient's notification centre, pushed
//! live to their open pages.

use domain::UserId;
use store::notifications::Notification;
use store::Conn;

use super::{throttle, Notice, Trigger};
use crate::jobs::JobError;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// The longest text a notification keeps.
const MAX_CHARS: usize = 140;

/// Adds the notice to `user`'s centre (once, however often the job runs),
/// unless the throttle folds it into an earlier one.
pub async fn deliver(state: &AppState, notice: &Notice, user: &UserId) -> Result<(), JobError> {
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    if !throttle::claim(&mut tx, notice, now).await? {
        return Ok(());
    }
    let body = summary(&mut tx.conn(), notice).await?;
    let notification = Notification {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: notice.workspace_id.clone(),
        user_id: user.clone(),
        inbox_id: notice.inbox_id.clone(),
        conversation_id: notice.conversation_id.clone(),
        trigger: domain::text::Word::as_str(notice.trigger).to_string(),
        body,
        event_seq: notice.event_seq,
        created_at: now,
        read_at: None,
    };
    let added = store::notifications::insert(&mut tx, &notification).await?;
    // On PostgreSQL every node (this one too) hears of it on commit and
    // pushes it to its own feeds; on SQLite this node is the only one.
    let announced =
        added && store::notify::announce_notification(&mut tx, &notification.id).await?;
    tx.commit().await?;
    if added && !announced {
        state.hub.publish_notification(notification);
    }
    Ok(())
}

/// The short text: who (the contact's name, else number) and what (the
/// first line of the message, or what happened).
pub async fn summary(conn: &mut Conn<'_>, notice: &Notice) -> Result<String, ServiceError> {
    let who = match &notice.conversation_id {
        Some(id) => match store::conversations::get(conn, id).await? {
            Some(conversation) => store::contacts::get(conn, &conversation.contact_id)
                .await?
                .map(|c| {
                    if c.name.trim().is_empty() {
                        c.phone.map(|p| p.as_str().to_string()).unwrap_or_default()
                    } else {
                        c.name
                    }
                }),
            None => None,
        },
        // No conversation: the inbox's name says which one (registration).
        None => match &notice.inbox_id {
            Some(id) => store::inboxes::get(conn, id).await?.map(|i| i.name),
            None => None,
        },
    };
    let what = match notice.trigger {
        Trigger::Inbound | Trigger::Mentioned => {
            let line = message_line(conn, notice).await?;
            match (notice.trigger, line) {
                (Trigger::Mentioned, Some(line)) => format!("mentioned you: {line}"),
                (Trigger::Mentioned, None) => "mentioned you".to_string(),
                (_, Some(line)) => line,
                (_, None) => "new message".to_string(),
            }
        }
        Trigger::Assigned => "assigned to you".to_string(),
        Trigger::SnoozeWoke => "snooze ended".to_string(),
        Trigger::SlaBreached => "overdue: missed its SLA target".to_string(),
        Trigger::RegistrationCompleted => "carrier registration completed".to_string(),
    };
    let text = match who {
        Some(who) if !who.is_empty() => format!("{who}: {what}"),
        _ => what,
    };
    Ok(shorten(&text))
}

/// The first non-empty line of the message the notice's event added.
async fn message_line(
    conn: &mut Conn<'_>,
    notice: &Notice,
) -> Result<Option<String>, ServiceError> {
    let message = notice.message(conn).await?;
    Ok(message.and_then(|m| {
        domain::mention::plain(m.body.as_str())
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_string)
    }))
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_CHARS {
        return text.to_string();
    }
    let mut short: String = text.chars().take(MAX_CHARS - 1).collect();
    short.push('…');
    short
}

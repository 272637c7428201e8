//! The page's contacts and last messages, each read in one query by id.

use std::collections::HashMap;

use domain::{Contact, Message};

use crate::contacts::{contact_from_row, ContactRow};
use crate::events::placeholders;
use crate::messages::{message_from_row, MessageRow};
use crate::{Conn, Result};

/// The contacts with these ids, by id.
pub(super) async fn contacts_by_id(
    conn: &mut Conn<'_>,
    ids: &[String],
) -> Result<HashMap<String, Contact>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {} FROM contacts WHERE id IN ({})",
        crate::contacts::COLUMNS,
        placeholders(1, ids.len())
    );
    let rows = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as::<_, ContactRow>(&sql);
        for id in ids {
            query = query.bind(id.as_str());
        }
        query.fetch_all(&mut **c).await
    })?;
    rows.into_iter()
        .map(|row| {
            let contact = contact_from_row(row)?;
            Ok((contact.id.to_string(), contact))
        })
        .collect()
}

/// The messages with these ids (the conversations' `last_message_id`), by
/// conversation id.
pub(super) async fn messages_by_conversation(
    conn: &mut Conn<'_>,
    ids: &[String],
) -> Result<HashMap<String, Message>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {} FROM messages WHERE id IN ({})",
        crate::messages::COLUMNS,
        placeholders(1, ids.len())
    );
    let rows = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as::<_, MessageRow>(&sql);
        for id in ids {
            query = query.bind(id.as_str());
        }
        query.fetch_all(&mut **c).await
    })?;
    rows.into_iter()
        .map(|row| {
            let message = message_from_row(row)?;
            Ok((message.conversation_id.to_string(), message))
        })
        .collect()
}

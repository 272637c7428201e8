//! The message a search found in each conversation of a page, so the queue
//! can show (and highlight) why a conversation matched.

use std::collections::HashMap;

use domain::ConversationId;

use super::search::{self, search_text};
use super::sql::{apply_binds, Builder, Visible};
use super::ConversationFilter;
use crate::events::placeholders;
use crate::{Conn, Result};

/// For each of `conversations` with one of the messages `filter`'s search
/// found (the same bounded, newest-first set the list was cut from), the
/// newest such message's body. Conversations that matched only by their
/// contact are not in the map.
#[tracing::instrument(skip_all, fields(conversations = conversations.len()), err(level = "debug"))]
pub async fn hits(
    conn: &mut Conn<'_>,
    filter: &ConversationFilter,
    conversations: &[ConversationId],
) -> Result<HashMap<ConversationId, String>> {
    let Some(q) = search_text(filter).filter(|_| !conversations.is_empty()) else {
        return Ok(HashMap::new());
    };
    let mut b = Builder::new(filter);
    let visible = Visible::bind(&mut b, filter).on("sc");
    let Some(found) = search::messages(
        &mut b,
        &q,
        super::backend(conn),
        &visible,
        "m.conversation_id, m.body",
    ) else {
        return Ok(HashMap::new());
    };
    let first = b.len() + 1;
    let sql = format!(
        "SELECT conversation_id, body FROM ({found}) found \
         WHERE conversation_id IN ({}) ORDER BY found_at DESC",
        placeholders(first, conversations.len())
    );
    let mut binds = b.into_binds();
    binds.extend(
        conversations
            .iter()
            .map(|id| super::sql::Bind::Text(id.as_str().to_string())),
    );
    let rows: Vec<(String, String)> = crate::on_backend!(conn, c => {
        apply_binds(sqlx::query_as(&sql), &binds).fetch_all(&mut **c).await
    })?;
    let mut found = HashMap::new();
    for (id, body) in rows {
        // Newest first: the first seen for a conversation is its newest hit.
        found
            .entry(ConversationId::from_trusted(id))
            .or_insert(body);
    }
    Ok(found)
}

//! The message a search found in each conversation of a page, so the queue
//! can show (and highlight) why a conversation matched.

use std::collections::HashMap;

use domain::ConversationId;

use super::words::{fts5_query, tsquery_prefixes};
use crate::events::placeholders;
use crate::{Backend, Conn, Result};

/// For each of `conversations` with a message matching the words of `q`
/// (as the queue's search matches them), the newest such message's body.
/// Conversations that matched only by their contact are not in the map.
#[tracing::instrument(skip_all, fields(conversations = conversations.len()), err(level = "debug"))]
pub async fn hits(
    conn: &mut Conn<'_>,
    conversations: &[ConversationId],
    q: &str,
) -> Result<HashMap<ConversationId, String>> {
    let words = match super::backend(conn) {
        Backend::Sqlite => fts5_query(q),
        Backend::Postgres => tsquery_prefixes(q),
    };
    let Some(words) = words.filter(|_| !conversations.is_empty()) else {
        return Ok(HashMap::new());
    };
    let ids = placeholders(2, conversations.len());
    let matching = match super::backend(conn) {
        Backend::Sqlite => "messages_fts MATCH $1",
        Backend::Postgres => "m.search @@ to_tsquery('simple', $1)",
    };
    let from = match super::backend(conn) {
        Backend::Sqlite => "messages_fts JOIN messages m ON m.rowid = messages_fts.rowid",
        Backend::Postgres => "messages m",
    };
    let sql = format!(
        "SELECT m.conversation_id, m.body FROM {from} \
         WHERE {matching} AND m.conversation_id IN ({ids}) \
         ORDER BY m.created_at DESC, m.id DESC"
    );
    let rows: Vec<(String, String)> = crate::on_backend!(conn, c => {
        let mut query = sqlx::query_as(&sql).bind(&words);
        for id in conversations {
            query = query.bind(id.as_str());
        }
        query.fetch_all(&mut **c).await
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

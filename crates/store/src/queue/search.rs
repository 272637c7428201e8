//! The search's SQL (issue 12): every branch is an index lookup whose work
//! is bounded whatever the word, so a common word costs what a rare one does.
//!
//! - Messages: the full-text index (FTS5 on SQLite, the `search` tsvector's
//!   GIN index on PostgreSQL), newest matches first, at most
//!   [`CANDIDATES`] of them, within the inboxes the viewer may see. A search
//!   lists the conversations of its newest matches; older ones are not
//!   reached, which is what keeps a word found in a tenth of all messages
//!   from gathering every one of them before the page is cut.
//! - Contacts: each word of the name or email by its start, case and
//!   accents ignored (`contacts_fts` / `contact_search_words`), and the
//!   phone by any run of three or more digits (trigrams), migration 0020.

use super::sql::Builder;
use super::words::{fts5_query, phone_digits, tsquery_prefixes};
use super::ConversationFilter;
use crate::Backend;

/// How many matching messages (and contacts) a search looks at, newest
/// first: enough for two pages of results even when every match is in
/// another conversation, few enough that the lookups of their
/// conversations stay within a few milliseconds (1,000 cost ~25 ms on
/// PostgreSQL at a million messages, 200 about 5 ms).
pub(super) const CANDIDATES: u32 = 200;

/// The search text without control characters (PostgreSQL refuses NUL in
/// text), or `None` when nothing is left to search for.
pub(super) fn search_text(filter: &ConversationFilter) -> Option<String> {
    let q: String = filter
        .q
        .as_deref()?
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let q = q.trim();
    (!q.is_empty()).then(|| q.to_string())
}

/// The newest messages matching the words of `q` in conversations `sc`
/// that pass `visible`, newest first and at most [`CANDIDATES`], selecting
/// `columns` (of `m`, the message; `found_at` orders them). `None` when `q`
/// has no word to look for.
pub(super) fn messages(
    b: &mut Builder,
    q: &str,
    backend: Backend,
    visible: &[String],
    columns: &str,
) -> Option<String> {
    let visible = visible.join(" AND ");
    Some(match backend {
        // FTS5 walks its index in rowid order itself: the LIMIT stops the
        // walk (for whole words: see `fts5_words`).
        Backend::Sqlite => format!(
            "SELECT {columns}, messages_fts.rowid AS found_at FROM messages_fts \
             JOIN messages m ON m.rowid = messages_fts.rowid \
             JOIN conversations sc ON sc.id = m.conversation_id \
             WHERE messages_fts MATCH {} AND {visible} \
             ORDER BY messages_fts.rowid DESC LIMIT {CANDIDATES}",
            fts5_words(b, q)?
        ),
        // Ids are time-ordered: newest first is the primary key backwards,
        // which the planner walks (testing each message's words) when the
        // word is common, and reads from the GIN index when it is rare.
        Backend::Postgres => {
            let query = b.text(&tsquery_prefixes(q)?);
            let common = common_words(b, q)?;
            // Two ways to the newest matches; the one-time filters run
            // only the one that fits the words (see `common_words`). The
            // rare word's matches are sorted before their conversations
            // are looked up, so the LIMIT stops the lookups: a word in 0.05 %
            // of ten million messages has ~4,800 matches, and looking up
            // every one's conversation before the sort took longer than
            // finding them (EXPLAIN ANALYZE: 40 -> 18 ms warm).
            format!(
                "SELECT * FROM (\
                 (SELECT {columns}, m.id AS found_at FROM messages m \
                  JOIN conversations sc ON sc.id = m.conversation_id \
                  WHERE m.search @@ to_tsquery('simple', {query}) AND {visible} AND {common} \
                  ORDER BY m.id DESC LIMIT {CANDIDATES}) \
                 UNION ALL \
                 (WITH hits AS MATERIALIZED (SELECT id, conversation_id, body FROM messages \
                   WHERE search @@ to_tsquery('simple', {query}) AND NOT {common}) \
                  SELECT {columns}, m.id AS found_at FROM (SELECT * FROM hits ORDER BY id DESC) m \
                  JOIN conversations sc ON sc.id = m.conversation_id \
                  WHERE {visible} ORDER BY m.id DESC LIMIT {CANDIDATES})) searched"
            )
        }
    })
}

/// How many indexed words a typed word may start and still be looked for
/// as those words by name rather than as a prefix (see [`fts5_words`]).
const EXPANDED: usize = 16;

/// How many typed words are looked for by name at most; a longer search is
/// left a prefix query (binds and seeks grow with every word).
const EXPANDED_WORDS: usize = 8;

/// The FTS5 query of `q` for the messages, as an SQL expression that
/// SQLite evaluates once per query. `None` when `q` has no word.
///
/// A prefix (`"thanks"*`) makes FTS5 merge the whole list of messages of
/// every word it starts before it returns the newest match: for a word in
/// a tenth of ten million messages that was most of a search. The same
/// words by name (`("thanks" OR "thanksgiving")`) are read newest first
/// and stop at the LIMIT. So each typed word becomes the indexed words it
/// starts, found in `messages_fts_words` (`Store::connect`) one seek each,
/// which matches the same messages. A word that starts more than
/// [`EXPANDED`] words, or none, stays a prefix, as does one the tokenizer
/// would fold (not ASCII: accents), since the lookup compares bytes.
fn fts5_words(b: &mut Builder, q: &str) -> Option<String> {
    let words = super::words::distinct_words(q);
    if words.is_empty() {
        return None;
    }
    if words.len() > EXPANDED_WORDS {
        return fts5_query(q).map(|query| b.text(&query));
    }
    let parts: Vec<String> = words
        .iter()
        .map(|word| {
            let prefix = b.text(&format!("\"{word}\"*"));
            match super::words::next_prefix(word) {
                Some(end) => {
                    let (start, end) = (b.text(word), b.text(&end));
                    format!(
                        "(SELECT CASE WHEN count(*) BETWEEN 1 AND {EXPANDED} \
                          THEN '(' || group_concat('\"' || term || '\"', ' OR ') || ')' \
                          ELSE {prefix} END FROM (\
                          WITH RECURSIVE found(term) AS (\
                           SELECT (SELECT term FROM messages_fts_words \
                            WHERE term >= {start} AND term < {end} LIMIT 1) \
                           UNION ALL \
                           SELECT (SELECT term FROM messages_fts_words \
                            WHERE term >= found.term || char(1) AND term < {end} LIMIT 1) \
                           FROM found WHERE found.term IS NOT NULL LIMIT {}) \
                          SELECT term FROM found WHERE term IS NOT NULL))",
                        EXPANDED + 1
                    )
                }
                None => prefix,
            }
        })
        .collect();
    Some(format!("({})", parts.join(" || ' AND ' || ")))
}

/// Share of messages, at or above which a word counts as common.
const COMMON: f64 = 0.003;

/// Whether every word of `q` is in at least [`COMMON`] of all messages
/// (as a prefix), by the statistics `ANALYZE` keeps of the `search`
/// column's most common words: an SQL condition that PostgreSQL evaluates
/// once per query.
///
/// For a common word the newest matches are found by walking the messages
/// newest first and testing each (200 matches of a word in 10 % of messages
/// are 2,000 rows away); for a rare word, by taking every match from the
/// GIN index and sorting them (few). The planner cannot tell the two apart
/// for a prefix it has no statistics of: it walked 10 million messages for
/// a word in none of them (4 s).
fn common_words(b: &mut Builder, q: &str) -> Option<String> {
    let words: Vec<String> = super::words::search_words(q)
        .iter()
        .map(|w| b.text(w))
        .collect();
    (!words.is_empty()).then(|| {
        format!(
            "(SELECT coalesce(min(w.share), 0) >= {COMMON} FROM (SELECT \
             (SELECT coalesce(sum(e.share), 0) FROM pg_stats s \
              CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) \
                AS e(word, share) \
              WHERE s.schemaname = current_schema() AND s.tablename = 'messages' \
                AND s.attname = 'search' AND starts_with(e.word, p.word)) AS share \
             FROM unnest(ARRAY[{}]) AS p(word)) w)",
            words.join(", ")
        )
    })
}

/// The condition on `c` for a search: a conversation with one of the
/// newest matching messages, or whose contact matches. `visible` are the
/// workspace and inbox conditions, written on `sc`.
pub(super) fn condition(b: &mut Builder, q: &str, backend: Backend, visible: &[String]) -> String {
    let mut branches = Vec::new();
    if let Some(found) = messages(b, q, backend, visible, "m.conversation_id") {
        branches.push(format!("SELECT conversation_id FROM ({found}) found"));
    }
    for contacts in contacts(b, q, backend) {
        branches.push(format!(
            "SELECT cc.id FROM conversations cc WHERE cc.contact_id IN ({contacts})"
        ));
    }
    if branches.is_empty() {
        // Only punctuation: nothing can match.
        return "1 = 0".to_string();
    }
    format!("c.id IN ({})", branches.join(" UNION "))
}

/// The ids of the workspace's contacts matching `q`: by the words of their
/// name or email, and by their phone's digits when `q` looks like (part of)
/// a phone number. At most [`CANDIDATES`] each.
fn contacts(b: &mut Builder, q: &str, backend: Backend) -> Vec<String> {
    let mut found = Vec::new();
    match backend {
        Backend::Sqlite => {
            if let Some(words) = fts5_query(q) {
                found.push(format!(
                    "SELECT ct.id FROM contacts_fts JOIN contacts ct ON ct.rowid = contacts_fts.rowid \
                     WHERE contacts_fts MATCH {} AND ct.workspace_id = $1 \
                     ORDER BY contacts_fts.rowid DESC LIMIT {CANDIDATES}",
                    b.text(&words)
                ));
            }
            if let Some(digits) = phone_digits(q) {
                // Digits only: quoted, they are one trigram string to find.
                found.push(format!(
                    "SELECT ct.id FROM contacts_phone_fts JOIN contacts ct ON ct.rowid = contacts_phone_fts.rowid \
                     WHERE contacts_phone_fts MATCH {} AND ct.workspace_id = $1 \
                     ORDER BY contacts_phone_fts.rowid DESC LIMIT {CANDIDATES}",
                    b.text(&format!("\"{digits}\""))
                ));
            }
        }
        Backend::Postgres => {
            if let Some(words) = tsquery_prefixes(q) {
                found.push(format!(
                    "SELECT ct.id FROM contacts ct WHERE ct.workspace_id = $1 \
                     AND contact_search_words(ct.name, ct.email) @@ to_tsquery('simple', search_unaccent({})) \
                     LIMIT {CANDIDATES}",
                    b.text(&words)
                ));
            }
            if let Some(digits) = phone_digits(q) {
                found.push(format!(
                    "SELECT ct.id FROM contacts ct WHERE ct.workspace_id = $1 \
                     AND regexp_replace(ct.phone, '[^0-9]', '', 'g') LIKE {} \
                     LIMIT {CANDIDATES}",
                    b.text(&format!("%{digits}%"))
                ));
            }
        }
    }
    found
}

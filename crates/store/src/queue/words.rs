//! A search's words in each backend's full-text syntax (and for LIKE):
//! typed text is only ever words, never an operator.

/// The words of a search: runs of letters and digits, lower-cased, as
/// both full-text indexes cut text into words. Anything else typed (`"`,
/// `*`, `NEAR(`, `-`, `|`, `&`) only separates words, so nothing is ever
/// parsed as an operator.
fn search_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Each word as an FTS5 prefix string (`"rinn"*`), all required: a word
/// typed halfway ("Rinn") finds the whole one ("Rinnai"), as a search box
/// is used. `None` when there is no word to look for.
pub(super) fn fts5_query(q: &str) -> Option<String> {
    let words = search_words(q);
    (!words.is_empty()).then(|| {
        words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The same as a PostgreSQL `tsquery` of quoted prefixes (`'rinn':*`), all
/// required.
pub(super) fn tsquery_prefixes(q: &str) -> Option<String> {
    let words = search_words(q);
    (!words.is_empty()).then(|| {
        words
            .iter()
            .map(|w| format!("'{w}':*"))
            .collect::<Vec<_>>()
            .join(" & ")
    })
}

/// `%`, `_` and `\` match themselves in a LIKE pattern with `ESCAPE '\'`.
pub(super) fn escape_like(q: &str) -> String {
    let mut escaped = String::with_capacity(q.len());
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_words_become_fts5_prefixes() {
        assert_eq!(
            fts5_query(r#"a"b NEAR( -x *"#).as_deref(),
            Some(r#""a"* "b"* "near"* "x"*"#)
        );
        assert_eq!(fts5_query("  * \" "), None);
    }

    #[test]
    fn words_become_quoted_tsquery_prefixes() {
        assert_eq!(
            tsquery_prefixes("Rinn water-heater").as_deref(),
            Some("'rinn':* & 'water':* & 'heater':*")
        );
        assert_eq!(
            tsquery_prefixes("a' | !b & <->").as_deref(),
            Some("'a':* & 'b':*")
        );
        assert_eq!(tsquery_prefixes("'':*"), None);
    }

    #[test]
    fn like_wildcards_in_input_match_themselves() {
        assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
    }
}

//! A search's words in each backend's full-text syntax (and a phone's digits):
//! typed text is only ever words, never an operator.

/// The words of a search: runs of letters and digits, lower-cased, as
/// both full-text indexes cut text into words. Anything else typed (`"`,
/// `*`, `NEAR(`, `-`, `|`, `&`) only separates words, so nothing is ever
/// parsed as an operator.
pub(super) fn search_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of a search, each once, in the order typed (every word is
/// required, so a repeated one adds nothing).
pub(super) fn distinct_words(q: &str) -> Vec<String> {
    let mut words = search_words(q);
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    words
}

/// The smallest string after every word that starts with `word` (its last
/// letter moved one on: "thanks" gives "thankt"), for an ASCII word, whose
/// letters are the index's as typed; `None` for any other, which the
/// tokenizer may fold (accents), so its bytes are not the index's.
pub(super) fn next_prefix(word: &str) -> Option<String> {
    if word.is_empty() || !word.is_ascii() {
        return None;
    }
    let (head, last) = word.split_at(word.len() - 1);
    let last = char::from(last.as_bytes()[0] + 1);
    Some(format!("{head}{last}"))
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

/// The digits of `q` when it looks like (part of) a phone number, typed
/// any way: at least three digits, and nothing but digits, spaces and
/// `+ ( ) - . /`. "(555) 01" gives `55501`; "invoice 1042" gives nothing,
/// so a number inside a sentence is not looked for in phones.
pub(super) fn phone_digits(q: &str) -> Option<String> {
    let phone_like = q
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || "+()-./".contains(c));
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    (phone_like && digits.len() >= 3).then_some(digits)
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
    fn an_ascii_word_ends_before_its_last_letter_moved_one_on() {
        assert_eq!(next_prefix("thanks").as_deref(), Some("thankt"));
        assert_eq!(next_prefix("a9").as_deref(), Some("a:"));
        assert_eq!(next_prefix("z").as_deref(), Some("{"));
        assert_eq!(next_prefix("café"), None);
        assert_eq!(next_prefix(""), None);
        assert_eq!(
            distinct_words("Invoice invoice INVOICE due"),
            ["invoice", "due"]
        );
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
    fn phone_digits_are_runs_of_three_or_more_typed_any_way() {
        assert_eq!(phone_digits("555 01").as_deref(), Some("55501"));
        assert_eq!(phone_digits("(555) 0100").as_deref(), Some("5550100"));
        assert_eq!(
            phone_digits("+1 415-555.0104").as_deref(),
            Some("14155550104")
        );
        assert_eq!(phone_digits("55"), None);
        assert_eq!(phone_digits("invoice 1042"), None);
    }
}

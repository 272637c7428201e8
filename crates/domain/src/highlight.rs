//! Search hits: text cut into parts, the words that match the search
//! marked, for the web app's template to wrap in `<mark>` (askama escapes
//! each part), and the same as one HTML snippet for the API ([`snippet`]:
//! the customer's text escaped first, then marked).

/// A piece of text, and whether it is a search hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The text.
    pub text: String,
    /// Whether it matched the search.
    pub hit: bool,
}

/// The words of a search, as the store cuts them: runs of letters and
/// digits, lower-cased.
pub fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `text` in parts, each word that starts with one of `words` a hit; at
/// most `max` characters, starting a little before the first hit when it
/// would otherwise be cut off (with "…" where text was left out).
pub fn parts(text: &str, words: &[String], max: usize) -> Vec<Part> {
    let chars: Vec<char> = text.chars().collect();
    let mut marks = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphanumeric() {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect::<String>().to_lowercase();
        if words.iter().any(|w| word.starts_with(w.as_str())) {
            marks[start..i].iter_mut().for_each(|m| *m = true);
        }
    }
    let first = marks.iter().position(|m| *m).unwrap_or(0);
    let from = if first + 20 > max {
        first.saturating_sub(30)
    } else {
        0
    };
    let to = chars.len().min(from + max);
    let mut out: Vec<Part> = Vec::new();
    for at in from..to {
        match out.last_mut() {
            Some(last) if last.hit == marks[at] => last.text.push(chars[at]),
            _ => out.push(Part {
                text: chars[at].to_string(),
                hit: marks[at],
            }),
        }
    }
    if from > 0 {
        out.insert(
            0,
            Part {
                text: "…".into(),
                hit: false,
            },
        );
    }
    out
}

/// `text` as HTML: at most `max` characters around the first hit (as
/// [`parts`] cuts it), escaped, each hit inside `<mark>…</mark>`. Customer
/// text is untrusted: nothing of it is ever markup.
pub fn snippet(text: &str, words: &[String], max: usize) -> String {
    let mut html = String::with_capacity(text.len().min(max) + 32);
    for part in parts(text, words, max) {
        if part.hit {
            html.push_str("<mark>");
            escape_into(&mut html, &part.text);
            html.push_str("</mark>");
        } else {
            escape_into(&mut html, &part.text);
        }
    }
    html
}

fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn words_starting_with_a_search_word_are_hits_whatever_their_case() {
        let w = words("rinn HEAT");
        assert_eq!(
            shown(&parts("The Rinnai water-heater <b>leaks</b>", &w, 140)),
            "The [Rinnai] water-[heater] <b>leaks</b>"
        );
        assert_eq!(shown(&parts("no match here", &w, 140)), "no match here");
    }

    #[test]
    fn a_snippet_escapes_the_text_before_marking_the_hits() {
        let html = snippet(
            "<script>alert('refund')</script> & a Refund",
            &words("refu"),
            140,
        );
        assert_eq!(
            html,
            "&lt;script&gt;alert(&#39;<mark>refund</mark>&#39;)&lt;/script&gt; &amp; a <mark>Refund</mark>"
        );
    }

    #[test]
    fn a_hit_far_into_a_long_text_is_brought_into_view() {
        let text = format!("{} invoice 1042", "word ".repeat(60));
        let got = shown(&parts(&text, &words("invoice"), 80));
        assert!(got.starts_with('…'), "{got}");
        assert!(got.contains("[invoice] 1042"), "{got}");
        assert!(got.chars().count() <= 83, "{got}");
    }
}

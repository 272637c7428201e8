//! STOP / START / HELP: the keywords carriers require every SMS sender to honour.
//!
//! Only a message that *is* the keyword counts: "stop sending me ads" is a
//! complaint for an agent to read, not an opt-out. Twilio's own opt-out
//! handling works the same way (single word, case-insensitive).

/// What a keyword message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    /// Stop all messages to this number (STOP, UNSUBSCRIBE, …).
    OptOut,
    /// Messages may be sent again (START, YES, UNSTOP).
    OptIn,
    /// The sender asks who is texting them (HELP, INFO).
    Help,
}

/// The words and what they mean: Twilio's default opt-out, opt-in and help
/// keywords, plus REVOKE and OPTOUT that the CTIA added to the opt-out list.
const WORDS: &[(&str, Keyword)] = &[
    ("STOP", Keyword::OptOut),
    ("STOPALL", Keyword::OptOut),
    ("UNSUBSCRIBE", Keyword::OptOut),
    ("CANCEL", Keyword::OptOut),
    ("END", Keyword::OptOut),
    ("QUIT", Keyword::OptOut),
    ("REVOKE", Keyword::OptOut),
    ("OPTOUT", Keyword::OptOut),
    ("START", Keyword::OptIn),
    ("YES", Keyword::OptIn),
    ("UNSTOP", Keyword::OptIn),
    ("HELP", Keyword::Help),
    ("INFO", Keyword::Help),
];

impl Keyword {
    /// The keyword a message body is, if it is one: a single word, any case,
    /// surrounding spaces and trailing punctuation ("Stop.", "STOP!!") ignored.
    pub fn parse(body: &str) -> Option<Keyword> {
        let word = body
            .trim()
            .trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
        WORDS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
            .map(|&(_, keyword)| keyword)
    }

    /// Every keyword word, upper case, with its meaning.
    pub fn words() -> &'static [(&'static str, Keyword)] {
        WORDS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(words: &[&str], expected: Keyword) {
        for word in words {
            let lower = word.to_lowercase();
            let mixed: String = word
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            for body in [
                word.to_string(),
                lower.clone(),
                mixed,
                format!("  {word}  "),
                format!("{word}."),
                format!("{lower}!"),
                format!("{word}!!?"),
                format!("\n{lower} .\n"),
            ] {
                assert_eq!(Keyword::parse(&body), Some(expected), "{body:?}");
            }
        }
    }

    #[test]
    fn every_opt_out_word_opts_out_in_any_case_and_with_trailing_punctuation() {
        check(
            &[
                "STOP",
                "STOPALL",
                "UNSUBSCRIBE",
                "CANCEL",
                "END",
                "QUIT",
                "REVOKE",
                "OPTOUT",
            ],
            Keyword::OptOut,
        );
    }

    #[test]
    fn every_opt_in_word_opts_in() {
        check(&["START", "YES", "UNSTOP"], Keyword::OptIn);
    }

    #[test]
    fn help_and_info_ask_for_help() {
        check(&["HELP", "INFO"], Keyword::Help);
    }

    #[test]
    fn the_word_list_is_exactly_the_thirteen_keywords() {
        assert_eq!(Keyword::words().len(), 13);
    }

    #[test]
    fn a_sentence_containing_a_keyword_is_not_a_keyword() {
        for body in [
            "stop sending me ads",
            "please stop",
            "STOP STOP",
            "yes please",
            "help me",
            "I need info",
            "",
            "   ",
            ".",
            "stopp",
            "s t o p",
            "unsubscribed",
            "STOP-ALL",
            "¡stop",
            "stop 👍",
        ] {
            assert_eq!(Keyword::parse(body), None, "{body:?}");
        }
    }
}

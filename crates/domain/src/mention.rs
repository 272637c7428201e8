//! @mentions in notes. A mention is stored inside the note's text as
//! `@[Ana Lopez](USER_ID)`: the name as it was when written (so the note
//! reads the same after a rename) and the member's id (so the right person
//! is told). Anything that does not parse as one is plain text.

use crate::UserId;

/// A piece of a note's text: plain text or a mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text as written.
    Text(&'a str),
    /// `@[name](id)`.
    Mention {
        /// The name shown.
        name: &'a str,
        /// Who is mentioned.
        user_id: UserId,
    },
}

/// Writes the stored form of a mention of `name` (brackets in the name,
/// which would end it early, become parentheses).
pub fn encode(name: &str, user_id: &UserId) -> String {
    let name: String = name
        .chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            c => c,
        })
        .collect();
    format!("@[{name}]({user_id})")
}

/// Splits `text` into plain text and mentions, in order.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut plain_from = 0;
    let mut offset = 0;
    while let Some(at) = rest.find("@[") {
        let start = offset + at;
        match parse_at(&text[start..]) {
            Some((name, user_id, len)) => {
                if plain_from < start {
                    out.push(Segment::Text(&text[plain_from..start]));
                }
                out.push(Segment::Mention { name, user_id });
                plain_from = start + len;
                offset = plain_from;
            }
            None => offset = start + 2,
        }
        rest = &text[offset..];
    }
    if plain_from < text.len() {
        out.push(Segment::Text(&text[plain_from..]));
    }
    out
}

/// Everyone mentioned in `text`, each once, in order of first mention.
pub fn mentioned(text: &str) -> Vec<UserId> {
    let mut ids: Vec<UserId> = Vec::new();
    for segment in segments(text) {
        if let Segment::Mention { user_id, .. } = segment {
            if !ids.contains(&user_id) {
                ids.push(user_id);
            }
        }
    }
    ids
}

/// The text as a person reads it: each mention as `@name`.
pub fn plain(text: &str) -> String {
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(text) => text.to_string(),
            Segment::Mention { name, .. } => format!("@{name}"),
        })
        .collect()
}

/// Parses a mention at the start of `s` (which starts with `@[`): its name,
/// id and length in bytes.
fn parse_at(s: &str) -> Option<(&str, UserId, usize)> {
    let inner = s.strip_prefix("@[")?;
    let close = inner.find(']')?;
    let name = &inner[..close];
    if name.trim().is_empty() || name.contains('\n') {
        return None;
    }
    let after = inner[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    let user_id = UserId::parse(&after[..end]).ok()?;
    Some((name, user_id, 2 + close + 1 + 1 + end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mention_round_trips_between_plain_text() {
        let ana = UserId::generate();
        let text = format!("ask {} about it", encode("Ana Lopez", &ana));
        assert_eq!(
            segments(&text),
            vec![
                Segment::Text("ask "),
                Segment::Mention {
                    name: "Ana Lopez",
                    user_id: ana.clone()
                },
                Segment::Text(" about it"),
            ]
        );
        assert_eq!(mentioned(&text), vec![ana]);
        assert_eq!(plain(&text), "ask @Ana Lopez about it");
    }

    #[test]
    fn broken_or_fake_mentions_are_plain_text() {
        for text in [
            "@[Ana](not-an-id)",
            "@[Ana]",
            "@[](0190a5a0-0000-7000-8000-000000000000)",
            "mail me @ home",
            "@[Ana",
        ] {
            assert_eq!(segments(text), vec![Segment::Text(text)], "{text}");
            assert!(mentioned(text).is_empty());
        }
    }

    #[test]
    fn each_person_is_mentioned_once_and_brackets_in_names_cannot_break_out() {
        let ana = UserId::generate();
        let bo = UserId::generate();
        let text = format!(
            "{} {} {}",
            encode("Ana", &ana),
            encode("B[o]", &bo),
            encode("Ana", &ana)
        );
        assert_eq!(mentioned(&text), vec![ana, bo.clone()]);
        assert!(segments(&text).contains(&Segment::Mention {
            name: "B(o)",
            user_id: bo
        }));
    }
}

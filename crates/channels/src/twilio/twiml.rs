//! TwiML answers to Twilio's webhooks, serve them as [`CONTENT_TYPE`].
//!
//! The documents are tiny and fixed in shape, so they are written out here;
//! anything that comes from outside (a reply text) is XML-escaped.

use domain::PhoneNumber;
use quick_xml::escape::escape;

/// The content type TwiML is served with.
pub const CONTENT_TYPE: &str = "text/xml";

const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// "Nothing to do": the answer to an inbound text that gets no automatic reply.
pub fn empty_response() -> String {
    format!("{DECLARATION}<Response/>")
}

/// Forwards an inbound call to `number`.
pub fn dial(number: &PhoneNumber) -> String {
    format!(
        "{DECLARATION}<Response><Dial>{}</Dial></Response>",
        escape(number.as_str())
    )
}

/// Replies to an inbound text with `body` (for example the HELP answer).
pub fn message(body: &str) -> String {
    format!(
        "{DECLARATION}<Response><Message>{}</Message></Response>",
        escape(body)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_response_is_a_bare_response_element() {
        assert_eq!(
            empty_response(),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response/>"#
        );
    }

    #[test]
    fn dial_forwards_to_the_number_in_e164() {
        let number = PhoneNumber::parse("+14155550100", "US").unwrap();
        assert_eq!(
            dial(&number),
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+14155550100</Dial></Response>"#
        );
    }

    #[test]
    fn a_reply_text_is_xml_escaped() {
        assert_eq!(
            message(r#"Tom & Jerry <support@example.com> say "hi" & 'bye'"#),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Tom &amp; Jerry &lt;support@example.com&gt; say &quot;hi&quot; &amp; &apos;bye&apos;</Message></Response>"
        );
    }
}

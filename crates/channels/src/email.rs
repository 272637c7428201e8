//! Email out over SMTP (lettre): notification emails and inbound messages
//! forwarded to an address.
//!
//! [`Mailer`] is built once from the operator's `smtp_url` and `mail_from`;
//! [`Mailer::send`] sends one [`OutgoingEmail`] as `multipart/alternative`
//! (plain text and HTML). Failures keep the split every channel has: a
//! refused recipient or message (SMTP 5xx) is [`Error::Permanent`], a busy
//! server (4xx) or a connection that failed is [`Error::Transient`].

use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::Error;

/// How long one SMTP conversation may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// One email to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// The recipient's address.
    pub to: String,
    /// The subject line (one line; line breaks are replaced by spaces).
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body: made by the caller from escaped parts only.
    pub html: String,
}

/// An SMTP connection pool and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    // The transport holds the SMTP credentials: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// A mailer for `smtp_url` (`smtp://host:port` in plain text,
    /// `smtp://…?tls=required` with STARTTLS, `smtps://host:port` with TLS
    /// from the start; `user:password@` for credentials) sending as
    /// `mail_from` (`Switchboard <support@example.com>` or a bare address).
    pub fn new(smtp_url: &str, mail_from: &str) -> Result<Self, Error> {
        let from = parse_mailbox("mail_from", mail_from)
            .map_err(|e| Error::Config(format!("mail_from: {e}")))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| Error::Config(format!("smtp_url: {e}")))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self { transport, from })
    }

    /// The sender address, as configured.
    pub fn from_address(&self) -> String {
        self.from.email.to_string()
    }

    /// Sends one email. The message is marked `Auto-Submitted:
    /// auto-generated` (RFC 3834) so that other systems' out-of-office
    /// replies do not answer it.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), Error> {
        let to = parse_mailbox("to", &email.to)?;
        let subject: String = email
            .subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_string(),
            ))
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| Error::invalid("email", e.to_string()))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Error::Permanent {
                code: e.status().map(|code| code.to_string()),
                message: smtp_reason(&e),
            }),
            Err(e) => Err(Error::Transient(smtp_reason(&e))),
        }
    }
}

/// Checks a sender (`mail_from`): an address, optionally with a name.
pub fn check_sender(raw: &str) -> Result<(), Error> {
    parse_mailbox("mail_from", raw).map(|_| ())
}

fn parse_mailbox(field: &str, raw: &str) -> Result<Mailbox, Error> {
    raw.trim()
        .parse::<Mailbox>()
        .map_err(|e| Error::invalid(field, format!("{raw:?} is not an email address ({e})")))
}

/// The server's words, without lettre's wrapping.
fn smtp_reason(error: &lettre::transport::smtp::Error) -> String {
    format!("SMTP: {error}")
}

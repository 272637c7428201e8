//! What notification and forwarding emails say: one shape, a conversation
//! seen from the inbox, in plain text and HTML (askama escapes everything
//! the customer wrote in the HTML body).

use askama::Template;
use channels::email::OutgoingEmail;
use domain::{Contact, Inbox, Message, WorkspaceId};

use super::Trigger;
use crate::services::ServiceError;

/// At most this many lines of a message are quoted in an email.
const QUOTED_LINES: usize = 12;
/// At most this many characters of a message are quoted.
const QUOTED_CHARS: usize = 1_500;

/// An email about a conversation, before it has a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationEmail {
    /// The subject line.
    pub subject: String,
    /// The inbox, as its members know it ("📞 Support").
    pub inbox: String,
    /// What happened, in one line.
    pub heading: String,
    /// Who the conversation is with ("Ana Lopez · +1 415 555 0100").
    pub contact: String,
    /// The message quoted, line by line (empty when there is none).
    pub lines: Vec<String>,
    /// Links to the message's media.
    pub media: Vec<String>,
    /// Where the conversation opens in the web app.
    pub link: String,
    /// Why the recipient gets it.
    pub why: String,
}

#[derive(Template)]
#[template(path = "email/conversation.html")]
struct Html<'a> {
    email: &'a ConversationEmail,
}

#[derive(Template)]
#[template(path = "email/conversation.txt")]
struct Text<'a> {
    email: &'a ConversationEmail,
}

impl ConversationEmail {
    /// The email, addressed.
    pub fn to(&self, address: &str) -> Result<OutgoingEmail, ServiceError> {
        Ok(OutgoingEmail {
            to: address.to_string(),
            subject: self.subject.clone(),
            text: Text { email: self }
                .render()
                .map_err(ServiceError::internal)?,
            html: Html { email: self }
                .render()
                .map_err(ServiceError::internal)?,
        })
    }
}

/// What an email needs to know about the conversation.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    /// The server's public address (`public_url`).
    pub public_url: &'a str,
    /// The workspace.
    pub workspace_id: &'a WorkspaceId,
    /// The inbox.
    pub inbox: &'a Inbox,
    /// The contact, unless deleted.
    pub contact: Option<&'a Contact>,
    /// The message it is about, when there is one.
    pub message: Option<&'a Message>,
}

impl About<'_> {
    fn inbox_name(&self) -> String {
        format!("{} {}", self.inbox.emoji, self.inbox.name)
            .trim()
            .to_string()
    }

    fn contact_line(&self) -> String {
        match self.contact {
            None => "A deleted contact".to_string(),
            Some(contact) => {
                let address = contact
                    .phone
                    .as_ref()
                    .map(|p| p.as_str().to_string())
                    .or_else(|| contact.email.as_ref().map(|e| e.as_str().to_string()));
                match (contact.name.trim(), address) {
                    ("", Some(address)) => address,
                    (name, Some(address)) => format!("{name} · {address}"),
                    (name, None) => name.to_string(),
                }
            }
        }
    }

    fn contact_name(&self) -> String {
        match self.contact {
            Some(contact) if !contact.name.trim().is_empty() => contact.name.trim().to_string(),
            _ => self.contact_line(),
        }
    }

    fn base(&self) -> String {
        format!(
            "{}/w/{}",
            self.public_url.trim_end_matches('/'),
            self.workspace_id
        )
    }

    fn quoted(&self) -> (Vec<String>, Vec<String>) {
        let Some(message) = self.message else {
            return (Vec::new(), Vec::new());
        };
        let text: String = message.body.as_str().chars().take(QUOTED_CHARS).collect();
        let mut lines: Vec<String> = text
            .lines()
            .take(QUOTED_LINES)
            .map(|l| l.chars().filter(|c| !c.is_control()).collect())
            .collect();
        if message.body.as_str().chars().count() > QUOTED_CHARS
            || message.body.as_str().lines().count() > QUOTED_LINES
        {
            lines.push("…".to_string());
        }
        let media = message.attachments.iter().map(|a| a.url.clone()).collect();
        (lines, media)
    }
}

/// A customer's message forwarded to the inbox's address: subject = the
/// contact and the inbox, body = the text and links to its media.
pub fn forwarded(about: About<'_>) -> ConversationEmail {
    let (lines, media) = about.quoted();
    let link = match about.message {
        Some(message) => format!("{}/m/{}", about.base(), message.id),
        None => about.base(),
    };
    ConversationEmail {
        subject: format!("{} — {}", about.contact_line(), about.inbox.name),
        inbox: about.inbox_name(),
        heading: format!("{} wrote", about.contact_name()),
        contact: about.contact_line(),
        lines,
        media,
        link,
        why: format!(
            "This inbox forwards every customer message to this address; its admins can change that in {}'s settings.",
            about.inbox.name
        ),
    }
}

/// A notification, for a member who chose email for `trigger` or an
/// address among the inbox's notification targets.
pub fn notice(trigger: Trigger, about: About<'_>, conversation_link: String) -> ConversationEmail {
    let (lines, media) = about.quoted();
    let contact = about.contact_name();
    let (subject, heading) = match trigger {
        Trigger::Inbound => (
            format!("New message from {contact} in {}", about.inbox.name),
            format!("{contact} wrote"),
        ),
        Trigger::Assigned => (
            format!("Assigned to you: {contact} in {}", about.inbox.name),
            "A conversation was assigned to you".to_string(),
        ),
        Trigger::Mentioned => (
            format!("You were mentioned: {contact} in {}", about.inbox.name),
            "You were mentioned in a note".to_string(),
        ),
        Trigger::SnoozeWoke => (
            format!("Back from snooze: {contact} in {}", about.inbox.name),
            "A conversation you snoozed is back".to_string(),
        ),
        Trigger::SlaBreached => (
            format!("Overdue: {contact} in {}", about.inbox.name),
            "A conversation missed its SLA target".to_string(),
        ),
        Trigger::RegistrationCompleted => (
            format!("{}: carrier registration approved", about.inbox.name),
            "Carrier registration is approved: this inbox can send texts now".to_string(),
        ),
    };
    ConversationEmail {
        subject,
        inbox: about.inbox_name(),
        heading,
        contact: if trigger == Trigger::RegistrationCompleted {
            String::new()
        } else {
            about.contact_line()
        },
        lines,
        media,
        link: conversation_link,
        why: "You get this email because of your notification settings in Switchboard (your profile, or the inbox's \"Notify users and channels\").".to_string(),
    }
}

/// The web app's address of a conversation.
pub fn conversation_link(about: &About<'_>, conversation: &domain::ConversationId) -> String {
    format!("{}/c/{}", about.base(), conversation)
}

/// The web app's address of an inbox's settings.
pub fn inbox_link(about: &About<'_>) -> String {
    format!("{}/inboxes/{}/settings", about.base(), about.inbox.id)
}

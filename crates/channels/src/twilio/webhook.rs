//! The forms Twilio POSTs to Switchboard: inbound texts, delivery-status
//! callbacks and inbound calls, parsed into domain types.
//!
//! Check the signature first ([`super::signature::validate`]) with every
//! parameter from [`parse_form`], then parse.

use domain::{Attachment, DeliveryStatus, PhoneNumber};

use crate::error::Error;

/// Decodes an `application/x-www-form-urlencoded` body into its fields, in
/// order, repeated keys kept (the signature covers all of them).
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The length of every Twilio SID (`SM…`, `MM…`, `CA…`, `AC…`): two capital
/// letters and 32 hexadecimal digits.
pub const SID_LEN: usize = 34;

/// Which media URL schemes an inbound text may carry. Twilio serves media
/// over https only; plain http is for a local stand-in, and anything else
/// (`javascript:`, `file:`, `data:`) would end up as a link in an agent's
/// browser, so it is refused before anything is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaSchemes {
    /// `https` only: Twilio itself.
    HttpsOnly,
    /// `https` and `http`: a stand-in for Twilio on the local machine.
    HttpAllowed,
}

/// A text (SMS or MMS) a customer sent to one of our numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundSms {
    /// Twilio's id for the message (`SM…`/`MM…`): ingest is idempotent on it.
    pub message_sid: String,
    /// The customer's number.
    pub from: PhoneNumber,
    /// Our number that received it.
    pub to: PhoneNumber,
    /// The text; empty for an MMS with only media.
    pub body: String,
    /// Every media item of an MMS, in Twilio's order.
    pub media: Vec<Attachment>,
    /// Every field as received, for the raw record.
    pub params: Vec<(String, String)>,
}

impl InboundSms {
    /// Reads an inbound-message webhook.
    ///
    /// Numbers must be international (`+…`): a short code or a WhatsApp
    /// address is refused rather than guessed at. Every one of `NumMedia`
    /// items must have its `MediaUrl{i}`; a missing `MediaContentType{i}` is
    /// read as `application/octet-stream` rather than losing the message.
    /// `MessageSid` must have the shape of a Twilio SID (`SM`/`MM` and 32 hex
    /// digits: it becomes a stored key), and each media URL a scheme
    /// `schemes` allows.
    pub fn from_params(
        params: Vec<(String, String)>,
        schemes: MediaSchemes,
    ) -> Result<Self, Error> {
        let message_sid = message_sid(&params, &["MessageSid", "SmsMessageSid", "SmsSid"])?;
        let from = phone(&params, "From")?;
        let to = phone(&params, "To")?;
        let body = get(&params, "Body").unwrap_or_default().to_string();
        let media = media(&params, schemes)?;
        Ok(Self {
            message_sid,
            from,
            to,
            body,
            media,
            params,
        })
    }
}

/// A delivery-status report for a message we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCallback {
    /// Twilio's id of the message, as returned when it was sent.
    pub message_sid: String,
    /// The status to record, moved forward only with `DeliveryStatus::advance`.
    /// `None` for a Twilio status that says nothing about an outbound message
    /// (`receiving`, `received`) or one this version does not know:
    /// acknowledge and ignore it.
    pub status: Option<DeliveryStatus>,
    /// Twilio's word, as sent (`MessageStatus`).
    pub twilio_status: String,
    /// Twilio's error code for a failure (`30003` unreachable handset, …).
    pub error_code: Option<String>,
    /// Twilio's description of the failure, when it sends one.
    pub error_message: Option<String>,
}

impl StatusCallback {
    /// Reads a status-callback webhook; `MessageSid` must have the shape of
    /// a Twilio SID.
    pub fn from_params(params: &[(String, String)]) -> Result<Self, Error> {
        let message_sid = message_sid(params, &["MessageSid", "SmsSid"])?;
        let twilio_status = first_of(params, &["MessageStatus", "SmsStatus"])
            .ok_or_else(|| Error::MissingField("MessageStatus".into()))?
            .to_string();
        Ok(Self {
            message_sid,
            status: delivery_status(&twilio_status),
            twilio_status,
            error_code: non_empty(params, "ErrorCode"),
            error_message: non_empty(params, "ErrorMessage"),
        })
    }
}

/// A phone call to one of our numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundCall {
    /// Twilio's id for the call (`CA…`).
    pub call_sid: String,
    /// The caller, or `None` when the number is withheld (`Anonymous`,
    /// `+266696687`) or not an international number: the call is still
    /// forwarded.
    pub from: Option<PhoneNumber>,
    /// Our number that was called.
    pub to: PhoneNumber,
}

impl InboundCall {
    /// Reads a voice webhook.
    pub fn from_params(params: &[(String, String)]) -> Result<Self, Error> {
        let call_sid = get(params, "CallSid")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::MissingField("CallSid".into()))?;
        let call_sid = sid("CallSid", call_sid, &["CA"])?;
        Ok(Self {
            call_sid,
            from: phone(params, "From").ok(),
            to: phone(params, "To")?,
        })
    }
}

/// The delivery status a Twilio message status means, for an outbound message.
///
/// Twilio's `accepted`, `scheduled` and `queued` mean Twilio has the message
/// but no carrier has taken it yet: that is `Sending` ("handed to the
/// provider") in Switchboard's words, not `Queued` (which means our own job
/// has not run). `canceled` (a scheduled message withdrawn) never goes out,
/// so it is `Failed`; `partially_delivered` means some parts did not arrive,
/// shown as `Undelivered` so an agent checks. `receiving` and `received`
/// describe inbound messages and give `None`, as does an unknown word.
pub fn delivery_status(twilio_status: &str) -> Option<DeliveryStatus> {
    Some(match twilio_status.trim().to_ascii_lowercase().as_str() {
        "accepted" | "scheduled" | "queued" | "sending" => DeliveryStatus::Sending,
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "undelivered" | "partially_delivered" => DeliveryStatus::Undelivered,
        "failed" | "canceled" => DeliveryStatus::Failed,
        "read" => DeliveryStatus::Read,
        _ => return None,
    })
}

fn get<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn first_of<'a>(params: &'a [(String, String)], keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .filter_map(|k| get(params, k))
        .find(|v| !v.trim().is_empty())
}

/// The message's SID, from the first of `keys` present.
fn message_sid(params: &[(String, String)], keys: &[&str]) -> Result<String, Error> {
    let raw = first_of(params, keys).ok_or_else(|| Error::MissingField("MessageSid".into()))?;
    sid("MessageSid", raw, &["SM", "MM"])
}

/// Checks a Twilio SID's documented shape: one of `prefixes`, then 32
/// hexadecimal digits, [`SID_LEN`] in all. Anything longer or stranger is
/// not Twilio's and is refused before it is stored or logged.
pub fn sid(field: &str, raw: &str, prefixes: &[&str]) -> Result<String, Error> {
    let shaped = raw.len() == SID_LEN
        && prefixes.iter().any(|p| raw.starts_with(p))
        && raw.bytes().skip(2).all(|b| b.is_ascii_hexdigit());
    if !shaped {
        let shown: String = raw.chars().take(SID_LEN).collect();
        return Err(Error::invalid(
            field,
            format!(
                "{shown:?}{} is not a Twilio SID ({} and 32 hexadecimal digits)",
                if raw.chars().count() > SID_LEN {
                    "…"
                } else {
                    ""
                },
                prefixes.join(" or ")
            ),
        ));
    }
    Ok(raw.to_string())
}

fn non_empty(params: &[(String, String)], key: &str) -> Option<String> {
    get(params, key)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn phone(params: &[(String, String)], field: &str) -> Result<PhoneNumber, Error> {
    let raw = get(params, field)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Error::MissingField(field.into()))?;
    // phonenumber 0.3.10 misreads some `+` numbers when given a region, and
    // any other form (short code, `whatsapp:+…`) would need a guess.
    if !raw.trim_start().starts_with('+') {
        return Err(Error::invalid(
            field,
            format!("{raw:?} is not an international number"),
        ));
    }
    // The region is never read for a `+` number.
    PhoneNumber::parse(raw, "US").map_err(|e| Error::invalid(field, e.to_string()))
}

fn media(params: &[(String, String)], schemes: MediaSchemes) -> Result<Vec<Attachment>, Error> {
    let count = match get(params, "NumMedia").map(str::trim) {
        None | Some("") => 0,
        Some(n) => n
            .parse::<usize>()
            .map_err(|_| Error::invalid("NumMedia", format!("{n:?} is not a count")))?,
    };
    // A lying count stops at the first missing URL, so a huge NumMedia costs
    // at most one lookup past the real items.
    let mut media = Vec::new();
    for i in 0..count {
        let url_key = format!("MediaUrl{i}");
        let url = get(params, &url_key)
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| Error::MissingField(url_key.clone()))?;
        let parsed =
            url::Url::parse(url).map_err(|e| Error::invalid(url_key.as_str(), e.to_string()))?;
        let allowed = match (parsed.scheme(), schemes) {
            ("https", _) | ("http", MediaSchemes::HttpAllowed) => parsed.host().is_some(),
            _ => false,
        };
        if !allowed {
            return Err(Error::invalid(
                url_key.as_str(),
                match schemes {
                    MediaSchemes::HttpsOnly => "must be an https:// URL",
                    MediaSchemes::HttpAllowed => "must be an https:// or http:// URL",
                },
            ));
        }
        let content_type = get(params, &format!("MediaContentType{i}"))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or("application/octet-stream");
        media.push(Attachment {
            url: url.to_string(),
            content_type: content_type.to_string(),
        });
    }
    Ok(media)
}

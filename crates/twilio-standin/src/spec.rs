//! What Twilio accepts, as tables: the parameters of each endpoint the
//! stand-in serves and how their values must look.
//!
//! `MESSAGE_PARAMS` is a copy of `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`
//! from twilio-oai (`testdata/twilio/messages_create_openapi_extract.json` at the repository's root);
//! a test keeps the two equal. The stand-in is stricter than Twilio where that
//! catches our own mistakes: Twilio ignores unknown parameters, the stand-in
//! refuses them, so a misspelt `StatusCallbak` fails a test instead of
//! silently losing delivery reports.

/// How a parameter's value must look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// E.164 (`+14155550100`), optionally `whatsapp:`-prefixed.
    Phone,
    /// An absolute `http`/`https` URL.
    Url,
    /// A Twilio sid: the two-letter prefix and 32 hex digits.
    Sid(&'static str),
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A decimal number.
    Number,
    /// One of a fixed list of words.
    Enum(&'static [&'static str]),
    /// An RFC 3339 date and time.
    DateTime,
    /// `GET` or `POST`.
    HttpMethod,
    /// Any text.
    Text,
}

/// One request parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// Its name on the wire.
    pub name: &'static str,
    /// How its value must look.
    pub kind: Kind,
    /// Whether it may be given more than once (OpenAPI `type: array`).
    pub repeatable: bool,
}

const fn one(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        repeatable: false,
    }
}

const fn many(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        repeatable: true,
    }
}

/// `POST …/Messages.json`, in the extract's order.
pub const MESSAGE_PARAMS: &[Param] = &[
    one("To", Kind::Phone),
    one("StatusCallback", Kind::Url),
    one("ApplicationSid", Kind::Sid("AP")),
    one("MaxPrice", Kind::Number),
    one("ProvideFeedback", Kind::Bool),
    one("Attempt", Kind::Integer),
    one("ValidityPeriod", Kind::Integer),
    one("ForceDelivery", Kind::Bool),
    one("ContentRetention", Kind::Enum(&["retain", "discard"])),
    one("AddressRetention", Kind::Enum(&["retain", "obfuscate"])),
    one("SmartEncoded", Kind::Bool),
    many("PersistentAction", Kind::Text),
    one("TrafficType", Kind::Enum(&["free"])),
    one("ShortenUrls", Kind::Bool),
    one("ScheduleType", Kind::Enum(&["fixed"])),
    one("SendAt", Kind::DateTime),
    one("SendAsMms", Kind::Bool),
    one("ContentVariables", Kind::Text),
    one("RiskCheck", Kind::Enum(&["enable", "disable"])),
    one("From", Kind::Phone),
    one("FallbackFrom", Kind::Phone),
    one("MessagingServiceSid", Kind::Sid("MG")),
    one("Body", Kind::Text),
    // The spec marks MediaUrl `ignoreFormat`: Twilio does not check it.
    many("MediaUrl", Kind::Text),
    one("ContentSid", Kind::Sid("HX")),
];

/// Parameters a message must have.
pub const MESSAGE_REQUIRED: &[&str] = &["To"];

/// Groups of which a message must have at least one (the extract's
/// `conditional_x_twilio`).
pub const MESSAGE_ONE_OF: &[&[&str]] = &[
    &["From", "MessagingServiceSid"],
    &["Body", "MediaUrl", "ContentSid"],
];

/// `POST …/IncomingPhoneNumbers.json` (buy a number).
pub const INCOMING_NUMBER_PARAMS: &[Param] = &[
    one("ApiVersion", Kind::Text),
    one("FriendlyName", Kind::Text),
    one("SmsApplicationSid", Kind::Sid("AP")),
    one("SmsFallbackMethod", Kind::HttpMethod),
    one("SmsFallbackUrl", Kind::Url),
    one("SmsMethod", Kind::HttpMethod),
    one("SmsUrl", Kind::Url),
    one("StatusCallback", Kind::Url),
    one("StatusCallbackMethod", Kind::HttpMethod),
    one("VoiceApplicationSid", Kind::Sid("AP")),
    one("VoiceCallerIdLookup", Kind::Bool),
    one("VoiceFallbackMethod", Kind::HttpMethod),
    one("VoiceFallbackUrl", Kind::Url),
    one("VoiceMethod", Kind::HttpMethod),
    one("VoiceUrl", Kind::Url),
    one("EmergencyStatus", Kind::Enum(&["Active", "Inactive"])),
    one("EmergencyAddressSid", Kind::Sid("AD")),
    one("TrunkSid", Kind::Sid("TK")),
    one("IdentitySid", Kind::Sid("RI")),
    one("AddressSid", Kind::Sid("AD")),
    one("VoiceReceiveMode", Kind::Enum(&["voice", "fax"])),
    one("BundleSid", Kind::Sid("BU")),
    one("PhoneNumber", Kind::Phone),
    one("AreaCode", Kind::Text),
];

/// The query of `GET …/AvailablePhoneNumbers/{Country}/Local.json`.
pub const AVAILABLE_NUMBER_QUERY: &[Param] = &[
    one("AreaCode", Kind::Integer),
    one("Contains", Kind::Text),
    one("SmsEnabled", Kind::Bool),
    one("MmsEnabled", Kind::Bool),
    one("VoiceEnabled", Kind::Bool),
    one("FaxEnabled", Kind::Bool),
    one("ExcludeAllAddressRequired", Kind::Bool),
    one("ExcludeLocalAddressRequired", Kind::Bool),
    one("ExcludeForeignAddressRequired", Kind::Bool),
    one("Beta", Kind::Bool),
    one("NearNumber", Kind::Phone),
    one("NearLatLong", Kind::Text),
    one("Distance", Kind::Integer),
    one("InPostalCode", Kind::Text),
    one("InRegion", Kind::Text),
    one("InRateCenter", Kind::Text),
    one("InLata", Kind::Text),
    one("InLocality", Kind::Text),
    one("PageSize", Kind::Integer),
    one("Page", Kind::Integer),
    one("PageToken", Kind::Text),
];

/// Checks every parameter against `spec`: known name, not repeated unless
/// repeatable, value of the right kind. Returns what is wrong.
pub fn check(spec: &[Param], params: &[(String, String)]) -> Result<(), String> {
    for (i, (name, value)) in params.iter().enumerate() {
        let Some(param) = spec.iter().find(|p| p.name == name) else {
            let known: Vec<&str> = spec.iter().map(|p| p.name).collect();
            return Err(format!(
                "unknown parameter {name:?} (known: {})",
                known.join(", ")
            ));
        };
        if !param.repeatable && params[..i].iter().any(|(n, _)| n == name) {
            return Err(format!("parameter {name:?} given more than once"));
        }
        check_value(param.kind, value)
            .map_err(|why| format!("parameter {name}={value:?}: {why}"))?;
    }
    Ok(())
}

fn check_value(kind: Kind, value: &str) -> Result<(), String> {
    let ok = match kind {
        Kind::Phone => is_e164(value.strip_prefix("whatsapp:").unwrap_or(value)),
        Kind::Url => url::Url::parse(value)
            .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .unwrap_or(false),
        Kind::Sid(prefix) => {
            value.len() == 34
                && value.starts_with(prefix)
                && value[2..].bytes().all(|b| b.is_ascii_hexdigit())
        }
        Kind::Bool => matches!(value, "true" | "false" | "True" | "False"),
        Kind::Integer => value.parse::<i64>().is_ok(),
        Kind::Number => value.parse::<f64>().is_ok_and(f64::is_finite),
        Kind::Enum(words) => words.contains(&value),
        Kind::DateTime => chrono::DateTime::parse_from_rfc3339(value).is_ok(),
        Kind::HttpMethod => matches!(value, "GET" | "POST"),
        Kind::Text => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("not a valid {kind:?}"))
    }
}

/// `+`, a non-zero digit, and at most 15 digits in all.
pub fn is_e164(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|d| {
        (2..=15).contains(&d.len()) && !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit())
    })
}

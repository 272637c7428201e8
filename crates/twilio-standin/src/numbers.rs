//! The phone-number endpoints: search the inventory, buy from it.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::server::{check_form, new_sid, Outcome};
use crate::spec;
use crate::{InventoryNumber, RecordedRequest, Shared};

pub(crate) fn available_numbers(
    shared: &Shared,
    request: &RecordedRequest,
    country: &str,
) -> Outcome {
    if let Err(why) = spec::check(spec::AVAILABLE_NUMBER_QUERY, &request.query) {
        return Outcome::reject(
            StatusCode::BAD_REQUEST,
            None,
            format!("Twilio stand-in: {why}"),
        );
    }
    let query = |name: &str| {
        request
            .query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let area_code = query("AreaCode");
    let contains = query("Contains");
    let numbers: Vec<Value> = shared
        .lock()
        .inventory
        .iter()
        .filter(|n| n.iso_country == country)
        .filter(|n| area_code.is_none_or(|a| n.phone_number.get(2..5) == Some(a)))
        .filter(|n| contains.is_none_or(|pattern| matches_pattern(&n.phone_number, pattern)))
        .map(available_json)
        .collect();
    let uri = format!(
        "/2010-04-01/Accounts/{}/AvailablePhoneNumbers/{country}/Local.json",
        shared.account_sid
    );
    Outcome::ok(
        StatusCode::OK,
        json!({
            "available_phone_numbers": numbers,
            "end": numbers.len().saturating_sub(1),
            "first_page_uri": format!("{uri}?PageSize=50&Page=0"),
            "next_page_uri": null,
            "page": 0,
            "page_size": 50,
            "previous_page_uri": null,
            "start": 0,
            "uri": format!("{uri}?PageSize=50"),
        }),
    )
}

/// Twilio's `Contains`: digits and `*` (any one digit) somewhere in the number.
fn matches_pattern(number: &str, pattern: &str) -> bool {
    let digits = number.trim_start_matches('+').as_bytes();
    let pattern = pattern.as_bytes();
    pattern.len() <= digits.len()
        && digits
            .windows(pattern.len())
            .any(|w| w.iter().zip(pattern).all(|(d, p)| *p == b'*' || d == p))
}

/// An available number as the live API returns it (capabilities spelt `SMS`,
/// `MMS`, `voice`).
fn available_json(n: &InventoryNumber) -> Value {
    json!({
        "address_requirements": "none",
        "beta": false,
        "capabilities": { "MMS": true, "SMS": true, "voice": true },
        "friendly_name": friendly(&n.phone_number),
        "iso_country": n.iso_country,
        "lata": null,
        "latitude": null,
        "locality": n.locality,
        "longitude": null,
        "phone_number": n.phone_number,
        "postal_code": null,
        "rate_center": null,
        "region": n.region,
    })
}

/// `+14155550101` → `(415) 555-0101`.
fn friendly(e164: &str) -> String {
    match e164.strip_prefix("+1") {
        Some(d) if d.len() == 10 => format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..]),
        _ => e164.to_string(),
    }
}

pub(crate) fn buy_number(shared: &Shared, request: &RecordedRequest, body: &[u8]) -> Outcome {
    if let Err(outcome) = check_form(request, body, spec::INCOMING_NUMBER_PARAMS) {
        return outcome;
    }
    let Some(wanted) = request.param("PhoneNumber") else {
        return Outcome::reject(
            StatusCode::BAD_REQUEST,
            None,
            "Twilio stand-in: PhoneNumber is required (AreaCode purchases are not simulated)"
                .into(),
        );
    };
    let mut inner = shared.lock();
    let Some(at) = inner
        .inventory
        .iter()
        .position(|n| n.phone_number == wanted)
    else {
        return Outcome::fail(
            StatusCode::BAD_REQUEST,
            21422,
            "PhoneNumber Requested is not Available",
        );
    };
    let number = inner.inventory.remove(at);
    drop(inner);
    let sid = new_sid("PN");
    let account = &shared.account_sid;
    let now = chrono::Utc::now().to_rfc2822();
    let field = |name: &str| request.param(name);
    Outcome::ok(
        StatusCode::CREATED,
        json!({
            "account_sid": account,
            "address_requirements": "none",
            "address_sid": null,
            "api_version": "2010-04-01",
            "beta": false,
            "capabilities": { "voice": true, "sms": true, "mms": true, "fax": false },
            "date_created": now,
            "date_updated": now,
            "friendly_name": field("FriendlyName").map_or_else(|| friendly(&number.phone_number), str::to_string),
            "phone_number": number.phone_number,
            "origin": "twilio",
            "sid": sid,
            "sms_application_sid": "",
            "sms_fallback_method": "POST",
            "sms_fallback_url": "",
            "sms_method": field("SmsMethod").unwrap_or("POST"),
            "sms_url": field("SmsUrl").unwrap_or_default(),
            "status_callback": field("StatusCallback").unwrap_or_default(),
            "status_callback_method": "POST",
            "voice_application_sid": null,
            "voice_caller_id_lookup": false,
            "voice_fallback_method": "POST",
            "voice_fallback_url": null,
            "voice_method": field("VoiceMethod").unwrap_or("POST"),
            "voice_url": field("VoiceUrl"),
            "status": "in-use",
            "uri": format!("/2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{sid}.json"),
        }),
    )
}

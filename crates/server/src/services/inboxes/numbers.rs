//! Finding numbers to connect to an inbox: the simulator's fictional range,
//! or the operator's Twilio inventory (searched, then bought when connected).

use domain::{Action, ChannelId, ChannelKind, DomainError, InboxId, PhoneNumber, Provider};

use channels::sms::{NumberSearch as TwilioSearch, PurchaseRequest, SmsProvider};
use channels::twilio::{TwilioClient, TwilioConfig};
use url::Url;

use crate::services::access::{self, Principal};
use crate::services::ServiceError;
use crate::state::AppState;

/// How many numbers a search offers.
const OFFERED_NUMBERS: usize = 5;
/// The area code searched when none is given (San Francisco, like the demo).
const DEFAULT_AREA_CODE: &str = "415";

/// What `GET /inboxes/{id}/available-numbers` filters on, already parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberSearch {
    /// Three digits, the first 2 to 9.
    pub area_code: Option<String>,
    /// Digits the number must contain.
    pub contains: Option<String>,
}

impl NumberSearch {
    /// Checks the filters: an area code is three digits (the first 2-9), and
    /// `contains` is digits only.
    pub fn parse(area_code: Option<&str>, contains: Option<&str>) -> Result<Self, DomainError> {
        let area_code = area_code.map(str::trim).filter(|a| !a.is_empty());
        if let Some(area) = area_code {
            let ok = area.len() == 3
                && area.chars().all(|c| c.is_ascii_digit())
                && !area.starts_with(['0', '1']);
            if !ok {
                return Err(DomainError::invalid(
                    "area_code",
                    "must be three digits, the first 2 to 9",
                ));
            }
        }
        let contains = contains.map(str::trim).filter(|c| !c.is_empty());
        if let Some(digits) = contains {
            if digits.len() > 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(DomainError::invalid("contains", "must be up to 10 digits"));
            }
        }
        Ok(Self {
            area_code: area_code.map(str::to_string),
            contains: contains.map(str::to_string),
        })
    }
}

/// Numbers that could be connected to the inbox (admins). The simulator
/// offers numbers of the fictional 555-0100 to 555-0199 range not connected
/// yet; Twilio offers its inventory, searched with the operator's account.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn available_numbers(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    search: &NumberSearch,
    provider: Provider,
) -> Result<Vec<PhoneNumber>, ServiceError> {
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    access::inbox(&mut conn, who, id, Action::ManageInboxPolicy).await?;
    drop(reader);
    if provider == Provider::Twilio {
        return search_twilio(state, search).await;
    }
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let mut offered = Vec::new();
    for number in simulator_numbers(search) {
        if offered.len() == OFFERED_NUMBERS {
            break;
        }
        if store::channels::by_address(&mut conn, ChannelKind::Sms, number.as_str())
            .await?
            .is_none()
        {
            offered.push(number);
        }
    }
    Ok(offered)
}

/// Whether the server has an operator Twilio account to search and buy
/// numbers with (`twilio_account_sid` and `twilio_auth_token`).
pub fn twilio_configured(state: &AppState) -> bool {
    operator_account(state).is_ok()
}

/// The operator's Twilio account from the configuration.
pub(super) fn operator_account(state: &AppState) -> Result<(String, String), ServiceError> {
    match (
        &state.settings.twilio_account_sid,
        &state.settings.twilio_auth_token,
    ) {
        (Some(sid), Some(token)) => Ok((sid.clone(), token.expose().to_string())),
        _ => Err(ServiceError::invalid(
            "twilio_not_configured",
            "searching and buying Twilio numbers needs twilio_account_sid and \
             twilio_auth_token in the server's configuration",
        )),
    }
}

fn operator_client(state: &AppState) -> Result<TwilioClient, ServiceError> {
    let (account_sid, auth_token) = operator_account(state)?;
    TwilioClient::new(TwilioConfig {
        base_url: state.settings.twilio_api_base.clone(),
        account_sid,
        auth_token,
        timeout: TwilioConfig::DEFAULT_TIMEOUT,
    })
    .map_err(|e| ServiceError::invalid("twilio_not_configured", e.to_string()))
}

/// What Twilio said, for the admin: its own words for a refusal, unavailable when it
/// could not be reached.
fn twilio_problem(error: channels::Error) -> ServiceError {
    if error.is_transient() {
        ServiceError::unavailable(
            "provider_unavailable",
            "Twilio did not answer; try again in a moment",
            error,
        )
    } else {
        ServiceError::invalid("provider_refused", format!("Twilio refused: {error}"))
    }
}

async fn search_twilio(
    state: &AppState,
    search: &NumberSearch,
) -> Result<Vec<PhoneNumber>, ServiceError> {
    let client = operator_client(state)?;
    let mut query = TwilioSearch::in_country("US");
    query.area_code = search.area_code.clone();
    query.contains = search.contains.clone();
    let found = client
        .available_numbers(query)
        .await
        .map_err(twilio_problem)?;
    Ok(found
        .into_iter()
        .filter(|n| n.sms)
        .map(|n| n.phone_number)
        .take(OFFERED_NUMBERS)
        .collect())
}

/// Buys `number` with its webhooks pointing at the channel about to be stored.
pub(super) async fn buy_from_twilio(
    state: &AppState,
    channel_id: &ChannelId,
    number: &PhoneNumber,
) -> Result<(), ServiceError> {
    let client = operator_client(state)?;
    let base = state.settings.public_url.trim_end_matches('/');
    let hook = |kind: &str| {
        Url::parse(&format!("{base}/hooks/twilio/{channel_id}/{kind}"))
            .map_err(|e| ServiceError::internal(format!("public_url does not make a URL: {e}")))
    };
    client
        .purchase_number(PurchaseRequest {
            phone_number: number.clone(),
            sms_url: hook("sms")?,
            voice_url: Some(hook("voice")?),
        })
        .await
        .map_err(twilio_problem)?;
    tracing::info!(%number, %channel_id, "bought a Twilio number");
    Ok(())
}

/// Every valid number `+1 AAA 555-01xx` matching `search`, in order.
fn simulator_numbers(search: &NumberSearch) -> impl Iterator<Item = PhoneNumber> + '_ {
    let area = search.area_code.as_deref().unwrap_or(DEFAULT_AREA_CODE);
    (100..200)
        .map(move |line| format!("+1{area}555{line:04}"))
        .filter(|raw| search.contains.as_deref().is_none_or(|d| raw.contains(d)))
        .filter_map(|raw| PhoneNumber::parse(&raw, "US").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(area: Option<&str>, contains: Option<&str>) -> Vec<String> {
        let search = NumberSearch::parse(area, contains).unwrap();
        simulator_numbers(&search)
            .map(|n| n.as_str().to_string())
            .collect()
    }

    #[test]
    fn simulator_numbers_are_the_fictional_555_01xx_range_of_the_area_code() {
        let numbers = search(Some("212"), None);
        assert_eq!(numbers.len(), 100);
        assert_eq!(numbers[0], "+12125550100");
        assert!(numbers.iter().all(|n| n.starts_with("+12125550")));
    }

    #[test]
    fn simulator_numbers_contain_the_digits_asked_for() {
        assert_eq!(search(None, Some("0142")), vec!["+14155550142"]);
        assert!(search(None, Some("9999")).is_empty());
    }

    #[test]
    fn a_search_refuses_area_codes_and_digits_that_cannot_be() {
        for bad in ["41", "4155", "015", "1ab"] {
            assert!(NumberSearch::parse(Some(bad), None).is_err(), "{bad}");
        }
        assert!(NumberSearch::parse(None, Some("12a")).is_err());
        assert_eq!(
            NumberSearch::parse(Some(" "), Some("")).unwrap(),
            NumberSearch::default()
        );
    }
}

//! Finding numbers to connect to an inbox: the simulator's fictional range,
//! or the operator's Twilio inventory (searched, then bought when connected),
//! through the provider [`providers::for_numbers`] picks.

use domain::{Action, ChannelId, ChannelKind, DomainError, InboxId, PhoneNumber, Provider};

use channels::sms::{NumberSearch as ProviderSearch, PurchaseRequest};
use url::Url;

use crate::services::access::{self, Principal};
use crate::services::providers;
use crate::services::state::AppState;
use crate::services::ServiceError;

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

/// Numbers that could be connected to the inbox (admins) and are not
/// connected yet: the simulator offers its fictional 555-0100 to 555-0199
/// range, Twilio its inventory, searched with the operator's account.
#[tracing::instrument(skip_all, fields(inbox_id = %id), err(level = "debug"))]
pub async fn available_numbers(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    search: &NumberSearch,
    provider: Provider,
) -> Result<Vec<PhoneNumber>, ServiceError> {
    {
        let mut reader = state.store.read().await?;
        access::inbox(&mut reader.conn(), who, id, Action::ManageInboxPolicy).await?;
    }
    let finder = providers::for_numbers(state, provider)?;
    let mut query = ProviderSearch::in_country("US");
    query.area_code = Some(
        search
            .area_code
            .clone()
            .unwrap_or_else(|| DEFAULT_AREA_CODE.to_string()),
    );
    query.contains = search.contains.clone();
    let found = finder
        .available_numbers(query)
        .await
        .map_err(|e| provider_problem(provider, e))?;
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let mut offered = Vec::new();
    for number in found.into_iter().filter(|n| n.sms).map(|n| n.phone_number) {
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

/// What the provider said, for the admin: its own words for a refusal,
/// unavailable when it could not be reached.
fn provider_problem(provider: Provider, error: channels::SendError) -> ServiceError {
    let name = provider.label();
    match error {
        channels::SendError::Transient(_) | channels::SendError::RateLimited(_) => {
            ServiceError::unavailable(
                "provider_unavailable",
                format!("{name} did not answer; try again in a moment"),
                error,
            )
        }
        other => ServiceError::invalid("provider_refused", format!("{name} refused: {other}")),
    }
}

/// Buys `number` with its webhooks pointing at the channel about to be stored.
pub(super) async fn buy(
    state: &AppState,
    provider: Provider,
    channel_id: &ChannelId,
    number: &PhoneNumber,
) -> Result<(), ServiceError> {
    let seller = providers::for_numbers(state, provider)?;
    let base = state.settings.public_url.trim_end_matches('/');
    let hook = |kind: &str| {
        Url::parse(&format!("{base}/hooks/twilio/{channel_id}/{kind}"))
            .map_err(|e| ServiceError::internal(format!("public_url does not make a URL: {e}")))
    };
    seller
        .purchase_number(PurchaseRequest {
            phone_number: number.clone(),
            sms_url: hook("sms")?,
            voice_url: Some(hook("voice")?),
        })
        .await
        .map_err(|e| provider_problem(provider, e))?;
    tracing::info!(%number, %channel_id, provider = provider.label(), "bought a number");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

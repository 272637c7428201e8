//! The built-in phone simulator as an SMS provider: it "sends" by handing
//! the text to the simulated phone, which has it at once, and it offers the
//! fictional 555-0100 to 555-0199 numbers of any area code (never a real
//! subscriber's).

use domain::{DeliveryStatus, PhoneNumber};
use rand::RngCore;

use crate::error::SendError;
use crate::sms::{
    AvailableNumber, BoxFuture, NumberSearch, OutboundSms, PurchaseRequest, PurchasedNumber,
    SentSms, SmsProvider,
};

/// The area code offered when a search names none (San Francisco, like the demo).
const DEFAULT_AREA_CODE: &str = "415";

/// The simulator; it has no account and no state of its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct Simulator;

impl SmsProvider for Simulator {
    fn send(&self, _sms: OutboundSms) -> BoxFuture<'_, Result<SentSms, SendError>> {
        Box::pin(async {
            Ok(SentSms {
                provider_id: simulator_id(),
                status: DeliveryStatus::Delivered,
            })
        })
    }

    fn available_numbers(
        &self,
        search: NumberSearch,
    ) -> BoxFuture<'_, Result<Vec<AvailableNumber>, SendError>> {
        Box::pin(async move { Ok(fictional_numbers(&search).collect()) })
    }

    fn purchase_number(
        &self,
        request: PurchaseRequest,
    ) -> BoxFuture<'_, Result<PurchasedNumber, SendError>> {
        Box::pin(async move {
            Ok(PurchasedNumber {
                provider_id: simulator_id(),
                phone_number: request.phone_number,
            })
        })
    }
}

/// `SIM` and 32 random hex digits, shaped like a provider's message id.
fn simulator_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("SIM{}", hex::encode(bytes))
}

/// Every valid number `+1 AAA 555-01xx` matching `search`, in order.
pub fn fictional_numbers(search: &NumberSearch) -> impl Iterator<Item = AvailableNumber> + '_ {
    let area = search.area_code.as_deref().unwrap_or(DEFAULT_AREA_CODE);
    (100..200)
        .map(move |line| format!("+1{area}555{line:04}"))
        .filter(|raw| search.contains.as_deref().is_none_or(|d| raw.contains(d)))
        .filter_map(|raw| PhoneNumber::parse(&raw, "US").ok())
        .map(|number| AvailableNumber {
            friendly_name: number.as_str().to_string(),
            phone_number: number,
            locality: None,
            region: None,
            iso_country: "US".to_string(),
            sms: true,
            mms: true,
            voice: false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(area: Option<&str>, contains: Option<&str>) -> Vec<String> {
        let mut search = NumberSearch::in_country("US");
        search.area_code = area.map(str::to_string);
        search.contains = contains.map(str::to_string);
        fictional_numbers(&search)
            .map(|n| n.phone_number.as_str().to_string())
            .collect()
    }

    #[test]
    fn the_numbers_are_the_fictional_555_01xx_range_of_the_area_code() {
        let numbers = search(Some("212"), None);
        assert_eq!(numbers.len(), 100);
        assert_eq!(numbers[0], "+12125550100");
        assert!(numbers.iter().all(|n| n.starts_with("+12125550")));
    }

    #[test]
    fn the_numbers_contain_the_digits_asked_for() {
        assert_eq!(search(None, Some("0142")), vec!["+14155550142"]);
        assert!(search(None, Some("9999")).is_empty());
    }
}

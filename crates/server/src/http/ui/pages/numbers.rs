//! The Numbers card of an inbox's settings page and of the new-inbox
//! wizard: the connected numbers, each with a way to disconnect it, and a
//! search for numbers to connect: the simulator's fictional ones, or, when
//! the server has a Twilio account, Twilio's to buy.

use domain::text::Word;
use domain::{Channel, InboxId, Provider};
use serde::Deserialize;

use super::settings::{shown_on_page, Item};
use crate::http::error::ApiError;
use crate::http::ui::pages::auth::sentence;
use crate::http::ui::simulator::display_number;
use crate::services::access::Principal;
use crate::services::inboxes::channels::{self, NumberSearch};
use crate::services::providers;
use crate::services::state::AppState;

/// The number search of the card. A GET form, so a search is a link; the
/// connect form carries it too, so a refused purchase shows the same results.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NumberQuery {
    /// `simulator` (also when blank) or `twilio`.
    #[serde(default)]
    pub provider: String,
    /// Three digits.
    #[serde(default)]
    pub area_code: String,
    /// Digits the number contains.
    #[serde(default)]
    pub contains: String,
}

impl NumberQuery {
    /// The provider searched (see [`providers::searched`]).
    pub fn provider(&self) -> Provider {
        providers::searched(&self.provider)
    }

    /// [`NumberQuery::provider`] as the form writes it.
    pub fn provider_word(&self) -> &'static str {
        self.provider().as_str()
    }
}

/// What the card shows.
#[derive(Debug, Default)]
pub struct NumbersCard {
    /// Connected numbers: the channel id, the number, its provider.
    pub connected: Vec<Item>,
    /// Numbers that could be connected: E.164 and as people write it.
    pub available: Vec<Item>,
    /// The search typed.
    pub search: NumberQuery,
    /// Whether the server has a Twilio account to buy numbers with.
    pub twilio: bool,
    /// Whether `available` are Twilio's (connecting buys them).
    pub twilio_search: bool,
    /// Why the search found nothing to show: a bad filter, or Twilio's refusal.
    pub search_error: Option<String>,
}

/// The card of inbox `id` for an admin (the caller checks that `who` may
/// manage the inbox; the services check again).
pub async fn card(
    state: &AppState,
    who: &Principal,
    id: &InboxId,
    search: NumberQuery,
) -> Result<NumbersCard, ApiError> {
    let connected = channels::list(state, who, id)
        .await?
        .iter()
        .map(connected_item)
        .collect();
    let provider = search.provider();
    let mut card = NumbersCard {
        connected,
        twilio: channels::twilio_configured(state),
        twilio_search: provider == Provider::Twilio,
        ..NumbersCard::default()
    };
    let found = match NumberSearch::parse(Some(&search.area_code), Some(&search.contains)) {
        Ok(filter) => channels::available_numbers(state, who, id, &filter, provider)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error.into()),
    };
    match found {
        Ok(numbers) => {
            card.available = numbers
                .into_iter()
                .map(|n| Item {
                    id: n.as_str().to_string(),
                    label: display_number(n.as_str()),
                    detail: String::new(),
                    away: None,
                })
                .collect();
        }
        // A search Twilio refused or could not answer is the admin's to
        // read on the page, not a failed page.
        Err(error) if shown_on_page(&error) => {
            card.search_error = Some(sentence(error.public_detail()));
        }
        Err(error) => return Err(error),
    }
    card.search = search;
    Ok(card)
}

fn connected_item(channel: &Channel) -> Item {
    Item {
        id: channel.id.to_string(),
        label: display_number(&channel.address),
        detail: channel.provider.label().to_string(),
        away: None,
    }
}

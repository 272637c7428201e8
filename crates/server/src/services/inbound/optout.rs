//! STOP / START / HELP: a customer's text that *is* a keyword changes what
//! may be sent to them (DESIGN.md §4). The text itself is stored as usual, so
//! the team sees it in the conversation; the contact's `opted_out_at` is set
//! or cleared in the same transaction as the message.

use channels::Keyword;
use domain::{Contact, Timestamp};
use store::StoreError;

/// Applies a keyword text to `contact` (changed in place and in `tx`).
///
/// STOP-words opt the contact out (the first STOP's time is kept when they
/// repeat it); START-words opt them back in; HELP and INFO change nothing:
/// Twilio answers them with the number's help text, and the message stays
/// in the conversation for an agent to follow up.
pub(crate) async fn apply(
    tx: &mut store::Tx<'_>,
    contact: &mut Contact,
    keyword: Keyword,
    now: Timestamp,
) -> Result<(), StoreError> {
    let opted_out_at = match keyword {
        Keyword::OptOut if !contact.is_opted_out() => Some(now),
        Keyword::OptIn if contact.is_opted_out() => None,
        Keyword::OptOut | Keyword::OptIn | Keyword::Help => {
            tracing::info!(contact_id = %contact.id, ?keyword, "keyword from a contact");
            return Ok(());
        }
    };
    store::contacts::set_opted_out(tx, &contact.id, opted_out_at).await?;
    contact.opted_out_at = opted_out_at;
    tracing::info!(contact_id = %contact.id, ?keyword, "contact changed their opt-out");
    Ok(())
}

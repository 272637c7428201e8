//! After the load: what the database really holds. Every sender's
//! conversation is read back through its timeline and each stored inbound
//! message counted by its `MessageSid`.

use std::collections::HashMap;

use domain::MessageKind;

use super::load::Fixture;
use super::BenchError;
use crate::services::state::AppState;

/// Timeline items read per query.
const PAGE: u32 = 1000;

/// How many times each `MessageSid` is stored.
#[derive(Debug, Default)]
pub(super) struct Stored {
    counts: HashMap<String, usize>,
}

impl Stored {
    /// `(lost, duplicated)`: acknowledged sids not stored, and sids stored
    /// more than once.
    pub(super) fn compare(&self, acknowledged: &[String]) -> (usize, usize) {
        let lost = acknowledged
            .iter()
            .filter(|sid| !self.counts.contains_key(*sid))
            .count();
        let duplicated = self.counts.values().filter(|&&n| n > 1).count();
        (lost, duplicated)
    }
}

/// Counts the inbound messages of every sender's conversation in the bench inbox.
pub(super) async fn count(state: &AppState, fixture: &Fixture) -> Result<Stored, BenchError> {
    let mut stored = Stored::default();
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    for sender in &fixture.senders {
        let Some(contact) =
            store::contacts::by_phone(&mut conn, &fixture.inbox.workspace_id, sender, false)
                .await?
        else {
            continue;
        };
        let Some(conversation) =
            store::conversations::latest(&mut conn, &fixture.inbox.id, &contact.id).await?
        else {
            continue;
        };
        let mut after = 0;
        loop {
            let page = store::messages::timeline(&mut conn, &conversation.id, after, PAGE).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.event.seq;
            for message in page.into_iter().filter_map(|item| item.message) {
                if let (MessageKind::Inbound, Some(sid)) = (message.kind, message.provider_id) {
                    *stored.counts.entry(sid).or_default() += 1;
                }
            }
        }
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_and_duplicated_are_counted_separately() {
        let stored = Stored {
            counts: HashMap::from([("a".into(), 1), ("b".into(), 2), ("c".into(), 1)]),
        };
        let acknowledged = vec!["a".to_string(), "b".into(), "d".into()];
        assert_eq!(stored.compare(&acknowledged), (1, 1));
    }
}

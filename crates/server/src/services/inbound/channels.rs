//! The channels webhooks name, remembered for a moment: a burst of texts to
//! one number reads its channel once, not once per text.
//!
//! A channel changed or removed is seen within [`MAX_AGE`]; a webhook whose
//! signature does not match a remembered channel reads it again before it
//! is refused, so a new auth token works at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::{Channel, ChannelId};
use store::{Store, StoreError};

/// How long a channel read is used.
const MAX_AGE: Duration = Duration::from_secs(1);
/// Past this many channels the memory starts again.
const MAX_ENTRIES: usize = 10_000;

/// This node's memory of recently used channels.
#[derive(Debug, Clone, Default)]
pub struct Channels {
    read: Arc<Mutex<HashMap<ChannelId, (Instant, Channel)>>>,
}

impl Channels {
    /// The channel, from memory when read less than [`MAX_AGE`] ago (unless
    /// `fresh`), else from the store. `None` when there is no such channel.
    pub(crate) async fn get(
        &self,
        store: &Store,
        id: &ChannelId,
        fresh: bool,
    ) -> Result<Option<Channel>, StoreError> {
        if !fresh {
            let read = self.read.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, channel)) = read.get(id) {
                if at.elapsed() < MAX_AGE {
                    return Ok(Some(channel.clone()));
                }
            }
        }
        let mut reader = store.read().await?;
        let channel = store::channels::get(&mut reader.conn(), id).await?;
        drop(reader);
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        if read.len() >= MAX_ENTRIES {
            read.clear();
        }
        match &channel {
            Some(channel) => {
                read.insert(id.clone(), (Instant::now(), channel.clone()));
            }
            None => {
                read.remove(id);
            }
        }
        Ok(channel)
    }
}

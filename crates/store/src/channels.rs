//! Channels: the SMS numbers and email addresses that feed an inbox.

use domain::text::Word;
use domain::{Channel, ChannelId, ChannelKind, Id, InboxId, Provider};

use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

/// A `channels` row as stored.
#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: String,
    inbox_id: String,
    kind: String,
    provider: String,
    address: String,
    settings: String,
    created_at: i64,
}

// Written by hand: `settings` holds provider secrets and never reaches a log.
impl std::fmt::Debug for ChannelRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelRow")
            .field("id", &self.id)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

fn channel_from_row(row: ChannelRow) -> Result<Channel> {
    Ok(Channel {
        id: Id::from_trusted(row.id),
        inbox_id: Id::from_trusted(row.inbox_id),
        kind: ChannelKind::parse(&row.kind).map_err(|e| StoreError::corrupt("channels.kind", e))?,
        provider: Provider::parse(&row.provider)
            .map_err(|e| StoreError::corrupt("channels.provider", e))?,
        address: row.address,
        settings: row.settings,
        created_at: from_millis(row.created_at)?,
    })
}

/// Connects a channel. An address already connected (to any inbox, in any
/// workspace) gives [`StoreError::Duplicate`] and writes nothing: inbound
/// traffic to one address must route to exactly one inbox.
#[tracing::instrument(skip_all, fields(channel_id = %channel.id, inbox_id = %channel.inbox_id), err(level = "debug"))]
pub async fn create(tx: &mut Tx<'_>, channel: &Channel) -> Result<()> {
    let inserted = crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO channels (id, inbox_id, kind, provider, address, settings, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(channel.id.as_str())
    .bind(channel.inbox_id.as_str())
    .bind(channel.kind.as_str())
    .bind(channel.provider.as_str())
    .bind(&channel.address)
    .bind(&channel.settings)
    .bind(to_millis(channel.created_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Err(StoreError::Duplicate("channels_address".into()));
    }
    Ok(())
}

/// One channel.
#[tracing::instrument(skip_all, fields(channel_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &ChannelId) -> Result<Option<Channel>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, ChannelRow>(
        "SELECT id, inbox_id, kind, provider, address, settings, created_at \
         FROM channels WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(channel_from_row).transpose()
}

/// The channels of an inbox, oldest first.
#[tracing::instrument(skip_all, fields(inbox_id = %inbox), err(level = "debug"))]
pub async fn for_inbox(conn: &mut Conn<'_>, inbox: &InboxId) -> Result<Vec<Channel>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, ChannelRow>(
        "SELECT id, inbox_id, kind, provider, address, settings, created_at \
         FROM channels WHERE inbox_id = $1 ORDER BY created_at, id",
    )
    .bind(inbox.as_str())
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter().map(channel_from_row).collect()
}

/// The channel customers reach at `address` (an E.164 number, an email
/// address): where an inbound message is routed.
#[tracing::instrument(skip_all, fields(kind = kind.as_str()), err(level = "debug"))]
pub async fn by_address(
    conn: &mut Conn<'_>,
    kind: ChannelKind,
    address: &str,
) -> Result<Option<Channel>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, ChannelRow>(
        "SELECT id, inbox_id, kind, provider, address, settings, created_at \
         FROM channels WHERE kind = $1 AND address = $2",
    )
    .bind(kind.as_str())
    .bind(address)
    .fetch_optional(&mut **c)
    .await)?;
    row.map(channel_from_row).transpose()
}

/// Disconnects a channel. Its messages and conversations stay (their
/// `channel_id` becomes empty). Returns whether it existed.
#[tracing::instrument(skip_all, fields(channel_id = %id), err(level = "debug"))]
pub async fn delete(tx: &mut Tx<'_>, id: &ChannelId) -> Result<bool> {
    let deleted = crate::on_backend!(tx.conn(), c => sqlx::query("DELETE FROM channels WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

//! Outgoing webhooks: the endpoints a workspace registered, and the log of
//! what was delivered to each. The deliveries themselves are jobs; a row
//! here records each attempt's outcome for the admins.

use domain::{Timestamp, WorkspaceId};

use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

/// A registered endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Its id (a UUIDv7).
    pub id: String,
    /// The workspace whose events it receives.
    pub workspace_id: WorkspaceId,
    /// Where deliveries are POSTed (http or https).
    pub url: String,
    /// What the admin wrote to recognise it.
    pub description: String,
    /// The event types it wants (`message`, `assigned`, …); empty for all.
    pub event_types: Vec<String>,
    /// The signing secret (`whsec_…`): shown to the admin once, kept to sign.
    pub secret: String,
    /// Whether deliveries go out; off after a day of failures.
    pub enabled: bool,
    /// Why it was turned off.
    pub disabled_reason: Option<String>,
    /// When it was registered.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl Endpoint {
    /// Whether it wants events of this type.
    pub fn wants(&self, event_type: &str) -> bool {
        self.event_types.is_empty() || self.event_types.iter().any(|t| t == event_type)
    }
}

/// What became of one event at one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The endpoint.
    pub endpoint_id: String,
    /// The event delivered (its sequence number; `webhook-id` is made from it).
    pub event_seq: i64,
    /// Its type.
    pub event_type: String,
    /// `pending` (will retry), `delivered` or `failed` (given up).
    pub status: String,
    /// How many attempts so far.
    pub attempts: u32,
    /// The endpoint's HTTP status on the last attempt, if it answered.
    pub response_status: Option<u16>,
    /// What went wrong on the last attempt.
    pub last_error: Option<String>,
    /// When the first attempt was made.
    pub created_at: Timestamp,
    /// When the last attempt was made.
    pub updated_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct EndpointRow {
    id: String,
    workspace_id: String,
    url: String,
    description: String,
    event_kinds: String,
    secret: String,
    enabled: bool,
    disabled_reason: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<EndpointRow> for Endpoint {
    type Error = StoreError;

    fn try_from(row: EndpointRow) -> Result<Self> {
        Ok(Self {
            event_types: serde_json::from_str(&row.event_kinds)
                .map_err(|e| StoreError::corrupt("webhook_endpoints.event_kinds", e))?,
            id: row.id,
            workspace_id: WorkspaceId::from_trusted(row.workspace_id),
            url: row.url,
            description: row.description,
            secret: row.secret,
            enabled: row.enabled,
            disabled_reason: row.disabled_reason,
            created_at: from_millis(row.created_at)?,
            updated_at: from_millis(row.updated_at)?,
        })
    }
}

const ENDPOINT_COLUMNS: &str = "id, workspace_id, url, description, event_kinds, secret, enabled, \
     disabled_reason, created_at, updated_at";

/// Registers an endpoint.
#[tracing::instrument(skip_all, fields(workspace_id = %endpoint.workspace_id), err(level = "debug"))]
pub async fn create(tx: &mut Tx<'_>, endpoint: &Endpoint) -> Result<()> {
    let types = serde_json::to_string(&endpoint.event_types)
        .map_err(|e| StoreError::corrupt("webhook_endpoints.event_kinds", e))?;
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO webhook_endpoints (id, workspace_id, url, description, event_kinds, secret, \
             enabled, disabled_reason, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&endpoint.id)
    .bind(endpoint.workspace_id.as_str())
    .bind(&endpoint.url)
    .bind(&endpoint.description)
    .bind(&types)
    .bind(&endpoint.secret)
    .bind(endpoint.enabled)
    .bind(endpoint.disabled_reason.as_deref())
    .bind(to_millis(endpoint.created_at))
    .bind(to_millis(endpoint.updated_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The workspace's endpoints, oldest first.
#[tracing::instrument(skip_all, fields(workspace_id = %workspace), err(level = "debug"))]
pub async fn list(conn: &mut Conn<'_>, workspace: &WorkspaceId) -> Result<Vec<Endpoint>> {
    let sql = format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE workspace_id = $1 ORDER BY id"
    );
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, EndpointRow>(&sql)
        .bind(workspace.as_str())
        .fetch_all(&mut **c)
        .await)?;
    rows.into_iter().map(Endpoint::try_from).collect()
}

/// One endpoint, by id.
#[tracing::instrument(skip_all, fields(endpoint_id = %id), err(level = "debug"))]
pub async fn get(conn: &mut Conn<'_>, id: &str) -> Result<Option<Endpoint>> {
    let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1");
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, EndpointRow>(&sql)
        .bind(id)
        .fetch_optional(&mut **c)
        .await)?;
    row.map(Endpoint::try_from).transpose()
}

/// Removes an endpoint of the workspace (and its delivery log). Returns
/// whether there was one.
#[tracing::instrument(skip_all, fields(endpoint_id = %id), err(level = "debug"))]
pub async fn delete(tx: &mut Tx<'_>, workspace: &WorkspaceId, id: &str) -> Result<bool> {
    let done = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM webhook_endpoints WHERE id = $1 AND workspace_id = $2",
    )
    .bind(id)
    .bind(workspace.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// Turns an endpoint off with the reason the admins will read.
#[tracing::instrument(skip_all, fields(endpoint_id = %id), err(level = "debug"))]
pub async fn disable(tx: &mut Tx<'_>, id: &str, reason: &str, now: Timestamp) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = $2, updated_at = $3 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(reason)
    .bind(to_millis(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records an attempt: the first creates the event's delivery row, later
/// ones update it (`attempts` counts them).
#[tracing::instrument(skip_all, fields(endpoint_id = %delivery.endpoint_id, seq = delivery.event_seq), err(level = "debug"))]
pub async fn record_attempt(tx: &mut Tx<'_>, delivery: &Delivery, payload: &str) -> Result<()> {
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_seq, event_type, payload, status, \
             attempts, response_status, last_error, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $9) \
         ON CONFLICT (endpoint_id, event_seq) DO UPDATE SET status = excluded.status, \
             attempts = webhook_deliveries.attempts + 1, \
             response_status = excluded.response_status, last_error = excluded.last_error, \
             updated_at = excluded.updated_at",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&delivery.endpoint_id)
    .bind(delivery.event_seq)
    .bind(&delivery.event_type)
    .bind(payload)
    .bind(&delivery.status)
    .bind(delivery.response_status.map(i32::from))
    .bind(delivery.last_error.as_deref())
    .bind(to_millis(delivery.updated_at))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    endpoint_id: String,
    event_seq: i64,
    event_type: String,
    status: String,
    attempts: i32,
    response_status: Option<i32>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

/// The endpoint's most recent deliveries, newest first.
#[tracing::instrument(skip_all, fields(endpoint_id = %endpoint), err(level = "debug"))]
pub async fn recent_deliveries(
    conn: &mut Conn<'_>,
    endpoint: &str,
    limit: u32,
) -> Result<Vec<Delivery>> {
    let rows = crate::on_backend!(conn, c => sqlx::query_as::<_, DeliveryRow>(
        "SELECT endpoint_id, event_seq, event_type, status, attempts, response_status, last_error, \
                created_at, updated_at \
         FROM webhook_deliveries WHERE endpoint_id = $1 \
         ORDER BY created_at DESC, event_seq DESC LIMIT $2",
    )
    .bind(endpoint)
    .bind(i64::from(limit))
    .fetch_all(&mut **c)
    .await)?;
    rows.into_iter()
        .map(|row| {
            Ok(Delivery {
                endpoint_id: row.endpoint_id,
                event_seq: row.event_seq,
                event_type: row.event_type,
                status: row.status,
                attempts: u32::try_from(row.attempts)
                    .map_err(|e| StoreError::corrupt("webhook_deliveries.attempts", e))?,
                response_status: row.response_status.and_then(|s| u16::try_from(s).ok()),
                last_error: row.last_error,
                created_at: from_millis(row.created_at)?,
                updated_at: from_millis(row.updated_at)?,
            })
        })
        .collect()
}

//! Outgoing webhooks, as admins manage them: register an endpoint (its secret
//! is shown once), list them with their state, read an endpoint's recent
//! deliveries, remove one. Deliveries are the `webhooks` reaction's jobs.

use domain::{Action, EventKind};
use store::webhooks::{Delivery, Endpoint};

use super::access::Principal;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// Longest URL accepted.
const MAX_URL: usize = 2_000;
/// Longest description accepted.
const MAX_DESCRIPTION: usize = 200;
/// Endpoints one workspace may register.
const MAX_ENDPOINTS: usize = 20;
/// Deliveries listed per endpoint.
pub const RECENT_DELIVERIES: u32 = 100;

/// What an admin asks for.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    /// Where to POST (http or https).
    pub url: String,
    /// To recognise it by.
    pub description: String,
    /// The event types wanted; empty for every type.
    pub event_types: Vec<String>,
}

/// A registered endpoint and its secret, which is never shown again.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The signing secret (`whsec_…`).
    pub secret: String,
}

/// Registers an endpoint for the caller's workspace.
#[tracing::instrument(skip_all, fields(workspace_id = %who.workspace_id), err(level = "debug"))]
pub async fn create(
    state: &AppState,
    who: &Principal,
    new: NewEndpoint,
) -> Result<Registered, ServiceError> {
    who.may(Action::ManageIntegrations)?;
    let url = parse_url(&new.url)?;
    let description = new.description.trim().to_string();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(ServiceError::invalid(
            "validation",
            format!("description: at most {MAX_DESCRIPTION} characters"),
        ));
    }
    let mut event_types = Vec::new();
    for kind in new.event_types {
        if !EventKind::NAMES.contains(&kind.as_str()) {
            return Err(ServiceError::invalid(
                "validation",
                format!(
                    "event_types: {kind:?} is not an event type (one of {})",
                    EventKind::NAMES.join(", ")
                ),
            ));
        }
        if !event_types.contains(&kind) {
            event_types.push(kind);
        }
    }
    let now = state.clock.now();
    let secret = channels::webhooks::generate_secret();
    let endpoint = Endpoint {
        id: uuid::Uuid::now_v7().to_string(),
        workspace_id: who.workspace_id.clone(),
        url,
        description,
        event_types,
        secret: secret.clone(),
        enabled: true,
        disabled_reason: None,
        created_at: now,
        updated_at: now,
    };
    let mut tx = state.store.begin().await?;
    let existing = store::webhooks::list(&mut tx.conn(), &who.workspace_id).await?;
    if existing.len() >= MAX_ENDPOINTS {
        return Err(ServiceError::conflict(
            "too_many_webhooks",
            format!("a workspace has at most {MAX_ENDPOINTS} webhook endpoints"),
        ));
    }
    store::webhooks::create(&mut tx, &endpoint).await?;
    tx.commit().await?;
    Ok(Registered { endpoint, secret })
}

/// The workspace's endpoints.
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<Endpoint>, ServiceError> {
    who.may(Action::ManageIntegrations)?;
    let mut reader = state.store.read().await?;
    Ok(store::webhooks::list(&mut reader.conn(), &who.workspace_id).await?)
}

/// One endpoint of the workspace and its recent deliveries, newest first.
pub async fn deliveries(
    state: &AppState,
    who: &Principal,
    id: &str,
) -> Result<(Endpoint, Vec<Delivery>), ServiceError> {
    who.may(Action::ManageIntegrations)?;
    let mut reader = state.store.read().await?;
    let mut conn = reader.conn();
    let endpoint = store::webhooks::get(&mut conn, id)
        .await?
        .filter(|e| e.workspace_id == who.workspace_id)
        .ok_or_else(|| ServiceError::not_found("No such webhook endpoint."))?;
    let deliveries =
        store::webhooks::recent_deliveries(&mut conn, &endpoint.id, RECENT_DELIVERIES).await?;
    Ok((endpoint, deliveries))
}

/// Removes an endpoint; deliveries not yet made are dropped with it.
#[tracing::instrument(skip_all, fields(endpoint_id = %id), err(level = "debug"))]
pub async fn delete(state: &AppState, who: &Principal, id: &str) -> Result<(), ServiceError> {
    who.may(Action::ManageIntegrations)?;
    let mut tx = state.store.begin().await?;
    if !store::webhooks::delete(&mut tx, &who.workspace_id, id).await? {
        return Err(ServiceError::not_found("No such webhook endpoint."));
    }
    tx.commit().await?;
    Ok(())
}

/// An absolute http(s) URL with a host, without credentials.
fn parse_url(raw: &str) -> Result<String, ServiceError> {
    let invalid = |why: &str| ServiceError::invalid("validation", format!("url: {why}"));
    let raw = raw.trim();
    if raw.len() > MAX_URL {
        return Err(invalid(&format!("at most {MAX_URL} characters")));
    }
    let url = url::Url::parse(raw).map_err(|_| invalid("not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https URLs can receive webhooks"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the URL are not kept; put them in the path",
        ));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn only_absolute_http_urls_can_receive_webhooks() {
        assert!(parse_url("https://crm.example/hooks/switchboard").is_ok());
        assert!(parse_url("http://127.0.0.1:9000/in").is_ok());
        for bad in [
            "ftp://crm.example/x",
            "javascript:alert(1)",
            "/relative",
            "https://user:pw@crm.example/",
            "file:///etc/passwd",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }
}

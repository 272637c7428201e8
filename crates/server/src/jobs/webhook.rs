//! Delivering one event to one outgoing-webhook endpoint: signed as the
//! Standard Webhooks specification says, POSTed without following
//! redirects, retried on a timeout or a non-2xx answer for about a day, and
//! then the endpoint is turned off with the reason the admins will read.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use store::webhooks::Endpoint;

use super::{Attempt, JobError};
use crate::services::state::AppState;

/// Attempts in all: the first at once, then after each wait of [`WAITS`].
pub const ATTEMPTS: u32 = 8;
/// The waits between attempts (Svix's schedule): 5 s, 5 min, 30 min, 2 h,
/// 5 h, 10 h, 10 h — some 27 hours from the first try to the last.
const WAITS: [u64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
/// How long one attempt may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(15);
/// How much of an endpoint's answer is kept for the log.
const KEEP_ANSWER: usize = 200;

/// What one job delivers.
#[derive(Debug)]
pub struct Delivery<'a> {
    /// The endpoint's id.
    pub endpoint_id: &'a str,
    /// The event's sequence number.
    pub event_seq: i64,
    /// The event's type.
    pub event_type: &'a str,
    /// The JSON body to sign and send.
    pub body: &'a str,
}

/// Makes one attempt and records it.
pub async fn run(
    state: &AppState,
    delivery: Delivery<'_>,
    attempt: Attempt,
) -> Result<(), JobError> {
    let endpoint = {
        let mut reader = state.store.read().await?;
        store::webhooks::get(&mut reader.conn(), delivery.endpoint_id).await?
    };
    // Removed or turned off since: nothing to deliver.
    let Some(endpoint) = endpoint.filter(|e| e.enabled) else {
        return Ok(());
    };
    let result = send(state, &endpoint, &delivery).await;
    let (status, code, error) = match &result {
        Ok(code) => ("delivered", Some(*code), None),
        Err((code, error)) if attempt.is_last() => ("failed", *code, Some(error.clone())),
        Err((code, error)) => ("pending", *code, Some(error.clone())),
    };
    let now = state.clock.now();
    let mut tx = state.store.begin().await?;
    store::webhooks::record_attempt(
        &mut tx,
        &store::webhooks::Delivery {
            endpoint_id: endpoint.id.clone(),
            event_seq: delivery.event_seq,
            event_type: delivery.event_type.to_string(),
            status: status.to_string(),
            attempts: attempt.number,
            response_status: code,
            last_error: error.clone(),
            created_at: now,
            updated_at: now,
        },
        delivery.body,
    )
    .await?;
    if status == "failed" {
        let reason = format!(
            "turned off on {}: event {} could not be delivered after {} attempts over a day ({})",
            now.format("%Y-%m-%d %H:%M UTC"),
            delivery.event_seq,
            attempt.number,
            error.as_deref().unwrap_or("no answer"),
        );
        store::webhooks::disable(&mut tx, &endpoint.id, &reason, now).await?;
    }
    tx.commit().await?;
    match (result, error) {
        (Ok(_), _) => Ok(()),
        (Err(_), Some(reason)) if status == "failed" => Err(JobError::Fail(reason)),
        (Err(_), reason) => Err(JobError::Retry {
            after: Some(wait_after(attempt.number)),
            reason: reason.unwrap_or_default(),
        }),
    }
}

/// The wait before the attempt after attempt `number`.
fn wait_after(number: u32) -> Duration {
    let index = usize::try_from(number.saturating_sub(1)).unwrap_or(usize::MAX);
    Duration::from_secs(WAITS.get(index).copied().unwrap_or(WAITS[WAITS.len() - 1]))
}

/// POSTs the signed body. `Ok(status)` for a 2xx; otherwise the status, if
/// the endpoint answered, and what went wrong.
async fn send(
    state: &AppState,
    endpoint: &Endpoint,
    delivery: &Delivery<'_>,
) -> Result<u16, (Option<u16>, String)> {
    refuse_private(state, &endpoint.url)
        .await
        .map_err(|e| (None, e))?;
    let id = format!("evt_{}", delivery.event_seq);
    // The wall clock, not the services' (tests move that one): receivers compare
    // it with theirs to refuse replays.
    let timestamp = chrono::Utc::now().timestamp();
    let signature =
        channels::webhooks::sign(&endpoint.secret, &id, timestamp, delivery.body.as_bytes())
            .map_err(|e| (None, e.to_string()))?;
    let response = state
        .http
        .post(&endpoint.url)
        .timeout(TIMEOUT)
        .header(CONTENT_TYPE, "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.body.to_string())
        .send()
        .await
        .map_err(|e| (None, describe(&e)))?;
    let status = response.status();
    if status.is_success() {
        return Ok(status.as_u16());
    }
    let answer = response.text().await.unwrap_or_default();
    let answer: String = answer.chars().take(KEEP_ANSWER).collect();
    let what = if status.is_redirection() {
        format!("HTTP {status}: redirects are not followed")
    } else {
        format!("HTTP {status}: {answer}")
    };
    Err((Some(status.as_u16()), what))
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if error.is_connect() {
        "could not connect".to_string()
    } else {
        "the request failed".to_string()
    }
}

/// Refuses an endpoint whose host is (or resolves to) a loopback, private or
/// link-local address unless the operator allows them
/// (`webhook_allow_private`): a workspace admin must not reach into the
/// server's own network.
async fn refuse_private(state: &AppState, url: &str) -> Result<(), String> {
    if state.settings.webhook_allow_private {
        return Ok(());
    }
    let url = url::Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses = tokio::net::lookup_host((host.trim_matches(['[', ']']), port))
        .await
        .map_err(|_| format!("cannot resolve {host}"))?;
    for address in addresses {
        if is_private(address.ip()) {
            return Err(format!(
                "{host} is a private address; the server's operator does not allow those"
            ));
        }
    }
    Ok(())
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64 // 100.64/10
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00 // unique local
                || (v6.segments()[0] & 0xffc0) == 0xfe80 // link local
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_spread_over_about_a_day() {
        let total: u64 = (1..ATTEMPTS).map(|n| wait_after(n).as_secs()).sum();
        assert!((20 * 3600..30 * 3600).contains(&total), "{total} s");
        assert_eq!(wait_after(1), Duration::from_secs(5));
    }

    #[test]
    fn private_and_loopback_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "169.254.1.1",
            "::1",
            "fd00::1",
            "100.64.0.1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "2606:4700::1111"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }
}

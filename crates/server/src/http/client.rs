//! Who is on the other end of a request: the client's IP address, which the
//! login throttle and the simulator's rate limits count by.
//!
//! It is the TCP peer, unless the peer is one of `trusted_proxies` (a load
//! balancer in front of this server): then it is read from
//! `X-Forwarded-For`, from the right, skipping the trusted proxies that
//! appended themselves. Anything left of the first untrusted address was
//! written by the client and could be anything, so it is never read.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;

use crate::http::error::ApiError;
use crate::services::state::AppState;

/// The client's address, as counted by the rate limits (see the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
            // Only a router served without connect info lands here: a bug.
            .ok_or_else(|| ApiError::internal("the peer's address is unknown"))?;
        Ok(Self(client_of(
            peer,
            &parts.headers,
            &state.settings.trusted_proxies,
        )))
    }
}

/// The device cookie's name: a browser that logged in to an account before
/// (see [`crate::services::accounts::limiter`]).
pub const DEVICE_COOKIE: &str = "switchboard_device";

/// The device cookie's value in `jar`, if the browser sent one.
pub fn device(jar: &CookieJar) -> Option<String> {
    jar.get(DEVICE_COOKIE).map(|c| c.value().to_string())
}

/// The device cookie to set after a login from a new device: `HttpOnly`,
/// `SameSite=Lax`, a year long, `Secure` when the public URL is https.
pub fn device_cookie(state: &AppState, value: String) -> Result<Cookie<'static>, ApiError> {
    const YEAR: std::time::Duration = std::time::Duration::from_secs(365 * 24 * 60 * 60);
    Ok(Cookie::build((DEVICE_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(state.settings.public_url.starts_with("https://"))
        .max_age(YEAR.try_into().map_err(ApiError::internal)?)
        .build())
}

/// The client behind `peer` (see the module's documentation).
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|t| same_host(t, ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Every header line, in order, read as one comma-separated list.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => client = ip,
            Ok(ip) => return ip,
            // A hop our proxy did not write sensibly: stop at the last trusted one.
            Err(_) => return client,
        }
    }
    client
}

/// IPv4 addresses match themselves also when written as IPv6 (`::ffff:a.b.c.d`).
fn same_host(a: &IpAddr, b: &IpAddr) -> bool {
    a.to_canonical() == b.to_canonical()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let headers = forwarded(&["198.51.100.7"]);
        assert_eq!(
            client_of(ip("203.0.113.9"), &headers, &[]),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_of(ip("203.0.113.9"), &headers, &[ip("10.0.0.1")]),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_of(ip("10.0.0.1"), &headers, &[ip("10.0.0.1")]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn what_the_client_wrote_left_of_the_proxies_is_never_read() {
        // The client sent "1.2.3.4"; the proxy appended the real address.
        let headers = forwarded(&["1.2.3.4, 198.51.100.7"]);
        let trusted = [ip("10.0.0.1")];
        assert_eq!(
            client_of(ip("10.0.0.1"), &headers, &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn chained_trusted_proxies_are_skipped_from_the_right() {
        let headers = forwarded(&["198.51.100.7", "10.0.0.2"]);
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        assert_eq!(
            client_of(ip("::ffff:10.0.0.1"), &headers, &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn a_garbled_or_missing_header_leaves_the_last_trusted_hop() {
        let trusted = [ip("10.0.0.1")];
        assert_eq!(
            client_of(ip("10.0.0.1"), &forwarded(&["nonsense"]), &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_of(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
    }
}

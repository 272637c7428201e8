//! `X-Slack-Signature` v0: `v0=` and the hex HMAC-SHA256, keyed with the
//! app's signing secret, of `v0:{X-Slack-Request-Timestamp}:{raw body}`.
//! A request older (or newer) than five minutes is refused, so a captured
//! request cannot be replayed later.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a request's timestamp may be from now, in seconds.
pub const FRESH_FOR_SECS: i64 = 300;

/// Why a request is not Slack's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A header is missing or not in its format.
    #[error("the request lacks a well-formed X-Slack-Signature or X-Slack-Request-Timestamp")]
    Malformed,
    /// The timestamp is more than five minutes from now.
    #[error("the request is older than five minutes (or from the future)")]
    Stale,
    /// The signature does not match the body.
    #[error("the signature does not match")]
    Mismatch,
}

/// The `X-Slack-Signature` for `body` sent at `timestamp` (what Slack sends;
/// the stand-in signs its interactions with it).
pub fn sign(signing_secret: &str, timestamp: &str, body: &[u8]) -> String {
    format!("v0={}", hex::encode(mac(signing_secret, timestamp, body)))
}

/// Checks a request's headers against its raw body at `now` (Unix seconds).
pub fn verify(
    signing_secret: &str,
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let sent_at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed)?;
    if (now - sent_at).abs() > FRESH_FOR_SECS {
        return Err(SignatureError::Stale);
    }
    let given = signature
        .strip_prefix("v0=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(SignatureError::Malformed)?;
    let expected = mac(signing_secret, timestamp.trim(), body);
    if bool::from(expected.as_slice().ct_eq(&given)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

fn mac(signing_secret: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length; this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(signing_secret.as_bytes()) else {
        return Vec::new();
    };
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

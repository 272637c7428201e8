//! Outgoing webhooks as the Standard Webhooks specification has them: the
//! secret's format, the signature, and the headers a delivery carries.
//!
//! `webhook-signature` is `v1,` and the base64 HMAC-SHA256, keyed with the
//! base64-decoded secret (after `whsec_`), of `{webhook-id}.{webhook-timestamp}.{body}`
//! over the body's exact bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The prefix of every secret.
const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a new secret (the specification allows 24 to 64).
const SECRET_BYTES: usize = 32;

/// A signing secret that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a webhook secret: {0}")]
pub struct BadSecret(&'static str);

/// A new secret, `whsec_` and 32 random bytes in base64.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` value for one delivery.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, BadSecret> {
    let encoded = secret
        .strip_prefix(SECRET_PREFIX)
        .ok_or(BadSecret("it does not start with whsec_"))?;
    let key = STANDARD
        .decode(encoded)
        .map_err(|_| BadSecret("it is not base64 after whsec_"))?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret("the key is unusable"))?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's published vector.
    #[test]
    fn the_standard_webhooks_vector_signs_as_published() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Ok("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn a_new_secret_signs_and_a_malformed_one_is_refused() {
        let secret = generate_secret();
        assert!(secret.starts_with("whsec_"));
        assert!(sign(&secret, "evt_1", 1, b"{}").is_ok());
        assert!(sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "evt_1", 1, b"{}").is_err());
        assert!(sign("whsec_not base64!", "evt_1", 1, b"{}").is_err());
    }
}

//! Secrets handed to clients (session cookies, API tokens, CSRF tokens).
//!
//! A secret is shown to its holder once and only its SHA-256 is stored, so a
//! leaked table or backup opens no session and authenticates no request.
//! SHA-256 rather than a slow password hash: the input is 256 random bits,
//! so there is nothing to guess, and the lookup runs on every request.

use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Random bytes in every secret: 256 bits.
const SECRET_BYTES: usize = 32;

/// A new secret: `prefix`, an underscore and 32 random bytes from the
/// operating system in lowercase hex (URL-, cookie- and header-safe).
///
/// The prefix (`sb`, `sbs`, …) says what the secret is, so one pasted into a
/// chat or found by a secret scanner can be recognised.
pub fn generate_token(prefix: &str) -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}

/// The form in which a secret is stored and looked up: SHA-256, lowercase hex.
pub fn hash_token(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_their_prefix_and_256_random_bits() {
        let token = generate_token("sb");
        let (prefix, random) = token.split_once('_').unwrap();
        assert_eq!(prefix, "sb");
        assert_eq!(random.len(), 64);
        assert!(random.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(generate_token("sb"), generate_token("sb"));
    }

    #[test]
    fn hashing_is_sha256_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(hash_token("sb_a"), "sb_a");
    }
}

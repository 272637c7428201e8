//! Passwords: the length rule, argon2id hashing and verification.
//!
//! Hashing is CPU work that takes tens of milliseconds on purpose, so it runs
//! on tokio's blocking threads, never on the async ones.

use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use domain::DomainError;

use crate::services::ServiceError;

/// Shortest password accepted for a new account.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted for a new account: long enough for any
/// passphrase or password manager, short enough to bound the work per request.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A hash of a random password nobody knows, made with [`Argon2::default`]'s
/// parameters. Logins for an unknown address, or for an account without a
/// password, verify against it so that they cost the same time as a real
/// check: the response time does not tell which addresses have accounts.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$4P2tQREkxAo/ZbCOEXs/bw$6IJUsCaHiqJ1/Tfz6yg/Sz32yblFwJchddF10AV9kLg";

/// A password as typed. `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// A password for a new account or a new password: checks the length
    /// rule; the text is kept exactly as typed (spaces are characters too).
    pub fn parse(raw: String) -> Result<Self, DomainError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(DomainError::invalid(
                "password",
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(DomainError::invalid(
                "password",
                format!("must be at most {MAX_PASSWORD_CHARS} characters"),
            ));
        }
        Ok(Self(raw))
    }

    /// A password typed at login. Not checked against the rules for new
    /// passwords: an account may predate them, and a wrong password is simply
    /// wrong, whatever its length.
    pub fn typed(raw: String) -> Self {
        Self(raw)
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Hashes with argon2id (the crate's defaults, OWASP's recommended
/// parameters) and a fresh salt, off the async threads.
pub async fn hash_password(password: Password) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ServiceError::internal(format!("cannot hash the password: {e}")))
    })
    .await
    .map_err(ServiceError::internal)?
}

/// Whether `password` matches a hash made by [`hash_password`]. A malformed
/// hash matches nothing.
pub async fn verify_password(password: Password, hash: String) -> bool {
    tokio::task::spawn_blocking(move || matches(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Like [`verify_password`], for an account that may not exist or may have
/// no password (`None`): then the work is done against [`DUMMY_HASH`] and the
/// answer is always no, so both cases take as long as a wrong password.
pub async fn verify_or_pretend(password: Password, hash: Option<String>) -> bool {
    match hash {
        Some(hash) => verify_password(password, hash).await,
        None => {
            // The result is thrown away: only the time it took matters.
            let _ = verify_password(password, DUMMY_HASH.to_string()).await;
            false
        }
    }
}

fn matches(password: &Password, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::PasswordHash;
    use argon2::Params;

    use super::*;

    #[test]
    fn a_short_or_huge_password_is_refused_and_others_kept_as_typed() {
        assert!(Password::parse("1234567".into()).is_err());
        assert!(Password::parse("x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
        assert!(Password::parse("é".repeat(MAX_PASSWORD_CHARS)).is_ok());
        let password = Password::parse(" eight ch ".into()).unwrap();
        assert_eq!(password.expose(), " eight ch ");
        assert_eq!(format!("{password:?}"), "Password(***)");
    }

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password(Password::parse("correct horse".into()).unwrap())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(Password::typed("correct horse".into()), hash.clone()).await);
        assert!(!verify_password(Password::typed("wrong horse".into()), hash).await);
        assert!(
            !verify_password(Password::typed("correct horse".into()), "not a hash".into()).await
        );
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_hash_costs() {
        // If argon2's defaults change, the dummy must be made again with them,
        // or unknown addresses would answer faster (or slower) than known ones.
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        let params = Params::try_from(&dummy).unwrap();
        let defaults = Params::default();
        assert_eq!(dummy.algorithm, argon2::Algorithm::Argon2id.ident());
        assert_eq!(params.m_cost(), defaults.m_cost());
        assert_eq!(params.t_cost(), defaults.t_cost());
        assert_eq!(params.p_cost(), defaults.p_cost());
    }

    #[tokio::test]
    async fn pretending_never_matches() {
        assert!(!verify_or_pretend(Password::typed(String::new()), None).await);
        assert!(!verify_or_pretend(Password::typed("anything at all".into()), None).await);
    }
}

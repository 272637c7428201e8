//! The database URL: a setting that may carry a password, so it never prints one.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A database URL such as `sqlite://switchboard.db` or
/// `postgres://user:secret@host/db`.
///
/// `Debug`, `Display` and `Serialize` all write the redacted form (the password
/// replaced by `***`), so the secret cannot leak through a log line, an error
/// message or `switchboard print-config` by accident. Only [`DatabaseUrl::expose`]
/// gives the real value, for connecting.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wraps a URL as given.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The real URL, password included: pass it to the store and nowhere else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for DatabaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

const MASK: &str = "***";

/// Hides the password of `scheme://user:password@host/…` and the value of a
/// `password=` query parameter (libpq accepts both).
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let query_start = rest.find('?').unwrap_or(rest.len());
    let mut out = String::with_capacity(url.len());
    out.push_str(&url[..rest_start]);

    // The last '@' before the query ends the user info, so a password that
    // contains an unencoded '/' or '@' is still hidden whole.
    let before_query = &rest[..query_start];
    match before_query.rfind('@') {
        Some(at) => {
            let userinfo = &before_query[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push(':');
                    out.push_str(MASK);
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&before_query[at..]);
        }
        None => out.push_str(before_query),
    }

    if query_start < rest.len() {
        out.push('?');
        let params = rest[query_start + 1..]
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}={MASK}"),
                _ => param.to_string(),
            });
        out.push_str(&params.collect::<Vec<_>>().join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_without_a_password_is_unchanged() {
        for url in [
            "sqlite://switchboard.db",
            "sqlite:///var/lib/switchboard/db.sqlite",
            "postgres://postgres@127.0.0.1:5432/switchboard",
            "postgres://127.0.0.1/switchboard?sslmode=disable",
            "not a url",
        ] {
            assert_eq!(redact(url), url);
        }
    }

    #[test]
    fn the_password_in_the_user_info_is_hidden() {
        assert_eq!(
            redact("postgres://app:hunter2@db.internal:5432/switchboard"),
            "postgres://app:***@db.internal:5432/switchboard"
        );
    }

    #[test]
    fn a_password_with_slashes_and_at_signs_is_hidden_whole() {
        let redacted = redact("postgres://app:p/a@ss@db/switchboard");
        assert_eq!(redacted, "postgres://app:***@db/switchboard");
    }

    #[test]
    fn a_password_query_parameter_is_hidden() {
        assert_eq!(
            redact("postgres://app@db/sb?sslmode=require&password=hunter2"),
            "postgres://app@db/sb?sslmode=require&password=***"
        );
    }

    #[test]
    fn debug_display_and_serialize_never_show_the_password() {
        let url = DatabaseUrl::new("postgres://app:hunter2@db/sb");
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!(!url.to_string().contains("hunter2"));
        let json = serde_json::to_string(&url).unwrap();
        assert!(!json.contains("hunter2"));
        assert_eq!(url.expose(), "postgres://app:hunter2@db/sb");
    }
}

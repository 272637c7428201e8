//! `X-Twilio-Signature`: how Twilio signs the webhooks it sends, checked the
//! way Twilio's own helper libraries check it.
//!
//! The signature is `base64(HMAC-SHA1(auth_token, url + k1 + v1 + k2 + v2 …))`
//! over the URL Twilio was given and every POST parameter, keys sorted by key
//! alone; a key with several values contributes each distinct value, sorted
//! (twilio-python `sorted(set(values))`, twilio-node `Set` + sort). Twilio may
//! add parameters without notice, so every parameter received must be passed.
//!
//! The URL Twilio signed and the URL a server reconstructs can differ in ways
//! that do not change its meaning, so, like the helper libraries, [`validate`]
//! also tries the URL with and without its port (`:443` / `:80` added when
//! absent, any port removed) and in its WHATWG-normalised form (`'` in the
//! query becomes `%27`, as twilio-node's `new URL()` does).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The header Twilio puts the signature in.
pub const HEADER: &str = "X-Twilio-Signature";

/// The query parameter that carries the body's hash when Twilio sends JSON.
pub const BODY_HASH_PARAM: &str = "bodySHA256";

/// The signature Twilio would send for a form POST of `params` to `url`,
/// computed over `url` exactly as given (the stand-in signs callbacks with it).
pub fn sign(url: &str, params: &[(String, String)], auth_token: &str) -> String {
    BASE64.encode(mac(url, &signed_params(params), auth_token))
}

/// Whether `header` is Twilio's signature for a form POST of `params` to `url`.
///
/// `url` is the public URL Twilio was configured with (scheme, host, path and
/// query); `params` every form field received, in any order.
pub fn validate(url: &str, params: &[(String, String)], auth_token: &str, header: &str) -> bool {
    // A missing token is a configuration mistake, not a key anyone may sign with.
    if auth_token.is_empty() {
        return false;
    }
    let expected = header.trim().as_bytes();
    let params = signed_params(params);
    let matches = |candidate: &str| {
        let signature = BASE64.encode(mac(candidate, &params, auth_token));
        bool::from(signature.as_bytes().ct_eq(expected))
    };
    // The URL as given nearly always matches: its variants (each a parse
    // and an HMAC more) are tried only when it does not. Which form of the
    // public URL matched is no secret; the comparison itself stays
    // constant-time.
    matches(url) || url_variants(url).iter().any(|candidate| matches(candidate))
}

/// Whether `header` is Twilio's signature for a request with a raw (JSON)
/// `body` sent to `url`.
///
/// Twilio signs such requests over the URL alone, which carries
/// `bodySHA256={hex SHA-256 of the body}` in its query; both the signature and
/// that hash must match. A URL without `bodySHA256` is refused.
pub fn validate_body(url: &str, body: &[u8], auth_token: &str, header: &str) -> bool {
    let Some(claimed) = body_hash_param(url) else {
        return false;
    };
    let actual = body_sha256_hex(body);
    let hash_ok = bool::from(
        actual
            .as_bytes()
            .ct_eq(claimed.to_ascii_lowercase().as_bytes()),
    );
    let signature_ok = validate(url, &[], auth_token, header);
    hash_ok & signature_ok
}

/// The lowercase hex SHA-256 of a body, as Twilio puts it in `bodySHA256`.
pub fn body_sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The parameters as Twilio signs them: each key followed by its value,
/// sorted by key and, within one key, by value, each distinct pair once.
fn signed_params(params: &[(String, String)]) -> Vec<u8> {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // Sorting the (key, value) pairs orders keys by key alone and, within one
    // key, its values; `dedup` then keeps each distinct value once.
    sorted.sort_unstable();
    sorted.dedup();
    let mut signed = Vec::with_capacity(sorted.iter().map(|(k, v)| k.len() + v.len()).sum());
    for (key, value) in sorted {
        signed.extend_from_slice(key.as_bytes());
        signed.extend_from_slice(value.as_bytes());
    }
    signed
}

fn mac(url: &str, signed_params: &[u8], auth_token: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail; an empty MAC would
    // simply never match.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()) else {
        return Vec::new();
    };
    mac.update(url.as_bytes());
    mac.update(signed_params);
    mac.finalize().into_bytes().to_vec()
}

fn body_hash_param(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == BODY_HASH_PARAM)
        .map(|(_, v)| v.into_owned())
}

/// The harmless variants of the URL as given (itself excluded), without duplicates.
fn url_variants(url: &str) -> Vec<String> {
    let mut bases = vec![url.to_string()];
    if let Ok(parsed) = url::Url::parse(url) {
        bases.push(parsed.to_string());
    }
    let mut out: Vec<String> = Vec::with_capacity(6);
    for base in bases {
        for candidate in [Some(base.clone()), with_port(&base), without_port(&base)]
            .into_iter()
            .flatten()
        {
            if candidate != url && !out.contains(&candidate) {
                out.push(candidate);
            }
        }
    }
    out
}

/// Byte offsets in a URL: where the host starts, where it ends, and where the
/// authority (host and port) ends.
struct Authority {
    host_end: usize,
    end: usize,
    default_port: Option<u16>,
}

/// Finds the authority of an absolute URL by hand because the `url` crate
/// never keeps a default port (`:443` is dropped on parse), and the variants
/// must be built from the text as received, quoting and all.
fn authority(url: &str) -> Option<Authority> {
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    let start = scheme_end + 3;
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let host_start = url[start..end].rfind('@').map_or(start, |i| start + i + 1);
    let hostport = &url[host_start..end];
    // An IPv6 literal has colons of its own; its port follows the `]`.
    let port_colon = if hostport.starts_with('[') {
        hostport
            .find(']')
            .and_then(|i| hostport[i..].find(':').map(|j| i + j))
    } else {
        hostport.rfind(':')
    };
    let host_end = match port_colon {
        Some(i) if hostport[i + 1..].bytes().all(|b| b.is_ascii_digit()) => host_start + i,
        Some(_) => return None,
        None => end,
    };
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        Some(443)
    } else if scheme.eq_ignore_ascii_case("http") {
        Some(80)
    } else {
        None
    };
    Some(Authority {
        host_end,
        end,
        default_port,
    })
}

/// The URL with an explicit port: unchanged if it has one, else the scheme's
/// default added.
fn with_port(url: &str) -> Option<String> {
    let a = authority(url)?;
    if a.host_end != a.end {
        return Some(url.to_string());
    }
    let port = a.default_port?;
    Some(format!(
        "{}:{port}{}",
        &url[..a.host_end],
        &url[a.host_end..]
    ))
}

/// The URL with any port removed.
fn without_port(url: &str) -> Option<String> {
    let a = authority(url)?;
    Some(format!("{}{}", &url[..a.host_end], &url[a.end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_added_and_removed_in_the_text_as_received() {
        let u = "https://user:pass@mycompany.com/myapp.php?x=It's";
        assert_eq!(
            with_port(u).as_deref(),
            Some("https://user:pass@mycompany.com:443/myapp.php?x=It's")
        );
        assert_eq!(without_port(u).as_deref(), Some(u));
        let p = "http://mycompany.com:1234?foo=1";
        assert_eq!(with_port(p).as_deref(), Some(p));
        assert_eq!(
            without_port(p).as_deref(),
            Some("http://mycompany.com?foo=1")
        );
        assert_eq!(
            with_port("http://[::1]/x").as_deref(),
            Some("http://[::1]:80/x")
        );
        assert_eq!(
            without_port("http://[::1]:8080/x").as_deref(),
            Some("http://[::1]/x")
        );
        assert_eq!(with_port("not a url"), None);
    }

    #[test]
    fn an_empty_auth_token_validates_nothing() {
        let header = sign("https://example.com/", &[], "");
        assert!(!validate("https://example.com/", &[], "", &header));
    }

    #[test]
    fn repeated_values_of_one_key_are_signed_once_each_in_order() {
        let params = |vals: &[&str]| -> Vec<(String, String)> {
            vals.iter()
                .map(|v| ("A".to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            sign("u", &params(&["2", "1", "1"]), "t"),
            sign("u", &params(&["1", "2"]), "t")
        );
    }
}

//! Static files (`/static/…`), compiled into the binary so that it runs from
//! any directory with nothing beside it.
//!
//! Pages link each file with its content hash (`/static/app.css?v=…`): that
//! URL changes whenever the file does, so browsers may keep it for a year.
//! Any other request for the file must revalidate (`ETag`, 304).

use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::http::error::ApiError;

/// One embedded file.
#[derive(Debug)]
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    hash: u64,
}

/// Every file served under `/static/`, compiled in.
const ASSETS: &[Asset] = &[
    Asset::new(
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/app.css")),
    ),
    Asset::new(
        "simulator.js",
        "application/javascript; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/simulator.js")),
    ),
    Asset::new(
        "app.js",
        "application/javascript; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/app.js")),
    ),
    Asset::new(
        "attach.js",
        "application/javascript; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/attach.js")),
    ),
    Asset::new(
        "account.js",
        "application/javascript; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/account.js")),
    ),
    Asset::new(
        "compose.js",
        "application/javascript; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/compose.js")),
    ),
    Asset::new(
        "canned.js",
        "application/javascript; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/canned.js")),
    ),
    Asset::new(
        "sla.js",
        "application/javascript; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/sla.js")),
    ),
    Asset::new(
        "notify.js",
        "application/javascript; charset=utf-8",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/notify.js")),
    ),
    Asset::new(
        "favicon.svg",
        "image/svg+xml",
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/favicon.svg")),
    ),
];

impl Asset {
    /// An embedded file, fingerprinted at compile time.
    const fn new(name: &'static str, content_type: &'static str, bytes: &'static [u8]) -> Self {
        Self {
            name,
            content_type,
            bytes,
            hash: fnv1a(bytes),
        }
    }
}

/// 64-bit FNV-1a: a stable fingerprint of a file's bytes, computed at compile time.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// The URL pages use for the static file `name`, with its fingerprint.
/// A name that is not embedded gives its plain URL (which answers 404), so
/// a typo in a template shows up as a missing file, not a crash.
pub fn url(name: &str) -> String {
    match find(name) {
        Some(asset) => format!("/static/{}?v={:016x}", asset.name, asset.hash),
        None => format!("/static/{name}"),
    }
}

/// The query of a static file request.
#[derive(Debug, Deserialize)]
pub struct Version {
    v: Option<String>,
}

/// `GET /static/{file}`.
pub async fn serve(
    Path(name): Path<String>,
    Query(version): Query<Version>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let asset = find(&name).ok_or_else(|| ApiError::not_found("No such file."))?;
    let hash = format!("{:016x}", asset.hash);
    let etag = format!("\"{hash}\"");
    // Only the fingerprinted URL is immutable: it names these exact bytes.
    let cache = if version.v.as_deref() == Some(hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        asset.bytes.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_embedded_and_fingerprinted() {
        for asset in ASSETS {
            assert!(!asset.bytes.is_empty(), "{} is empty", asset.name);
            assert!(url(asset.name).starts_with(&format!("/static/{}?v=", asset.name)));
        }
        assert_eq!(url("missing.css"), "/static/missing.css");
    }

    #[test]
    fn the_fingerprint_changes_with_the_bytes() {
        assert_ne!(
            fnv1a(b"body { color: red }"),
            fnv1a(b"body { color: blue }")
        );
        // The published FNV-1a test vector.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}

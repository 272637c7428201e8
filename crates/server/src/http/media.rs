//! `GET /media/{token}`: a sent file by its public link, for Twilio (which
//! fetches `MediaUrl` with GET and HEAD) and the simulated phone. No
//! account: the link's 256-bit token is the credential, and it expires.
//!
//! Also how every stored file is answered, here and in the API: its stored
//! type, `nosniff` (added by the security layer), and a sandbox so that a
//! file opened on its own can never run as a page.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use store::media::MediaFile;

use crate::http::error::ApiError;
use crate::services::media;
use crate::services::state::AppState;

/// Serves the file behind a public link; 404 once it expired.
pub async fn public(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let file = media::public(&state, &token).await?;
    Ok(file_response(file))
}

/// A stored file as a response: images inline, anything else as a download.
pub fn file_response(file: MediaFile) -> Response {
    let kind = file.content_type;
    let disposition = format!(
        "{}; filename=\"file.{}\"",
        if kind.is_image() {
            "inline"
        } else {
            "attachment"
        },
        kind.extension()
    );
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.as_str()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    // Files never change under their address; only the people who could
    // fetch it may keep it.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    response
}

//! Files posted by the web app's forms (`multipart/form-data`): the form's
//! CSRF field checked like [`super::session::CsrfForm`] does, and the file
//! read up to a cap.
//!
//! A file that is too big, missing or cut short is not a failed request but
//! something to tell the person on the form, so it comes back as its own
//! error beside the request's. The upload routes accept bodies larger than
//! any file they keep ([`UPLOAD_BODY_BYTES`]): the rest is read and dropped,
//! so the browser gets the page with the message instead of a connection
//! closed in the middle of its upload.

use axum::extract::multipart::{Field, Multipart, MultipartError, MultipartRejection};
use axum::http::StatusCode;

use crate::http::auth::form_csrf_matches;
use crate::http::error::ApiError;
use crate::http::ui::session::{csrf_refused, CSRF_FIELD};

/// The largest request body an upload route reads (see the module's doc).
pub const UPLOAD_BODY_BYTES: usize = 8 * 1024 * 1024;

/// A file posted in a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Its name on the person's computer, as the browser sent it (may be empty).
    pub file_name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// Reads a multipart form, checks its CSRF field against the session's token
/// `csrf`, and returns the file posted as `field`.
///
/// The outer error refuses the request: 403 for a missing or wrong token,
/// 400 for a body that is not a multipart form. The inner one is about the
/// file, for the form to show: none chosen (422), larger than `max_bytes`
/// (413) or cut short (400).
pub async fn read_file(
    multipart: Result<Multipart, MultipartRejection>,
    csrf: &str,
    field: &str,
    max_bytes: usize,
) -> Result<Result<Upload, ApiError>, ApiError> {
    let mut multipart = multipart
        .map_err(|rejection| ApiError::bad_request("validation", rejection.body_text()))?;
    let mut sent_csrf = String::new();
    let mut file = None;
    loop {
        let part = match multipart.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(error) => {
                file = Some(Err(unreadable(&error, max_bytes)));
                break;
            }
        };
        let name = part.name().unwrap_or_default().to_string();
        if name == CSRF_FIELD {
            // An unreadable token is no token: refused below.
            sent_csrf = part.text().await.unwrap_or_default();
        } else if name == field && file.is_none() {
            file = Some(read_part(part, max_bytes).await);
        }
        // Any other field is skipped: `next_field` reads past it.
    }
    if !form_csrf_matches(csrf, &sent_csrf) {
        return Err(csrf_refused());
    }
    Ok(file.unwrap_or_else(|| Err(no_file())))
}

/// Reads the part, refusing the file as soon as it grows past `max_bytes`;
/// the caller's next `next_field` reads and drops what is left of it.
async fn read_part(mut part: Field<'_>, max_bytes: usize) -> Result<Upload, ApiError> {
    let file_name = part.file_name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    loop {
        match part.chunk().await {
            Ok(Some(chunk)) if bytes.len() + chunk.len() > max_bytes => {
                return Err(too_large(&file_name, max_bytes))
            }
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => return Err(unreadable(&error, max_bytes)),
        }
    }
    // A file input left empty still sends a part, with no name and no bytes.
    if file_name.is_empty() && bytes.is_empty() {
        return Err(no_file());
    }
    Ok(Upload { file_name, bytes })
}

fn no_file() -> ApiError {
    ApiError::unprocessable("validation", "choose a file to upload")
}

/// A file's name for a sentence: “leads.csv”, or "the file" without one.
pub fn quoted_name(file_name: &str) -> String {
    if file_name.is_empty() {
        "the file".to_string()
    } else {
        format!("“{file_name}”")
    }
}

fn too_large(file_name: &str, max_bytes: usize) -> ApiError {
    let file = quoted_name(file_name);
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "{file} is larger than {}; split it into smaller files",
            size(max_bytes)
        ),
    )
}

/// The whole body was over the route's limit, or the browser stopped
/// sending: either way the file did not arrive whole.
fn unreadable(error: &MultipartError, max_bytes: usize) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large("", max_bytes);
    }
    ApiError::bad_request(
        "validation",
        format!(
            "the upload did not arrive whole ({}); try again",
            error.body_text()
        ),
    )
}

/// A size for people: `1048576` → "1 MiB".
pub fn size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_said_in_the_largest_whole_unit() {
        assert_eq!(size(1024 * 1024), "1 MiB");
        assert_eq!(size(8 * 1024 * 1024), "8 MiB");
        assert_eq!(size(1536 * 1024), "1536 KiB");
        assert_eq!(size(1000), "1000 bytes");
    }

    #[test]
    fn a_file_too_large_is_named_in_the_refusal() {
        let error = too_large("leads.csv", 1024 * 1024);
        assert_eq!(error.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            error.public_detail(),
            "“leads.csv” is larger than 1 MiB; split it into smaller files"
        );
    }
}

//! Media endpoints: uploading a file to send with a reply (MMS), and
//! reading the files a message carries.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use domain::MessageId;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::InWorkspace;
use crate::http::error::ApiError;
use crate::http::media::file_response;
use crate::services::media;
use crate::services::state::AppState;

/// The upload route: it reads a body larger than the server's
/// `max_body_bytes`, so the router gives it the uploads' limit.
pub fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload))
}

/// The other media routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(message_file))
}

/// A file's bytes, as they are.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(pub Vec<u8>);

/// An uploaded file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MediaView {
    /// Give it in a reply's `attachments` as `{"media_id": …}`.
    pub media_id: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Upload a file to attach to a reply: the raw bytes as the body, its type
/// as `Content-Type`. Taken: `image/jpeg`, `image/png`, `image/gif`,
/// `video/mp4`, `audio/mpeg`, `application/pdf`, `text/vcard`; at most 5 MB
/// (Twilio's MMS limit for a whole message). Uploads no reply uses are
/// deleted after a day.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/media", tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id")),
    request_body(content = FileBytes, content_type = "image/png",
        description = "The file's bytes; Content-Type says what it is"),
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = MediaView, description = "Stored"),
        (status = 404, description = "No such workspace"),
        (status = 413, description = "`payload_too_large`: over 5 MB"),
        (status = 415, description = "`unsupported_media_type`: a type that is not sent (SVG, HTML, …)"),
        (status = 422, description = "Empty, or the bytes are not what the type says")))]
async fn upload(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<MediaView>), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let stored = media::upload(&state, &who, content_type, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(MediaView {
            media_id: stored.id.to_string(),
            content_type: stored.content_type.as_str().to_string(),
            size: stored.size,
        }),
    ))
}

/// A file a message carries (the `index`th of its `attachments`, from 0),
/// with its stored type: what the web app shows in the timeline. Works
/// after the file's public link has expired.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/messages/{id}/media/{index}",
    tag = "conversations",
    params(("ws" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Message id"),
        ("index" = u32, Path, description = "The attachment's place, from 0")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "The file, with its stored type",
            content((FileBytes = "image/jpeg"), (FileBytes = "image/png"), (FileBytes = "image/gif"),
                (FileBytes = "video/mp4"), (FileBytes = "audio/mpeg"),
                (FileBytes = "application/pdf"), (FileBytes = "text/vcard"))),
        (status = 404, description = "No such message or file, or one the caller may not see")))]
async fn message_file(
    State(state): State<AppState>,
    InWorkspace(who): InWorkspace,
    Path((_ws, id, index)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let id = MessageId::parse(&id).map_err(|_| ApiError::not_found("no such message"))?;
    let index = index
        .parse::<u32>()
        .map_err(|_| ApiError::not_found("no such file"))?;
    let file = media::of_message(&state, &who, &id, index).await?;
    Ok(file_response(file))
}

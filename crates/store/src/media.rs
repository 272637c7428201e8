//! Uploaded media (MMS out) and the links that publish them: each
//! attachment of a sent message has its own random token, the only way to
//! fetch the file without an account, until it expires.

use domain::{Id, Media, MediaId, MediaType, MessageId, Timestamp, WorkspaceId};

use crate::secret::hash_token;
use crate::time::{from_millis, to_millis};
use crate::{Conn, Result, StoreError, Tx};

/// A file's type and content, to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// What it is.
    pub content_type: MediaType,
    /// Its content.
    pub bytes: Vec<u8>,
}

#[derive(Debug, sqlx::FromRow)]
struct MediaRow {
    id: String,
    workspace_id: String,
    uploader_id: Option<String>,
    content_type: String,
    size: i64,
    created_at: i64,
}

#[derive(Debug, sqlx::FromRow)]
struct FileRow {
    content_type: String,
    bytes: Vec<u8>,
}

fn content_type(raw: &str) -> Result<MediaType> {
    MediaType::parse(raw).map_err(|e| StoreError::corrupt("media.content_type", e))
}

fn from_row(row: MediaRow) -> Result<Media> {
    Ok(Media {
        id: Id::from_trusted(row.id),
        workspace_id: Id::from_trusted(row.workspace_id),
        uploader_id: row.uploader_id.map(Id::from_trusted),
        content_type: content_type(&row.content_type)?,
        size: u64::try_from(row.size).map_err(|e| StoreError::corrupt("media.size", e))?,
        created_at: from_millis(row.created_at)?,
    })
}

fn file_from_row(row: FileRow) -> Result<MediaFile> {
    Ok(MediaFile {
        content_type: content_type(&row.content_type)?,
        bytes: row.bytes,
    })
}

/// Stores an upload and its content.
#[tracing::instrument(skip_all, fields(media_id = %media.id), err(level = "debug"))]
pub async fn insert(tx: &mut Tx<'_>, media: &Media, bytes: &[u8]) -> Result<()> {
    let size = i64::try_from(media.size).map_err(|e| StoreError::corrupt("media.size", e))?;
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO media (id, workspace_id, uploader_id, content_type, size, bytes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(media.id.as_str())
    .bind(media.workspace_id.as_str())
    .bind(media.uploader_id.as_ref().map(Id::as_str))
    .bind(media.content_type.as_str())
    .bind(size)
    .bind(bytes)
    .bind(to_millis(media.created_at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// An upload of `workspace` by id (without its content); another
/// workspace's reads as none.
#[tracing::instrument(skip_all, fields(media_id = %id), err(level = "debug"))]
pub async fn get(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    id: &MediaId,
) -> Result<Option<Media>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, MediaRow>(
        "SELECT id, workspace_id, uploader_id, content_type, size, created_at \
         FROM media WHERE id = $1 AND workspace_id = $2",
    )
    .bind(id.as_str())
    .bind(workspace.as_str())
    .fetch_optional(&mut **c)
    .await)?;
    row.map(from_row).transpose()
}

/// Publishes `media` as attachment `position` of `message` until
/// `expires_at`, under the secret `token` (made by
/// [`crate::secret::generate_token`]; only its hash is stored).
#[tracing::instrument(skip_all, fields(media_id = %media, message_id = %message), err(level = "debug"))]
pub async fn link(
    tx: &mut Tx<'_>,
    token: &str,
    media: &MediaId,
    message: &MessageId,
    position: usize,
    expires_at: Timestamp,
) -> Result<()> {
    let position = i64::try_from(position).map_err(|e| StoreError::corrupt("position", e))?;
    crate::on_backend!(tx.conn(), c => sqlx::query(
        "INSERT INTO media_links (token_hash, media_id, message_id, position, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_token(token))
    .bind(media.as_str())
    .bind(message.as_str())
    .bind(position)
    .bind(to_millis(expires_at))
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The file a public link's `token` opens, while it has not expired at `now`.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn by_token(
    conn: &mut Conn<'_>,
    token: &str,
    now: Timestamp,
) -> Result<Option<MediaFile>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, FileRow>(
        "SELECT m.content_type, m.bytes FROM media_links l JOIN media m ON m.id = l.media_id \
         WHERE l.token_hash = $1 AND l.expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(to_millis(now))
    .fetch_optional(&mut **c)
    .await)?;
    row.map(file_from_row).transpose()
}

/// Attachment `position` of `message`, if it is an uploaded file (whether
/// or not its public link has expired: the team still sees it).
#[tracing::instrument(skip_all, fields(message_id = %message), err(level = "debug"))]
pub async fn of_message(
    conn: &mut Conn<'_>,
    message: &MessageId,
    position: u32,
) -> Result<Option<MediaFile>> {
    let row = crate::on_backend!(conn, c => sqlx::query_as::<_, FileRow>(
        "SELECT m.content_type, m.bytes FROM media_links l JOIN media m ON m.id = l.media_id \
         WHERE l.message_id = $1 AND l.position = $2",
    )
    .bind(message.as_str())
    .bind(i64::from(position))
    .fetch_optional(&mut **c)
    .await)?;
    row.map(file_from_row).transpose()
}

/// Deletes up to `limit` uploads made before `before` that no message
/// carries: abandoned drafts, and the files of deleted messages (their
/// links went with them). Returns how many went.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn prune_unsent(tx: &mut Tx<'_>, before: Timestamp, limit: u32) -> Result<u64> {
    let done = crate::on_backend!(tx.conn(), c => sqlx::query(
        "DELETE FROM media WHERE id IN (SELECT m.id FROM media m \
         WHERE m.created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM media_links l WHERE l.media_id = m.id) \
         ORDER BY m.created_at LIMIT $2)",
    )
    .bind(to_millis(before))
    .bind(i64::from(limit))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done)
}

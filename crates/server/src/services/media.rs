//! Media for MMS out: uploads, the files a reply carries, and serving them
//! to Twilio (by a public link) and to the team (by the message).

use domain::media::{self as rules, MediaError};
use domain::{Action, Attachment, Media, MediaId, MediaType, MessageId, WorkspaceId};
use store::media::MediaFile;
use store::Conn;

use super::access::Principal;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// How long a sent file's public link works: Twilio fetches it within
/// minutes, retries and carrier delays included, so a week is ample.
pub const LINK_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// How long an upload no message carries is kept (a draft being written).
pub const KEEP_UNSENT: chrono::TimeDelta = chrono::TimeDelta::days(1);

impl From<MediaError> for ServiceError {
    fn from(error: MediaError) -> Self {
        match error {
            MediaError::UnsupportedType(_) => ServiceError::unsupported(error.to_string()),
            MediaError::TooLarge { .. } => ServiceError::too_large(error.to_string()),
            MediaError::Empty | MediaError::Mismatch(_) => {
                ServiceError::invalid("validation", format!("file: {error}"))
            }
        }
    }
}

/// Stores a file a member of the workspace uploads, to attach to a reply.
/// `content_type` is the request's `Content-Type`; the bytes must match it.
#[tracing::instrument(skip_all, fields(workspace = %who.workspace_id), err(level = "debug"))]
pub async fn upload(
    state: &AppState,
    who: &Principal,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<Media, ServiceError> {
    who.may(Action::UseWorkspace)?;
    let kind = MediaType::parse(content_type.unwrap_or_default())?;
    kind.check(bytes)?;
    let media = Media {
        id: MediaId::generate(),
        workspace_id: who.workspace_id.clone(),
        uploader_id: Some(who.user.id.clone()),
        content_type: kind,
        size: bytes.len() as u64,
        created_at: state.clock.now(),
    };
    let mut tx = state.store.begin().await?;
    store::media::insert(&mut tx, &media, bytes).await?;
    tx.commit().await?;
    Ok(media)
}

/// The uploads `ids` of `workspace`, in order, checked to fit in one
/// message. One of another workspace reads as missing (422 naming it).
pub(crate) async fn for_message(
    conn: &mut Conn<'_>,
    workspace: &WorkspaceId,
    ids: &[MediaId],
) -> Result<Vec<Media>, ServiceError> {
    rules::check_count(ids.len())?;
    let mut found = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let media = store::media::get(conn, workspace, id)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    "validation",
                    format!("attachments[{i}].media_id: no such upload in this workspace"),
                )
            })?;
        found.push(media);
    }
    rules::check_message(&found.iter().map(|m| m.size).collect::<Vec<_>>())?;
    Ok(found)
}

/// A file attached to a message being written: the upload and the secret
/// token of its public link.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    /// The upload.
    pub media: Media,
    /// The link's token (in the attachment's URL).
    pub token: String,
}

impl Outgoing {
    /// A new link for `media`.
    pub(crate) fn new(media: Media) -> Self {
        Self {
            media,
            token: store::secret::generate_token("sbm"),
        }
    }

    /// The attachment as the message keeps it: `{public_url}/media/{token}`.
    pub(crate) fn attachment(&self, public_url: &str) -> Attachment {
        Attachment {
            url: format!("{}/media/{}", public_url.trim_end_matches('/'), self.token),
            content_type: self.media.content_type.as_str().to_string(),
        }
    }
}

/// The file behind a public link, for Twilio (or the simulated phone);
/// not found once the link has expired or its message was deleted.
pub async fn public(state: &AppState, token: &str) -> Result<MediaFile, ServiceError> {
    let mut reader = state.store.read().await?;
    store::media::by_token(&mut reader.conn(), token, state.clock.now())
        .await?
        .ok_or_else(|| ServiceError::not_found("no such file, or its link has expired"))
}

/// Attachment `position` of message `id`, for a member who may see it.
pub async fn of_message(
    state: &AppState,
    who: &Principal,
    id: &MessageId,
    position: u32,
) -> Result<MediaFile, ServiceError> {
    // The message's own access check: whoever may read it may see its files.
    super::conversations::message(state, who, id).await?;
    let mut reader = state.store.read().await?;
    store::media::of_message(&mut reader.conn(), id, position)
        .await?
        .ok_or_else(|| ServiceError::not_found("no such file"))
}

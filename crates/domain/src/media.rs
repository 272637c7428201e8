//! Media the team attaches to a reply (MMS out): which files may be sent,
//! and how large.
//!
//! The limits are Twilio's for MMS: at most ten files and 5 MB in all per
//! message. Only types Twilio accepts and that are safe to show are taken:
//! never SVG or HTML, which a browser would run as a page.

use crate::{Id, Timestamp, UserId, WorkspaceId};

/// An uploaded file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Its id (not its public address: see the store's media links).
    pub id: MediaId,
    /// The workspace it was uploaded in; only that workspace may send it.
    pub workspace_id: WorkspaceId,
    /// Who uploaded it (gone when that account was deleted).
    pub uploader_id: Option<UserId>,
    /// What it is.
    pub content_type: MediaType,
    /// Its size in bytes.
    pub size: u64,
    /// When it was uploaded.
    pub created_at: Timestamp,
}

/// Id of a [`Media`].
pub type MediaId = Id<Media>;

/// The largest file, and the most all of one message's files may weigh
/// together (Twilio's MMS limit).
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;

/// The most files one message carries (Twilio's `MediaUrl` limit).
pub const MAX_PER_MESSAGE: usize = 10;

/// A file type Switchboard sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `image/jpeg` (also sent as `image/jpg`).
    Jpeg,
    /// `image/png`.
    Png,
    /// `image/gif`.
    Gif,
    /// `video/mp4`.
    Mp4,
    /// `audio/mpeg` (MP3).
    Mp3,
    /// `application/pdf`.
    Pdf,
    /// `text/vcard`: a contact card.
    Vcard,
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// A type that is not sent (or is not safe to show).
    #[error("files of type {0:?} cannot be sent; send a JPEG, PNG or GIF image, an MP4 video, an MP3, a PDF or a vCard")]
    UnsupportedType(String),
    /// Over [`MAX_BYTES`].
    #[error("the file is {size} bytes; a message's files may be at most 5 MB ({MAX_BYTES} bytes) in all")]
    TooLarge {
        /// Its size.
        size: u64,
    },
    /// Nothing in it.
    #[error("the file is empty")]
    Empty,
    /// The bytes are not what the type says (a renamed file).
    #[error("the file is not a {0} file (its content does not match its type)")]
    Mismatch(&'static str),
}

impl MediaType {
    const ALL: [MediaType; 7] = [
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Gif,
        MediaType::Mp4,
        MediaType::Mp3,
        MediaType::Pdf,
        MediaType::Vcard,
    ];

    /// Reads a `Content-Type` header: parameters (`; charset=…`) and case
    /// are ignored, `image/jpg` reads as JPEG.
    pub fn parse(raw: &str) -> Result<Self, MediaError> {
        let essence = raw.split(';').next().unwrap_or_default().trim();
        let lower = essence.to_ascii_lowercase();
        if lower == "image/jpg" {
            return Ok(MediaType::Jpeg);
        }
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == lower)
            .ok_or_else(|| MediaError::UnsupportedType(essence.chars().take(100).collect()))
    }

    /// The MIME type as sent in `Content-Type`.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Gif => "image/gif",
            MediaType::Mp4 => "video/mp4",
            MediaType::Mp3 => "audio/mpeg",
            MediaType::Pdf => "application/pdf",
            MediaType::Vcard => "text/vcard",
        }
    }

    /// What a person calls it.
    fn label(self) -> &'static str {
        match self {
            MediaType::Jpeg => "JPEG",
            MediaType::Png => "PNG",
            MediaType::Gif => "GIF",
            MediaType::Mp4 => "MP4",
            MediaType::Mp3 => "MP3",
            MediaType::Pdf => "PDF",
            MediaType::Vcard => "vCard",
        }
    }

    /// A file name ending for `Content-Disposition`.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Gif => "gif",
            MediaType::Mp4 => "mp4",
            MediaType::Mp3 => "mp3",
            MediaType::Pdf => "pdf",
            MediaType::Vcard => "vcf",
        }
    }

    /// Whether a browser may show it inline as an image.
    pub fn is_image(self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png | MediaType::Gif)
    }

    /// Checks a file of this type: not empty, at most [`MAX_BYTES`], and
    /// for images and PDFs, bytes that start the way such a file does, so a
    /// page renamed `.png` is never served as one.
    pub fn check(self, bytes: &[u8]) -> Result<(), MediaError> {
        let size = bytes.len() as u64;
        if size == 0 {
            return Err(MediaError::Empty);
        }
        if size > MAX_BYTES {
            return Err(MediaError::TooLarge { size });
        }
        let signature: &[&[u8]] = match self {
            MediaType::Jpeg => &[b"\xFF\xD8\xFF"],
            MediaType::Png => &[b"\x89PNG\r\n\x1a\n"],
            MediaType::Gif => &[b"GIF87a", b"GIF89a"],
            MediaType::Pdf => &[b"%PDF-"],
            MediaType::Mp4 | MediaType::Mp3 | MediaType::Vcard => &[],
        };
        if !signature.is_empty() && !signature.iter().any(|s| bytes.starts_with(s)) {
            return Err(MediaError::Mismatch(self.label()));
        }
        Ok(())
    }
}

/// Checks that `count` files may go in one message: at most [`MAX_PER_MESSAGE`].
pub fn check_count(count: usize) -> Result<(), crate::DomainError> {
    if count > MAX_PER_MESSAGE {
        return Err(crate::DomainError::invalid(
            "attachments",
            format!("at most {MAX_PER_MESSAGE} files per message"),
        ));
    }
    Ok(())
}

/// Checks that files of `sizes` may go in one message: at most
/// [`MAX_PER_MESSAGE`] and [`MAX_BYTES`] in all.
pub fn check_message(sizes: &[u64]) -> Result<(), crate::DomainError> {
    check_count(sizes.len())?;
    let total: u64 = sizes.iter().sum();
    if total > MAX_BYTES {
        return Err(crate::DomainError::invalid(
            "attachments",
            format!("the files weigh {total} bytes; a message's files may be at most 5 MB ({MAX_BYTES} bytes) in all"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn content_types_are_read_loosely_and_refused_clearly() {
        assert_eq!(MediaType::parse("image/PNG"), Ok(MediaType::Png));
        assert_eq!(MediaType::parse("image/jpg"), Ok(MediaType::Jpeg));
        assert_eq!(
            MediaType::parse("text/vcard; charset=utf-8"),
            Ok(MediaType::Vcard)
        );
        for refused in ["image/svg+xml", "text/html", "application/octet-stream", ""] {
            assert!(
                matches!(
                    MediaType::parse(refused),
                    Err(MediaError::UnsupportedType(_))
                ),
                "{refused}"
            );
        }
    }

    #[test]
    fn a_file_must_be_what_its_type_says_and_not_too_big() {
        assert_eq!(MediaType::Png.check(PNG), Ok(()));
        assert_eq!(
            MediaType::Png.check(b"<html><script>"),
            Err(MediaError::Mismatch("PNG"))
        );
        assert_eq!(MediaType::Gif.check(b""), Err(MediaError::Empty));
        let big = [PNG, &vec![0u8; MAX_BYTES as usize]].concat();
        assert!(matches!(
            MediaType::Png.check(&big),
            Err(MediaError::TooLarge { .. })
        ));
        assert_eq!(MediaType::Vcard.check(b"BEGIN:VCARD"), Ok(()));
    }

    #[test]
    fn a_message_takes_ten_files_and_five_megabytes_in_all() {
        assert!(check_message(&[1; 10]).is_ok());
        assert!(check_message(&[1; 11]).is_err());
        assert!(check_message(&[MAX_BYTES / 2, MAX_BYTES / 2]).is_ok());
        assert!(check_message(&[MAX_BYTES / 2, MAX_BYTES / 2 + 1]).is_err());
    }
}

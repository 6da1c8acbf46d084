//! Before and after photos of a treatment visit, for the clinical record. A photo is let
//! in only if its bytes are a JPEG, PNG or HEIF, within the size limit, and only once its
//! metadata (GPS position, device, time, text) is gone; the picture itself is kept as sent.

mod format;
mod strip;

pub use format::ImageFormat;
pub use strip::{StripError, strip};

use store::{Booking, BookingStatus, NewPhoto, Photo, PhotoMeta};

use crate::{Refusal, Workflows, has_nul};

/// The largest photo the record takes: a phone's full-size JPEG or HEIC fits well inside.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The longest caption kept with a photo.
pub const CAPTION_MAX_CHARS: usize = 200;

/// Whether a photo shows the skin before or after the treatment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoKind {
    Before,
    After,
}

impl PhotoKind {
    /// Reads the stored and submitted name.
    pub fn parse(text: &str) -> Option<PhotoKind> {
        match text {
            "before" => Some(PhotoKind::Before),
            "after" => Some(PhotoKind::After),
            _ => None,
        }
    }

    /// The stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoKind::Before => "before",
            PhotoKind::After => "after",
        }
    }
}

/// A photo as staff sent it: the kind and caption as typed, the file's bytes as received.
#[derive(Clone, Debug, Default)]
pub struct PhotoUpload {
    pub kind: String,
    pub caption: String,
    pub bytes: Vec<u8>,
}

/// The caption as kept: line breaks become spaces, ends are trimmed.
fn clean_caption(caption: &str) -> Result<String, Refusal> {
    if has_nul(caption) {
        return Err(Refusal::invalid(
            "caption",
            "The caption contains a NUL character; type it again.",
        ));
    }
    let caption: String = caption
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let caption = caption.trim();
    if caption.chars().count() > CAPTION_MAX_CHARS {
        return Err(Refusal::invalid(
            "caption",
            format!("Keep the caption to {CAPTION_MAX_CHARS} characters."),
        ));
    }
    Ok(caption.to_owned())
}

/// The photo's format and its bytes without metadata, or why it cannot be kept.
pub fn check_photo(bytes: &[u8]) -> Result<(ImageFormat, Vec<u8>), Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::invalid("photo", "Choose a photo to upload."));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(Refusal::invalid(
            "photo",
            format!(
                "This photo is larger than {} MB. Take it again at a lower resolution, or export a smaller copy.",
                MAX_PHOTO_BYTES / (1024 * 1024)
            ),
        ));
    }
    let format = ImageFormat::sniff(bytes).ok_or_else(|| {
        Refusal::invalid(
            "photo",
            "This file is not a JPEG, PNG or HEIC photo. Choose a photo from the camera or phone.",
        )
    })?;
    let clean = strip(format, bytes).map_err(|err| {
        Refusal::invalid(
            "photo",
            format!("This photo cannot be read: {err}. Try exporting it again."),
        )
    })?;
    Ok((format, clean))
}

impl Workflows {
    /// Adds a photo to a visit. Photos belong to a visit that takes place, so a cancelled
    /// or declined booking takes none.
    pub async fn add_photo(
        &self,
        booking: &Booking,
        staff_id: &str,
        upload: PhotoUpload,
    ) -> Result<PhotoMeta, Refusal> {
        let kind = PhotoKind::parse(upload.kind.trim()).ok_or_else(|| {
            Refusal::invalid("kind", "Say whether the photo is from before or after.")
        })?;
        let caption = clean_caption(&upload.caption)?;
        if matches!(
            booking.status,
            BookingStatus::Cancelled | BookingStatus::Declined
        ) {
            return Err(Refusal::Closed {
                message: format!(
                    "This booking is {}; photos belong to a visit that takes place.",
                    booking.status.as_str()
                ),
            });
        }
        let (format, bytes) = check_photo(&upload.bytes)?;
        Ok(self
            .store
            .add_photo(&NewPhoto {
                booking_id: booking.id.clone(),
                kind: kind.as_str().to_owned(),
                caption,
                content_type: format.content_type().to_owned(),
                bytes,
                uploaded_by: staff_id.to_owned(),
            })
            .await?)
    }

    /// One photo with its bytes. An id that names none is `NotFound`, told apart from
    /// nothing else, so an id can be neither guessed nor confirmed.
    pub async fn photo(&self, id: &str) -> Result<Photo, Refusal> {
        self.store
            .photo(id)
            .await?
            .ok_or(Refusal::NotFound { what: "photo" })
    }

    /// A visit's photos, oldest first.
    pub async fn visit_photos(&self, booking_id: &str) -> Result<Vec<PhotoMeta>, Refusal> {
        Ok(self.store.photos_for_booking(booking_id).await?)
    }

    /// Every photo of a client's visits, oldest first: the course view's pictures.
    pub async fn client_photos(&self, client_id: &str) -> Result<Vec<PhotoMeta>, Refusal> {
        Ok(self.store.photos_for_client(client_id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_are_one_line_and_bounded() {
        assert_eq!(
            clean_caption("  left cheek\r\nclose-up ").unwrap(),
            "left cheek  close-up"
        );
        assert_eq!(clean_caption("").unwrap(), "");
        assert_eq!(clean_caption("a\0b").unwrap_err().field(), Some("caption"));
        let long = "x".repeat(CAPTION_MAX_CHARS + 1);
        assert_eq!(clean_caption(&long).unwrap_err().field(), Some("caption"));
        assert!(clean_caption(&"é".repeat(CAPTION_MAX_CHARS)).is_ok());
    }

    #[test]
    fn photos_are_refused_by_their_bytes_and_size_naming_the_field() {
        for bytes in [
            Vec::new(),
            b"GIF89a....".to_vec(),
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 2],
            vec![0xFF; MAX_PHOTO_BYTES + 1],
        ] {
            let err = check_photo(&bytes).unwrap_err();
            assert_eq!(err.field(), Some("photo"), "{} bytes: {err}", bytes.len());
        }
        let err = check_photo(&vec![0xFF; MAX_PHOTO_BYTES + 1]).unwrap_err();
        assert!(err.to_string().contains("larger than 10 MB"), "{err}");
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [PhotoKind::Before, PhotoKind::After] {
            assert_eq!(PhotoKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(PhotoKind::parse("during"), None);
    }
}

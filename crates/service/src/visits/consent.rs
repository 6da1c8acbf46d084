//! Signing consent before treatment, at home from the manage page or on the clinic's tablet.
//! A signature binds the document's version and the SHA-256 of the exact text shown; a client
//! who saw an older text is asked to read the new one. Signed consents belong to the client, so
//! one signature of a version covers their later bookings until the clinic raises it.

use jiff::Timestamp;
use store::{Booking, BookingStatus, ConsentError, NewConsent, SignedConsent};

use super::documents::{ConsentDocument, sha256_hex};
use crate::{Refusal, Workflows, manage_path};

/// The longest name a signature keeps.
pub const NAME_MAX_CHARS: usize = 200;
/// The longest user agent a signature keeps; longer ones are cut.
const USER_AGENT_MAX_CHARS: usize = 500;

/// How a client lets the clinic use photographs of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoUse {
    /// Kept with the clinical record, seen by the staff caring for them.
    RecordOnly,
    /// The record, and the clinic's marketing without their name.
    Marketing,
}

impl PhotoUse {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoUse::RecordOnly => "record_only",
            PhotoUse::Marketing => "marketing",
        }
    }

    /// Reads `record_only` or `marketing`.
    pub fn parse(text: &str) -> Option<PhotoUse> {
        match text {
            "record_only" => Some(PhotoUse::RecordOnly),
            "marketing" => Some(PhotoUse::Marketing),
            _ => None,
        }
    }

    /// The choice in the client's words.
    pub fn words(self) -> &'static str {
        match self {
            PhotoUse::RecordOnly => "For my clinical record only",
            PhotoUse::Marketing => "For my clinical record and the clinic's marketing",
        }
    }
}

/// One document as a client is asked to sign it for a booking.
#[derive(Clone, Debug)]
pub struct ConsentView {
    pub id: String,
    pub version: i64,
    pub title: String,
    /// The exact Markdown text shown, placeholders filled.
    pub text: String,
    /// SHA-256 of `text`, lower-case hex: sent back when signing.
    pub sha256: String,
    pub required: bool,
    /// The photo consent, which records a [`PhotoUse`].
    pub photos: bool,
    /// The client's signature of this version, if any.
    pub signed: Option<SignedConsent>,
}

/// Where a booking stands on consent: for the arrival check, the treatment record (which may
/// not be completed without consent when the clinic requires it) and reminders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentState {
    /// Whether this booking waits for the required documents: `[visits] require_consent`,
    /// for a treatment (a service that needs screening; a consultation needs no consent).
    pub required_by_clinic: bool,
    /// Required documents signed at their current version, by id.
    pub signed: Vec<String>,
    /// Required documents not yet signed at their current version, by id.
    pub missing: Vec<String>,
    /// The latest photo choice at the current version; `None`: no photographs.
    pub photos: Option<PhotoUse>,
}

impl ConsentState {
    /// Whether the missing consent stops the treatment (the clinic requires it and some is
    /// missing).
    pub fn blocks_treatment(&self) -> bool {
        self.required_by_clinic && !self.missing.is_empty()
    }
}

/// What a client sends to sign one document.
#[derive(Clone, Debug, Default)]
pub struct SignInput {
    pub document: String,
    pub version: i64,
    pub sha256: String,
    /// The full name typed.
    pub name: String,
    /// The explicit "I agree".
    pub agree: bool,
    /// The photo consent's choice (`record_only`, `marketing`).
    pub choice: Option<String>,
    pub address: String,
    pub user_agent: String,
    /// The staff member who opened the tablet for the client; `None` at home.
    pub witnessed_by: Option<String>,
}

/// Where a client reads and signs their consent, from the manage link's token: for the manage
/// page, reminders and the confirmation to point to.
pub fn consent_path(token: &str) -> String {
    format!("{}/consent", manage_path(token))
}

/// Consent is signed for a booking that may still be treated.
fn may_sign(booking: &Booking) -> Result<(), Refusal> {
    match booking.status {
        BookingStatus::Cancelled | BookingStatus::Declined => Err(Refusal::Closed {
            message: "This appointment was cancelled or declined, so there is nothing to consent to. Book again when you are ready.".into(),
        }),
        BookingStatus::Completed | BookingStatus::NoShow => Err(Refusal::Closed {
            message: "This appointment is over. Consent is signed before a treatment.".into(),
        }),
        _ => Ok(()),
    }
}

/// Whether a name is something a person typed: no control characters (NUL, CR, LF, …).
fn check_name(name: &str) -> Result<String, Refusal> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Refusal::invalid("name", "Type your full name to sign."));
    }
    if name.chars().any(char::is_control) {
        return Err(Refusal::invalid(
            "name",
            "Your name can only contain letters, spaces and punctuation, on one line.",
        ));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(Refusal::invalid(
            "name",
            format!("Your name can be at most {NAME_MAX_CHARS} characters."),
        ));
    }
    Ok(name.to_owned())
}

/// A user agent as kept: printable characters only, cut to a sane length.
fn clean_user_agent(agent: &str) -> String {
    agent
        .chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_MAX_CHARS)
        .collect()
}

impl Workflows {
    /// Every consent document for the booking's client, with the text they would sign now
    /// and their signature of the current version, if any.
    pub async fn consent_documents(&self, booking: &Booking) -> Result<Vec<ConsentView>, Refusal> {
        let clinic = self.clinic();
        let signed = self.store.consents_for_client(&booking.client.id).await?;
        Ok(self
            .consent
            .all()
            .iter()
            .map(|doc| {
                let text = doc.text(&clinic);
                ConsentView {
                    sha256: sha256_hex(&text),
                    text,
                    id: doc.id.clone(),
                    version: doc.version,
                    title: doc.title.clone(),
                    required: doc.required,
                    photos: doc.photos,
                    signed: latest(&signed, doc).cloned(),
                }
            })
            .collect())
    }

    /// Which required documents the booking's client has signed at their current version,
    /// which are missing, and their photo choice.
    pub async fn consent_state(&self, booking: &Booking) -> Result<ConsentState, Refusal> {
        let clinic = self.clinic();
        let signed = self.store.consents_for_client(&booking.client.id).await?;
        let mut state = ConsentState {
            required_by_clinic: clinic.setup.visits.require_consent
                && clinic
                    .setup
                    .service(&booking.service_id)
                    .is_none_or(|s| s.requires_screening),
            signed: Vec::new(),
            missing: Vec::new(),
            photos: None,
        };
        for doc in self.consent.all() {
            let mine = latest(&signed, doc);
            if doc.photos {
                state.photos = mine
                    .and_then(|s| s.choice.as_deref())
                    .and_then(PhotoUse::parse)
                    .or(state.photos);
            }
            if doc.required {
                match mine {
                    Some(_) => state.signed.push(doc.id.clone()),
                    None => state.missing.push(doc.id.clone()),
                }
            }
        }
        Ok(state)
    }

    /// Signs one document for `booking` at `now`. Refused with the field at fault for a
    /// missing name or agreement, with [`Refusal::ConsentChanged`] when the version or text
    /// the client read is no longer the current one, and for a cancelled or finished booking.
    /// Signing the same version again (with the same photo choice) returns the signature
    /// already kept.
    pub async fn sign_consent(
        &self,
        booking: &Booking,
        input: SignInput,
        now: Timestamp,
    ) -> Result<SignedConsent, Refusal> {
        let clinic = self.clinic();
        let doc = self.consent.get(input.document.trim()).ok_or_else(|| {
            Refusal::invalid(
                "document",
                "There is no consent document with this id; see GET /api/v1/bookings/{token}/consent.",
            )
        })?;
        let name = check_name(&input.name)?;
        if !input.agree {
            return Err(Refusal::invalid(
                "agree",
                "Tick the box to say you have read this and agree.",
            ));
        }
        let choice = if doc.photos {
            let choice = input.choice.as_deref().map(str::trim).unwrap_or_default();
            Some(PhotoUse::parse(choice).ok_or_else(|| {
                Refusal::invalid(
                    "choice",
                    "Choose how we may use photographs: for your clinical record only, or also for our marketing.",
                )
            })?)
        } else {
            None
        };
        let text = doc.text(&clinic);
        let sha256 = sha256_hex(&text);
        if input.version != doc.version || !input.sha256.trim().eq_ignore_ascii_case(&sha256) {
            return Err(Refusal::ConsentChanged {
                message: format!(
                    "\"{}\" has changed since it was shown. Please read the current version (version {}) and sign it.",
                    doc.title, doc.version
                ),
            });
        }
        may_sign(booking)?;
        let signed = self.store.consents_for_client(&booking.client.id).await?;
        if let Some(existing) = latest(&signed, doc)
            && existing.sha256 == sha256
            && existing.choice.as_deref() == choice.map(PhotoUse::as_str)
        {
            return Ok(existing.clone());
        }
        let consent = NewConsent {
            document: doc.id.clone(),
            version: doc.version,
            title: doc.title.clone(),
            text,
            sha256,
            choice: choice.map(|c| c.as_str().to_owned()),
            signed_name: name,
            address: input.address.chars().take(100).collect(),
            user_agent: clean_user_agent(&input.user_agent),
            witnessed_by: input.witnessed_by,
        };
        match self
            .store
            .sign_consent(&booking.id, &consent, now, may_sign)
            .await
        {
            Ok(signed) => Ok(signed),
            Err(ConsentError::Refused(refusal)) => Err(refusal),
            Err(ConsentError::NotFound) => Err(Refusal::NotFound { what: "booking" }),
            Err(ConsentError::Store(err)) => Err(err.into()),
        }
    }

    /// Every consent the booking's client has signed, newest first: for the printable record.
    pub async fn signed_consents(&self, booking: &Booking) -> Result<Vec<SignedConsent>, Refusal> {
        Ok(self.store.consents_for_client(&booking.client.id).await?)
    }
}

/// The client's newest signature of `doc`'s current version.
fn latest<'a>(signed: &'a [SignedConsent], doc: &ConsentDocument) -> Option<&'a SignedConsent> {
    signed
        .iter()
        .find(|s| s.document == doc.id && s.version == doc.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_line_of_text() {
        assert_eq!(check_name("  Ada Lovelace ").unwrap(), "Ada Lovelace");
        for bad in ["", "   ", "Ada\0", "Ada\r\nBcc: x", "Ada\u{7}"] {
            assert_eq!(
                check_name(bad).unwrap_err().field(),
                Some("name"),
                "{bad:?}"
            );
        }
        assert!(check_name(&"a".repeat(NAME_MAX_CHARS + 1)).is_err());
        assert_eq!(clean_user_agent("Mozilla\r\n/5.0\0"), "Mozilla/5.0");
    }

    #[test]
    fn photo_choices_read_back() {
        for c in [PhotoUse::RecordOnly, PhotoUse::Marketing] {
            assert_eq!(PhotoUse::parse(c.as_str()), Some(c));
        }
        assert_eq!(PhotoUse::parse("everything"), None);
    }
}

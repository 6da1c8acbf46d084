//! The clinic's workflows: everything that changes a booking, decided here and written by
//! the store in one transaction with the mail it sends.
//!
//! The edges (`web` for pages and the API) parse a request, call a method on
//! [`Workflows`] and render what comes back; a [`Refusal`] says why nothing happened, in
//! terms each edge maps once to its own words. Nothing here knows HTTP or HTML.

mod availability;
mod booking;
mod cancellation;
mod checkins;
mod clients;
mod courses;
mod erasure;
mod input;
mod limits;
mod links;
mod messages;
mod photos;
mod policy;
mod records;
mod refusal;
mod screening;
mod screening_link;
mod screening_scope;
mod status;
mod undo;
mod visits;
mod waitlist;

pub use availability::Window;
pub use booking::Booked;
pub use cancellation::{CANCELLATION_POLICY_VERSION, CancellationPolicy, PolicyConsent};
pub use checkins::{
    CHECKIN_DAYS, CHECKIN_GAP_S, CheckinAnswer, CheckinInput, NOTE_MAX_CHARS, symptoms, triage_name,
};
pub use courses::{
    BookedCourse, CourseBody, CourseInput, CourseRules, ProposedSession, session_token,
};
pub use erasure::{
    ClientExport, EXPORT_SCHEMA, ErasurePlan, ExportedPhoto, PURGE_BATCH, check_client_email,
    keep_until,
};
pub use input::{
    BookingBody, BookingInput, check_client, check_desk_client, has_nul, parse_start,
    validate_client,
};
pub use limits::RateLimiter;
pub use links::{calendar_path, manage_path};
pub use messages::{Planner, Subscription, out_of_quiet_hours, parse_message_texts};
pub use photos::{
    CAPTION_MAX_CHARS, ImageFormat, MAX_PHOTO_BYTES, PhotoKind, PhotoUpload, StripError,
    check_photo, strip,
};
pub use policy::can_change;
pub use records::{
    Amendment, AreaBody, AreaTreated, Cartridge, CartridgeBody, Product, ProductBody, RecallQuery,
    Recalled, RecordBody, RecordView, TreatmentRecord, is_treatment, recall_csv,
};
pub use refusal::Refusal;
pub use screening::{Gate, Stored};
pub use screening_link::{LinkAnswer, screening_link_blocked, screening_link_path};
pub use screening_scope::{FACE, Scope, checked_areas, service_areas};
pub use status::{Approval, Review, StaffStatus};
pub use undo::{UNDO_MINUTES, Undone, undo_deadline};
pub use visits::{
    Arrival, ConsentDocument, ConsentDocuments, ConsentState, ConsentView, NAME_MAX_CHARS,
    PhotoUse, ScreeningCheck, SessionPlan, SignInput, consent_path, sha256_hex,
};
pub use waitlist::{
    DayPart, Joined, WaitlistBody, WaitlistInput, WaitlistRun, offer_path, parse_date, parse_times,
    waitlist_path,
};

use std::sync::{Arc, OnceLock, RwLock};

use clinic::ClinicSnapshot;
use store::Store;

/// Who is acting: a client online (held to every policy) or staff (may skip the notice
/// window and the cancel window, never an overlap).
#[derive(Clone, Debug)]
pub enum Actor {
    Client,
    Staff { id: String },
}

/// The workflows over one store and the clinic's current setup. Cheap to clone.
#[derive(Clone)]
pub struct Workflows {
    store: Store,
    clinic: Arc<RwLock<Arc<ClinicSnapshot>>>,
    public_url: Arc<str>,
    booking_limiter: Arc<RateLimiter>,
    /// The consent documents clients sign (the clinic's, or the built-in ones).
    consent: Arc<ConsentDocuments>,
    /// The planned messages' words (the clinic's, or the built-in ones).
    message_texts: Arc<mail::compose::MessageTexts>,
    /// The key that signs unsubscribe links, read from the store once.
    signing_key: Arc<OnceLock<String>>,
}

impl Workflows {
    /// Loads the stored setup; the database must hold one. `public_url` is where clients
    /// reach the site, for the links in their mail; `bookings_per_hour` bounds how many
    /// bookings one address may make (0 = no limit).
    pub async fn new(
        store: Store,
        public_url: &str,
        bookings_per_hour: u32,
    ) -> Result<Workflows, Refusal> {
        let (setup, version) = store
            .load_setup()
            .await?
            .ok_or_else(|| Refusal::Internal("the database holds no clinic setup".into()))?;
        Ok(Workflows {
            store,
            clinic: Arc::new(RwLock::new(ClinicSnapshot::new(setup, version))),
            public_url: public_url.trim_end_matches('/').into(),
            booking_limiter: Arc::new(RateLimiter::per_hour(bookings_per_hour)),
            consent: Arc::new(ConsentDocuments::builtin()),
            message_texts: Arc::new(mail::compose::MessageTexts::builtin()),
            signing_key: Arc::new(OnceLock::new()),
        })
    }

    /// The same workflows with the clinic's own consent documents instead of the built-in ones.
    pub fn with_consent_documents(mut self, documents: ConsentDocuments) -> Workflows {
        self.consent = Arc::new(documents);
        self
    }

    /// The same workflows with the clinic's own words for the planned messages.
    pub fn with_message_texts(mut self, texts: mail::compose::MessageTexts) -> Workflows {
        self.message_texts = Arc::new(texts);
        self
    }

    /// The store the workflows write to, for the edges' read-only views.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The clinic as of the latest setup this process has seen.
    pub fn clinic(&self) -> Arc<ClinicSnapshot> {
        self.clinic.read().expect("clinic lock").clone()
    }

    /// Picks up a setup saved by this or another process.
    pub async fn refresh_clinic(&self) -> Result<(), Refusal> {
        let version = self.store.setup_version().await?;
        if version != self.clinic().version
            && let Some((setup, version)) = self.store.load_setup().await?
        {
            *self.clinic.write().expect("clinic lock") = ClinicSnapshot::new(setup, version);
        }
        Ok(())
    }

    /// Counts one booking attempt from `addr`, refusing once the address is over its limit.
    pub fn count_booking_attempt(&self, addr: std::net::IpAddr) -> Result<(), Refusal> {
        self.booking_limiter
            .check(addr)
            .map_err(|retry_after| Refusal::RateLimited { retry_after })
    }

    /// The full address of a booking's manage page, as mailed to the client.
    pub fn manage_url(&self, token: &str) -> String {
        format!("{}{}", self.public_url, manage_path(token))
    }
}

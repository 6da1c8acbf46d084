//! The JSON shapes that the public API and the back office's API share.

use clinic::{ClinicSnapshot, rfc3339};
use serde_json::{Value, json};
use store::Booking;

/// A booking as the API shows it; the manage token only at creation. The client's name and
/// phone are those given on this booking: the client record may hold other ones, which a
/// public caller who typed the same email must not learn.
pub fn booking_json(clinic: &ClinicSnapshot, b: &Booking, manage_token: Option<&str>) -> Value {
    let tz = clinic.timezone.clone();
    let mut value = json!({
        "id": b.id,
        "reference": b.reference,
        "status": b.status.as_str(),
        "service": b.service_id,
        "practitioner": b.practitioner_id,
        "room": b.room_id,
        "start": rfc3339(&b.start.to_zoned_datetime(tz.clone())),
        "end": rfc3339(&b.end.to_zoned_datetime(tz)),
        "client": { "name": b.booked_as.name, "email": b.client.email, "phone": b.booked_as.phone },
        "notes": b.notes,
    });
    if let Some(token) = manage_token {
        value["manage_token"] = json!(token);
    }
    value
}

//! Client records: a public booking never changes one (anyone can type anyone's email), so
//! staff take a booking's details into the record when they decide the two should match.

use store::ClientUpdate;

use crate::{Refusal, Workflows};

impl Workflows {
    /// Copies the name and phone typed on `booking_id` into its client's record; a booking
    /// without a phone keeps the record's phone.
    pub async fn adopt_booked_details(&self, booking_id: &str) -> Result<ClientUpdate, Refusal> {
        match self.store.update_client_from_booking(booking_id).await {
            Ok(Some(update)) => Ok(update),
            Ok(None) => Err(Refusal::NotFound { what: "booking" }),
            Err(err) => Err(Refusal::Internal(err.to_string())),
        }
    }
}

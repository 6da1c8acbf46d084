//! Placing, moving and cancelling bookings: the engine's decision inside the store's
//! transaction, shared by the API and the booking pages.

-- A link mailed to a client the desk booked without a screening: it opens the safety
-- questions for that one booking. Only the SHA-256 of its token is kept, like a manage
-- link's. It works until the booking starts, and once: `used_at` is set, by a conditional
-- update, in the transaction that ties the answers to the booking.
CREATE TABLE screening_links (
    token_hash TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE INDEX screening_links_booking ON screening_links (booking_id);

-- A photo a client may add to a healing check-in, for the clinic to see with the alert.
-- Kept in the database like visit photos, so every process and backup holds it; only
-- metadata-free bytes are stored (the workflow strips Exif, XMP and text first).
CREATE TABLE checkin_photos (
    -- 256 random bits: the photo's only handle.
    id TEXT PRIMARY KEY,
    checkin_id TEXT NOT NULL UNIQUE REFERENCES checkins (id) ON DELETE CASCADE,
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

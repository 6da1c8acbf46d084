-- Before and after photos of a treatment visit. They live in the database, not on disk,
-- so every `serve` process sharing it and every backup of it holds the same photos.
-- Only metadata-free bytes are stored (the workflow strips Exif, XMP and text first).

CREATE TABLE photos (
    -- 256 random bits: the photo's only handle, never guessable from another photo's.
    id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('before', 'after')),
    caption TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES staff (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX photos_booking ON photos (booking_id, created_at);

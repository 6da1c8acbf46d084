-- Signed consents and the re-confirmation of a screening at arrival.
--
-- A signed consent keeps the exact text the client was shown (and its SHA-256), the
-- document's version, the name typed, when, from which address and browser. It is a record
-- of what was agreed, so it is never changed or removed: the triggers refuse both, and a new
-- version of a document is signed as a new row.
CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    document TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    -- The photo consent's choice (record_only, marketing); NULL for other documents.
    choice TEXT,
    signed_name TEXT NOT NULL,
    signed_at INTEGER NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    -- The staff member who opened the clinic's tablet for the client; NULL when signed at home.
    witnessed_by TEXT
);
CREATE INDEX consents_client ON consents (client_id, document, version, signed_at);
CREATE INDEX consents_booking ON consents (booking_id);

CREATE TRIGGER consents_never_change BEFORE UPDATE ON consents
BEGIN
    SELECT RAISE(ABORT, 'a signed consent cannot be changed');
END;

CREATE TRIGGER consents_never_removed BEFORE DELETE ON consents
BEGIN
    SELECT RAISE(ABORT, 'a signed consent cannot be removed');
END;

-- When the client last said at arrival that nothing had changed since answering; a screening
-- stays valid for `[visits] screening_valid_days` from the later of this and its answering.
ALTER TABLE screenings ADD COLUMN confirmed_at INTEGER;

-- Signed consents and the re-confirmation of a screening at arrival.
--
-- A signed consent keeps the exact text the client was shown (and its SHA-256), the
-- document's version, the name typed, when, from which address and browser. It is a record
-- of what was agreed, so it is never changed or removed: the trigger refuses both, and a new
-- version of a document is signed as a new row.
CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings (id),
    client_id TEXT NOT NULL REFERENCES clients (id),
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    -- The photo consent's choice (record_only, marketing); NULL for other documents.
    choice TEXT,
    signed_name TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    -- The staff member who opened the clinic's tablet for the client; NULL when signed at home.
    witnessed_by TEXT
);
CREATE INDEX consents_client ON consents (client_id, document, version, signed_at);
CREATE INDEX consents_booking ON consents (booking_id);

CREATE FUNCTION consents_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a signed consent cannot be changed or removed';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER consents_never_change BEFORE UPDATE OR DELETE ON consents
    FOR EACH ROW EXECUTE FUNCTION consents_immutable();

-- When the client last said at arrival that nothing had changed since answering; a screening
-- stays valid for `[visits] screening_valid_days` from the later of this and its answering.
ALTER TABLE screenings ADD COLUMN confirmed_at BIGINT;

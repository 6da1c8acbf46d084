-- The cancellation policy a client agreed to when booking: the exact text shown (with its
-- version and SHA-256), when, and from which address and browser. One row per booking; a
-- booking made by staff, or through the API without the policy, has none. Kept as evidence,
-- so never changed: it goes only with its booking.
CREATE TABLE policy_agreements (
    booking_id TEXT PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    policy TEXT NOT NULL,
    version BIGINT NOT NULL,
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    agreed_at BIGINT NOT NULL,
    address TEXT NOT NULL,
    user_agent TEXT NOT NULL
);

CREATE FUNCTION policy_agreements_never_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'an agreed policy cannot be changed';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER policy_agreements_never_change BEFORE UPDATE ON policy_agreements
    FOR EACH ROW EXECUTE FUNCTION policy_agreements_never_change();

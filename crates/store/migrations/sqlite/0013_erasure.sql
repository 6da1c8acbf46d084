-- Erasure requests and the end of clinical-record retention.
--
-- An erasure removes or anonymises at once what the clinic may erase, and keeps the signed
-- treatment records, signed consents and what they rest on until `keep_until` (the last
-- treatment plus `[records] retention_years`). The daily purge then deletes what was kept.
-- The erasure row itself holds no personal data (the client's random id, the staff member's
-- id, counts) and stays as the clinic's proof that the request was carried out.
CREATE TABLE erasures (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    requested_at INTEGER NOT NULL,
    -- The staff member's id, or `command line`.
    requested_by TEXT NOT NULL,
    -- The start of the last treatment counted; NULL when there was none.
    last_treatment_at INTEGER,
    keep_until INTEGER NOT NULL,
    -- What was kept, as JSON counts per kind.
    kept TEXT NOT NULL,
    -- Set once, by the purge, in the transaction that deletes what was kept. Never before
    -- the retention ends: the signed-record triggers below trust this column.
    purged_at INTEGER,
    CHECK (purged_at IS NULL OR purged_at >= keep_until)
);
CREATE INDEX erasures_due ON erasures (purged_at, keep_until);

CREATE TRIGGER erasures_never_change BEFORE UPDATE ON erasures
WHEN NEW.id IS NOT OLD.id OR NEW.client_id IS NOT OLD.client_id
  OR NEW.requested_at IS NOT OLD.requested_at OR NEW.requested_by IS NOT OLD.requested_by
  OR NEW.last_treatment_at IS NOT OLD.last_treatment_at OR NEW.keep_until IS NOT OLD.keep_until
  OR NEW.kept IS NOT OLD.kept OR OLD.purged_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an erasure is kept as made; only its purge is recorded, once');
END;

CREATE TRIGGER erasures_never_removed BEFORE DELETE ON erasures
BEGIN
    SELECT RAISE(ABORT, 'an erasure cannot be removed');
END;

-- A signed consent still never changes, with one exception: an erased client's marketing
-- photo choice is withdrawn (set to NULL). It is removed only by the purge of an erased
-- client whose retention has ended.
DROP TRIGGER consents_never_change;
DROP TRIGGER consents_never_removed;

CREATE TRIGGER consents_never_change BEFORE UPDATE ON consents
WHEN NOT (
    NEW.id IS OLD.id AND NEW.booking_id IS OLD.booking_id AND NEW.client_id IS OLD.client_id
    AND NEW.document IS OLD.document AND NEW.version IS OLD.version AND NEW.title IS OLD.title
    AND NEW.text IS OLD.text AND NEW.sha256 IS OLD.sha256
    AND NEW.signed_name IS OLD.signed_name AND NEW.signed_at IS OLD.signed_at
    AND NEW.address IS OLD.address AND NEW.user_agent IS OLD.user_agent
    AND NEW.witnessed_by IS OLD.witnessed_by
    AND OLD.choice = 'marketing' AND NEW.choice IS NULL
    AND EXISTS (SELECT 1 FROM erasures e WHERE e.client_id = OLD.client_id)
)
BEGIN
    SELECT RAISE(ABORT, 'a signed consent cannot be changed');
END;

CREATE TRIGGER consents_never_removed BEFORE DELETE ON consents
WHEN NOT EXISTS (
    SELECT 1 FROM erasures e WHERE e.client_id = OLD.client_id AND e.purged_at IS NOT NULL
)
BEGIN
    SELECT RAISE(ABORT, 'a signed consent cannot be removed');
END;

-- A signed treatment record and its amendments were kept unchanged by the store alone; the
-- database now refuses to change them (a no-op update, which takes the row's lock before an
-- amendment, still passes) or remove them, but for the purge of an erased client.
CREATE TRIGGER treatment_records_signed_never_change BEFORE UPDATE ON treatment_records
WHEN OLD.signed_at IS NOT NULL AND (
    NEW.booking_id IS NOT OLD.booking_id OR NEW.body IS NOT OLD.body
    OR NEW.written_by IS NOT OLD.written_by OR NEW.written_at IS NOT OLD.written_at
    OR NEW.signed_by IS NOT OLD.signed_by OR NEW.signed_at IS NOT OLD.signed_at
)
BEGIN
    SELECT RAISE(ABORT, 'a signed treatment record cannot be changed');
END;

CREATE TRIGGER treatment_records_signed_never_removed BEFORE DELETE ON treatment_records
WHEN OLD.signed_at IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM bookings b JOIN erasures e ON e.client_id = b.client_id
    WHERE b.id = OLD.booking_id AND e.purged_at IS NOT NULL
)
BEGIN
    SELECT RAISE(ABORT, 'a signed treatment record cannot be removed');
END;

CREATE TRIGGER record_amendments_never_change BEFORE UPDATE ON record_amendments
BEGIN
    SELECT RAISE(ABORT, 'an amendment cannot be changed');
END;

CREATE TRIGGER record_amendments_never_removed BEFORE DELETE ON record_amendments
WHEN NOT EXISTS (
    SELECT 1 FROM bookings b JOIN erasures e ON e.client_id = b.client_id
    WHERE b.id = OLD.booking_id AND e.purged_at IS NOT NULL
)
BEGIN
    SELECT RAISE(ABORT, 'an amendment cannot be removed');
END;

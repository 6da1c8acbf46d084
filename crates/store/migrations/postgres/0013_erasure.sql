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
    requested_at BIGINT NOT NULL,
    -- The staff member's id, or `command line`.
    requested_by TEXT NOT NULL,
    -- The start of the last treatment counted; NULL when there was none.
    last_treatment_at BIGINT,
    keep_until BIGINT NOT NULL,
    -- What was kept, as JSON counts per kind.
    kept TEXT NOT NULL,
    -- Set once, by the purge, in the transaction that deletes what was kept. Never before
    -- the retention ends: the signed-record triggers below trust this column.
    purged_at BIGINT,
    CHECK (purged_at IS NULL OR purged_at >= keep_until)
);
CREATE INDEX erasures_due ON erasures (purged_at, keep_until);

CREATE FUNCTION erasures_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'an erasure cannot be removed';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.client_id IS DISTINCT FROM OLD.client_id
       OR NEW.requested_at IS DISTINCT FROM OLD.requested_at
       OR NEW.requested_by IS DISTINCT FROM OLD.requested_by
       OR NEW.last_treatment_at IS DISTINCT FROM OLD.last_treatment_at
       OR NEW.keep_until IS DISTINCT FROM OLD.keep_until
       OR NEW.kept IS DISTINCT FROM OLD.kept OR OLD.purged_at IS NOT NULL THEN
        RAISE EXCEPTION 'an erasure is kept as made; only its purge is recorded, once';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER erasures_never_change BEFORE UPDATE OR DELETE ON erasures
    FOR EACH ROW EXECUTE FUNCTION erasures_immutable();

-- Has the purge of this client's retained records begun (in this transaction or before)?
-- `purged_at` is only ever set by the purge, and the CHECK above keeps it after `keep_until`.
CREATE FUNCTION erasure_purging(client TEXT) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1 FROM erasures e WHERE e.client_id = client AND e.purged_at IS NOT NULL);
$$ LANGUAGE sql STABLE;

-- A signed consent still never changes, with one exception: an erased client's marketing
-- photo choice is withdrawn (set to NULL). It is removed only by the purge of an erased
-- client whose retention has ended.
DROP TRIGGER consents_never_change ON consents;
DROP FUNCTION consents_immutable();

CREATE FUNCTION consents_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF erasure_purging(OLD.client_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'a signed consent cannot be removed';
    END IF;
    IF NEW.id = OLD.id AND NEW.booking_id = OLD.booking_id AND NEW.client_id = OLD.client_id
       AND NEW.document = OLD.document AND NEW.version = OLD.version AND NEW.title = OLD.title
       AND NEW.text = OLD.text AND NEW.sha256 = OLD.sha256
       AND NEW.signed_name = OLD.signed_name AND NEW.signed_at = OLD.signed_at
       AND NEW.address = OLD.address AND NEW.user_agent = OLD.user_agent
       AND NEW.witnessed_by IS NOT DISTINCT FROM OLD.witnessed_by
       AND OLD.choice IS NOT DISTINCT FROM 'marketing' AND NEW.choice IS NULL
       AND EXISTS (SELECT 1 FROM erasures e WHERE e.client_id = OLD.client_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a signed consent cannot be changed';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER consents_never_change BEFORE UPDATE OR DELETE ON consents
    FOR EACH ROW EXECUTE FUNCTION consents_immutable();

-- A signed treatment record and its amendments were kept unchanged by the store alone; the
-- database now refuses to change them (a no-op update, which takes the row's lock before an
-- amendment, still passes) or remove them, but for the purge of an erased client. The purge
-- deletes them before their booking, so the booking still names the client here.
CREATE FUNCTION booking_purging(booking TEXT) RETURNS boolean AS $$
    SELECT EXISTS (
        SELECT 1 FROM bookings b JOIN erasures e ON e.client_id = b.client_id
        WHERE b.id = booking AND e.purged_at IS NOT NULL);
$$ LANGUAGE sql STABLE;

CREATE FUNCTION treatment_records_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NULL THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF booking_purging(OLD.booking_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'a signed treatment record cannot be removed';
    END IF;
    IF NEW.booking_id IS DISTINCT FROM OLD.booking_id OR NEW.body IS DISTINCT FROM OLD.body
       OR NEW.written_by IS DISTINCT FROM OLD.written_by
       OR NEW.written_at IS DISTINCT FROM OLD.written_at
       OR NEW.signed_by IS DISTINCT FROM OLD.signed_by
       OR NEW.signed_at IS DISTINCT FROM OLD.signed_at THEN
        RAISE EXCEPTION 'a signed treatment record cannot be changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER treatment_records_signed_immutable BEFORE UPDATE OR DELETE ON treatment_records
    FOR EACH ROW EXECUTE FUNCTION treatment_records_immutable();

CREATE FUNCTION record_amendments_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF booking_purging(OLD.booking_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'an amendment cannot be removed';
    END IF;
    RAISE EXCEPTION 'an amendment cannot be changed';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER record_amendments_immutable BEFORE UPDATE OR DELETE ON record_amendments
    FOR EACH ROW EXECUTE FUNCTION record_amendments_immutable();

-- The audit trail: who read or changed what, in an append-only hash chain.
--
-- Each entry carries ids only (staff, client, entity), never a name, e-mail or phone, so
-- erasing a client never needs to rewrite the chain. `hash` is SHA-256 over `prev_hash` and a
-- canonical encoding of the entry's fields (see `store/src/audit/chain.rs`); a changed or
-- removed row breaks every hash after it. The trigger refuses UPDATE and DELETE.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    -- `staff`, `client` or `system` (the mail worker, the command line).
    actor TEXT NOT NULL,
    staff_id TEXT,
    staff_role TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    client_id TEXT,
    address TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_client ON audit_log (client_id, seq);
CREATE INDEX audit_log_staff ON audit_log (staff_id, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain's head: the last sequence number and hash. Every append updates this one row
-- first, so concurrent appends wait for each other's commit and never fork the chain.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'an audit entry cannot be changed or removed';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_never_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_never_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

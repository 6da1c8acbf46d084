-- The audit trail: who read or changed what, in an append-only hash chain.
--
-- Each entry carries ids only (staff, client, entity), never a name, e-mail or phone, so
-- erasing a client never needs to rewrite the chain. `hash` is SHA-256 over `prev_hash` and a
-- canonical encoding of the entry's fields (see `store/src/audit/chain.rs`); a changed or
-- removed row breaks every hash after it. The triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
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
-- first, which serializes appends (SQLite's single writer does so anyway).
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_never_change BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'an audit entry cannot be changed');
END;

CREATE TRIGGER audit_log_never_removed BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'an audit entry cannot be removed');
END;

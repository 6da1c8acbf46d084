-- The treatment record a practitioner writes for a visit, its sign-off and amendments, the
-- lots it names (for recall), and the reasons staff gave for completing a treatment without
-- a signed record.

-- One record per booking. `body` is the record as the workflow validated it (JSON); it is
-- never changed after `signed_at` is set: corrections are amendments, so the original stays.
CREATE TABLE treatment_records (
    booking_id TEXT PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at BIGINT NOT NULL,
    signed_by TEXT,
    signed_at BIGINT
);

-- Every cartridge and product lot a record (or one of its amendments) names, as typed and
-- as searched (trimmed, upper case). Amendments add lots and never remove them, so a recall
-- also finds the visits whose lot was later corrected.
CREATE TABLE record_lots (
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    lot_key TEXT NOT NULL,
    lot TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (booking_id, lot_key, kind)
);
CREATE INDEX record_lots_key ON record_lots (lot_key);

-- `seq` orders a record's amendments (1, 2, …); the primary key refuses two with one number.
CREATE TABLE record_amendments (
    booking_id TEXT NOT NULL REFERENCES treatment_records (booking_id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    reason TEXT NOT NULL,
    changes TEXT NOT NULL,
    body TEXT NOT NULL,
    amended_by TEXT NOT NULL,
    amended_at BIGINT NOT NULL,
    PRIMARY KEY (booking_id, seq)
);

CREATE TABLE completion_overrides (
    booking_id TEXT PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

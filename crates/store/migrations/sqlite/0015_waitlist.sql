-- The waitlist: clients waiting for a time in a date range, and the offers of a freed time
-- made to them in order of joining. An offer holds its time like a booking, in `holds`, so
-- the database refuses a booking over an offered time and an offer over a booked one.

CREATE TABLE waitlist_entries (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    service_id TEXT NOT NULL,
    practitioner_id TEXT,
    -- Clinic-local dates, YYYY-MM-DD, both included.
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    -- Parts of the day wanted, comma-separated (morning, afternoon, evening); '' is any.
    times TEXT NOT NULL DEFAULT '',
    screening_id TEXT REFERENCES screenings (id),
    -- The name and phone typed when joining, as on a booking (`booked_name`).
    joined_name TEXT NOT NULL,
    joined_phone TEXT,
    manage_token_hash TEXT NOT NULL UNIQUE,
    -- waiting, booked, left or lapsed (the range passed).
    status TEXT NOT NULL,
    -- Microseconds: the order offers follow.
    joined_us INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (from_date <= to_date)
);
CREATE INDEX waitlist_entries_waiting ON waitlist_entries (status, joined_us);

CREATE TABLE waitlist_offers (
    id TEXT PRIMARY KEY,
    entry_id TEXT NOT NULL REFERENCES waitlist_entries (id),
    token_hash TEXT NOT NULL UNIQUE,
    service_id TEXT NOT NULL,
    practitioner_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    -- open, accepted, declined, expired or withdrawn; only an open offer holds time.
    status TEXT NOT NULL,
    booking_id TEXT REFERENCES bookings (id),
    -- 'waitlist' for the matcher, or the staff member who offered it by hand.
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    closed_at INTEGER,
    CHECK (start_at < end_at)
);
-- One open offer per entry, whichever process makes it.
CREATE UNIQUE INDEX waitlist_offers_one_open ON waitlist_offers (entry_id) WHERE status = 'open';
CREATE INDEX waitlist_offers_due ON waitlist_offers (status, expires_at);
CREATE INDEX waitlist_offers_entry ON waitlist_offers (entry_id, start_at);

-- A hold now belongs to a booking or to an open offer. SQLite cannot relax a NOT NULL
-- column, so the table is rebuilt with its triggers and indexes.
CREATE TABLE holds_next (
    booking_id TEXT REFERENCES bookings (id) ON DELETE CASCADE,
    offer_id TEXT REFERENCES waitlist_offers (id) ON DELETE CASCADE,
    resource TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    CHECK (start_at < end_at),
    CHECK ((booking_id IS NULL) <> (offer_id IS NULL))
);
INSERT INTO holds_next (booking_id, resource, start_at, end_at)
    SELECT booking_id, resource, start_at, end_at FROM holds;
DROP TABLE holds;
ALTER TABLE holds_next RENAME TO holds;
CREATE UNIQUE INDEX holds_booking ON holds (booking_id, resource, start_at);
CREATE INDEX holds_offer ON holds (offer_id);
CREATE INDEX holds_resource_start ON holds (resource, start_at);
CREATE INDEX holds_start ON holds (start_at);

CREATE TRIGGER holds_no_overlap_insert BEFORE INSERT ON holds
WHEN EXISTS (
    SELECT 1 FROM holds h
    WHERE h.resource = NEW.resource
      AND h.start_at > NEW.start_at - 86400
      AND h.start_at < NEW.end_at
      AND NEW.start_at < h.end_at
)
BEGIN
    SELECT RAISE(ABORT, 'slot_unavailable: overlapping hold');
END;

CREATE TRIGGER holds_no_overlap_update BEFORE UPDATE ON holds
WHEN EXISTS (
    SELECT 1 FROM holds h
    WHERE h.resource = NEW.resource
      AND h.rowid <> OLD.rowid
      AND h.start_at > NEW.start_at - 86400
      AND h.start_at < NEW.end_at
      AND NEW.start_at < h.end_at
)
BEGIN
    SELECT RAISE(ABORT, 'slot_unavailable: overlapping hold');
END;

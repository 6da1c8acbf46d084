-- Collagen's first schema, PostgreSQL flavour. Times are Unix seconds (UTC); dates are
-- ISO 8601 text in the clinic's zone.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE clinic_setup (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    document TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE practitioners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    price TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE screenings (
    id TEXT PRIMARY KEY,
    client_id TEXT REFERENCES clients (id),
    ruleset_version TEXT NOT NULL,
    answers TEXT NOT NULL,
    outcome TEXT NOT NULL,
    earliest_date TEXT,
    findings TEXT NOT NULL,
    treatment_date TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE bookings (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL REFERENCES clients (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    practitioner_id TEXT NOT NULL REFERENCES practitioners (id),
    room_id TEXT NOT NULL REFERENCES rooms (id),
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    screening_id TEXT REFERENCES screenings (id),
    notes TEXT NOT NULL DEFAULT '',
    manage_token_hash TEXT NOT NULL UNIQUE,
    review_note TEXT,
    created_by TEXT NOT NULL DEFAULT 'client',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (start_at < end_at)
);
CREATE INDEX bookings_start ON bookings (start_at);
CREATE INDEX bookings_client ON bookings (client_id);

-- What each live booking occupies. The exclusion constraint makes two overlapping holds
-- on one resource impossible, even from two server processes.
CREATE TABLE holds (
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    resource TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    CHECK (start_at < end_at),
    PRIMARY KEY (booking_id, resource, start_at),
    CONSTRAINT holds_no_overlap EXCLUDE USING gist (resource WITH =, int8range(start_at, end_at) WITH &&)
);
CREATE INDEX holds_start ON holds (start_at);

-- Mail is queued in the same transaction as the change it reports and sent later.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    booking_id TEXT,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    ics TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

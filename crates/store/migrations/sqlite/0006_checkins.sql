-- Healing check-ins after a treatment, and the alerts the red flags among them raise.
-- A check-in, its alert and the clinic's mail are written in one transaction.

-- One row per booking holding when its last check-in was taken: a check-in claims it with
-- a single conditional upsert, so two check-ins within the hour cannot both pass.
CREATE TABLE checkin_windows (
    booking_id TEXT PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
    last_at INTEGER NOT NULL
);

CREATE TABLE checkins (
    id TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    symptoms TEXT NOT NULL,
    pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
    note TEXT,
    triage TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX checkins_booking ON checkins (booking_id, created_at);

-- Raised by a check-in whose worst symptom calls for the clinic (call_today, emergency).
CREATE TABLE checkin_alerts (
    id TEXT PRIMARY KEY,
    checkin_id TEXT NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    triage TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    ack_note TEXT
);
CREATE INDEX checkin_alerts_open ON checkin_alerts (acknowledged_at, created_at);

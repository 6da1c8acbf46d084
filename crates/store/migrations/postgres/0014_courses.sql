-- Courses: several sessions of one service booked together, all or nothing. Each session
-- is an ordinary booking with its own holds (so the database refuses overlaps as for any
-- booking); the course ties them together in order and has its own manage link.
CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id),
    service_id TEXT NOT NULL,
    -- SHA-256 of the course's manage token; the token itself is only mailed.
    manage_token_hash TEXT NOT NULL UNIQUE,
    -- The course price as the clinic file said when it was booked; NULL when it had none.
    price TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX courses_client ON courses (client_id);

CREATE TABLE course_sessions (
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    -- 0 for the first session.
    position BIGINT NOT NULL,
    booking_id TEXT NOT NULL UNIQUE REFERENCES bookings (id) ON DELETE CASCADE,
    PRIMARY KEY (course_id, position)
);

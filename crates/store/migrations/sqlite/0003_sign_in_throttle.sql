-- Sign-in throttling: one row per key (an account at an address, an address, an account,
-- a known device) counting the attempts in its current window. An attempt is counted by a
-- single upsert before its password is checked, so a burst cannot slip past the count.
-- It replaces the failure log, which was read before failures were written.

DROP TABLE login_failures;

CREATE TABLE login_attempts (
    key TEXT PRIMARY KEY,
    window_started_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts (window_started_at);

-- Browsers a staff member has signed in on (only the hash of the cookie's token is kept):
-- a correct password from one of them is not held back by guesses made elsewhere.
CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX login_devices_staff ON login_devices (staff_id);

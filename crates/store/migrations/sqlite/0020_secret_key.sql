-- Authenticator secrets in staff_two_factor.secret are sealed (encrypted) with a key kept
-- outside the database. This row holds a known text sealed with that key, written by the
-- first process to start with one, so a process given another key is stopped at start.
-- The secrets still readable here are sealed by the binary at its next start.
CREATE TABLE secret_key_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

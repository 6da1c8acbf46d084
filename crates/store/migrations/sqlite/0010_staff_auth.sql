-- Staff API tokens, two-factor sign-in, and sessions a staff member can see and end.

-- Bearer tokens for the back office's API. Only the SHA-256 of a token is kept; the role
-- is read from the staff row at each use, so a role change or a disabled login applies at
-- once. last_used_at is written at most once a minute.
CREATE TABLE staff_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    staff_id TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX staff_tokens_staff ON staff_tokens (staff_id);

-- An authenticator secret (base32). It counts only once confirmed with a code; last_step is
-- the last 30-second step whose code was accepted, so a code is never taken twice.
CREATE TABLE staff_two_factor (
    staff_id TEXT PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    confirmed_at INTEGER,
    last_step INTEGER NOT NULL DEFAULT -1
);

-- One-time recovery codes, hashed; a used one keeps its row with used_at set.
CREATE TABLE staff_recovery_codes (
    staff_id TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (staff_id, code_hash)
);

-- A password accepted for an account with two-factor on: the browser holds the token (its
-- hash is here) until it answers with a code.
CREATE TABLE staff_sign_in_steps (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    next_path TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staff_sign_in_steps_staff ON staff_sign_in_steps (staff_id);

-- Sessions gain what their owner sees of them (an id to end one by, when it was last
-- used, from where) and what the idle limit is measured from. Sessions from before carry
-- none of it, so everyone signs in again once.
DELETE FROM staff_sessions;
ALTER TABLE staff_sessions ADD COLUMN id TEXT NOT NULL DEFAULT '';
ALTER TABLE staff_sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE staff_sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX staff_sessions_id ON staff_sessions (id);
